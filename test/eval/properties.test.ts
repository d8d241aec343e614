// Property tests of the measures: invariances and bounds that must hold for
// any run and any judgments.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRun, qrelsFromTriples, type RunData } from '../../src/eval/index.js';

const MEASURES = ['map', 'P.1,3,5,10', 'recall.5,10', 'ndcg', 'ndcg_cut.3,10', 'bpref', 'recip_rank', 'Rprec', 'infAP', 'success.1,5'];

/** A random query: documents d0..dn-1 with scores and some judged. */
const queryArb = fc.record({
  n: fc.integer({ min: 1, max: 25 }),
  scores: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 25, maxLength: 25 }),
  rels: fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 30, maxLength: 30 }),
  judgedMask: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
});

type Q = { n: number; scores: number[]; rels: number[]; judgedMask: boolean[] };

function build(qs: Q[], rename: (d: string) => string = (d) => d, distinctScores = false) {
  const triples: [string, string, number][] = [];
  const run: RunData = new Map();
  qs.forEach((q, qi) => {
    const qid = `q${qi}`;
    for (let d = 0; d < 30; d++) if (q.judgedMask[d]) triples.push([qid, rename(`d${d}`), q.rels[d]!]);
    const docnos: string[] = [];
    const scores: number[] = [];
    for (let d = 0; d < q.n; d++) {
      docnos.push(rename(`d${d}`));
      scores.push(distinctScores ? d * 1000 + q.scores[d]! : q.scores[d]!);
    }
    run.set(qid, { docnos, scores });
  });
  if (triples.length === 0) triples.push(['q0', 'never-retrieved', 1]);
  return { qrels: qrelsFromTriples(triples), run };
}

function values(qrels: ReturnType<typeof qrelsFromTriples>, run: RunData, measures = MEASURES) {
  const r = evaluateRun(qrels, run, { measures });
  return Object.fromEntries([...r.scored].map(([q, m]) => [q, Object.fromEntries(m)]));
}

describe('measure properties', () => {
  it('are invariant to the order of run lines', () => {
    fc.assert(
      fc.property(fc.array(queryArb, { minLength: 1, maxLength: 4 }), fc.integer(), (qs, seed) => {
        const { qrels, run } = build(qs);
        const shuffled: RunData = new Map();
        for (const [qid, q] of run) {
          const idx = q.docnos.map((_, i) => i);
          let s = seed >>> 0;
          for (let i = idx.length - 1; i > 0; i--) {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            const j = s % (i + 1);
            [idx[i], idx[j]] = [idx[j]!, idx[i]!];
          }
          shuffled.set(qid, { docnos: idx.map((i) => q.docnos[i]!), scores: idx.map((i) => q.scores[i]!) });
        }
        expect(values(qrels, shuffled)).toEqual(values(qrels, run));
      }),
    );
  });

  it('do not change when docnos are renamed consistently (no score ties)', () => {
    fc.assert(
      fc.property(fc.array(queryArb, { minLength: 1, maxLength: 3 }), fc.string({ minLength: 1, maxLength: 4 }), (qs, prefix) => {
        const a = build(qs, (d) => d, true);
        const b = build(qs, (d) => `${prefix}:${d.split('').reverse().join('')}`, true);
        expect(values(b.qrels, b.run)).toEqual(values(a.qrels, a.run));
      }),
    );
  });

  it('keep nDCG within [0, 1] and P@k * k integral', () => {
    fc.assert(
      fc.property(fc.array(queryArb, { minLength: 1, maxLength: 3 }), (qs) => {
        const { qrels, run } = build(qs);
        for (const m of Object.values(values(qrels, run))) {
          for (const name of ['ndcg', 'ndcg_cut_3', 'ndcg_cut_10']) {
            expect(m[name]).toBeGreaterThanOrEqual(0);
            expect(m[name]).toBeLessThanOrEqual(1 + 1e-12);
          }
          for (const k of [1, 3, 5, 10]) {
            const x = (m[`P_${k}`] as number) * k;
            expect(Math.abs(x - Math.round(x))).toBeLessThan(1e-9);
          }
        }
      }),
    );
  });

  it('never raise P, recall or nDCG when a non-relevant document is appended at the bottom', () => {
    fc.assert(
      fc.property(fc.array(queryArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (qs, judgedNonrel) => {
        const { run } = build(qs);
        const triples: [string, string, number][] = [];
        qs.forEach((q, qi) => {
          for (let d = 0; d < 30; d++) if (q.judgedMask[d]) triples.push([`q${qi}`, `d${d}`, q.rels[d]!]);
          if (judgedNonrel) triples.push([`q${qi}`, 'extra', 0]);
        });
        if (triples.length === 0) triples.push(['q0', 'never-retrieved', 1]);
        const qrels = qrelsFromTriples(triples);
        const longer: RunData = new Map();
        for (const [qid, q] of run) {
          const min = Math.min(...q.scores);
          longer.set(qid, { docnos: [...q.docnos, 'extra'], scores: [...q.scores, min - 1] });
        }
        const before = values(qrels, run);
        const after = values(qrels, longer);
        for (const qid of Object.keys(before)) {
          for (const name of ['P_1', 'P_3', 'P_5', 'P_10', 'recall_5', 'recall_10', 'ndcg', 'ndcg_cut_3', 'ndcg_cut_10']) {
            expect(after[qid]![name] as number).toBeLessThanOrEqual((before[qid]![name] as number) + 1e-12);
          }
        }
      }),
    );
  });
});
