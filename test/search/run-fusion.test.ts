// Fusion of whole TREC runs (quarry fuse): RRF, CombSUM and CombMNZ against hand-computed
// values, trec_eval's ranking of each input, depth and k, and the errors bad runs get.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunData } from '../../src/eval/index.js';
import { errorOf } from '../helpers/errors.js';
import { fuseRuns } from '../../src/search/run-fusion.js';
import { tuneRunFusion } from '../../src/search/run-fusion-tuning.js';
import { parseQrelsText } from '../../src/eval/index.js';
import { quarry } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

/** A run from per-query [docno, score] pairs, in the given (file) order. */
function run(queries: Record<string, [string, number][]>): RunData {
  return new Map(Object.entries(queries).map(([qid, rows]) => [qid, { docnos: rows.map((r) => r[0]), scores: rows.map((r) => r[1]) }]));
}

const a = run({
  q1: [
    ['d1', 3],
    ['d2', 2],
    ['d3', 1],
  ],
  q2: [['x', 1]],
});
// listed out of score order on purpose: ranks come from scores (trec_eval), not file order
const b = run({
  q1: [
    ['d3', 5],
    ['d4', 9],
    ['d1', 4],
  ],
  q3: [['y', 2]],
});

describe('fuseRuns', () => {
  it('sums weight / (k + rank) with ranks from the scores, and keeps every query of any run', () => {
    const f = fuseRuns(
      [
        { name: 'a', run: a },
        { name: 'b', run: b },
      ],
      { rrfK: 60 },
    );
    expect([...f.keys()]).toEqual(['q1', 'q2', 'q3']);
    const q1 = f.get('q1')!;
    // b's ranks: d4 1, d3 2, d1 3
    const expected: Record<string, number> = { d1: 1 / 61 + 1 / 63, d2: 1 / 62, d3: 1 / 63 + 1 / 62, d4: 1 / 61 };
    expect(q1.docnos).toEqual(['d1', 'd3', 'd4', 'd2']);
    q1.docnos.forEach((d, i) => expect(q1.scores[i]).toBeCloseTo(expected[d]!, 15));
    expect(f.get('q2')).toEqual({ docnos: ['x'], scores: [1 / 61] });
  });

  it('breaks ties of the fused score by docno descending, as trec_eval reads a run', () => {
    const f = fuseRuns([
      {
        name: 'a',
        run: run({
          q: [
            ['m', 2],
            ['z', 1],
          ],
        }),
      },
      {
        name: 'b',
        run: run({
          q: [
            ['z', 2],
            ['m', 1],
          ],
        }),
      },
    ]);
    expect(f.get('q')!.docnos).toEqual(['z', 'm']);
  });

  it('takes depth documents from each run and keeps k', () => {
    const f = fuseRuns(
      [
        { name: 'a', run: a },
        { name: 'b', run: b },
      ],
      { depth: 1, k: 2 },
    );
    // depth 1: a gives d1 (rank 1), b gives d4 (rank 1); the tie goes to the larger docno
    expect(f.get('q1')!.docnos).toEqual(['d4', 'd1']);
    expect(
      fuseRuns(
        [
          { name: 'a', run: a },
          { name: 'b', run: b },
        ],
        { k: 1 },
      ).get('q1')!.docnos,
    ).toEqual(['d1']);
  });

  it('CombSUM and CombMNZ weight min-max normalized scores; a missing document adds nothing', () => {
    const runs = [
      { name: 'a', run: a },
      { name: 'b', run: b },
    ];
    // q1 min-max: a d1 1, d2 0.5, d3 0; b d4 1, d3 0.2, d1 0
    const sum = fuseRuns(runs, { method: 'weighted', weights: [2, 1] }).get('q1')!;
    const want: Record<string, number> = { d1: 2, d2: 1, d3: 0.2, d4: 1 };
    sum.docnos.forEach((d, i) => expect(sum.scores[i]).toBeCloseTo(want[d]!, 12));
    const mnz = fuseRuns(runs, { method: 'mnz', weights: [2, 1] }).get('q1')!;
    const found: Record<string, number> = { d1: 2, d2: 1, d3: 2, d4: 1 };
    mnz.docnos.forEach((d, i) => expect(mnz.scores[i]).toBeCloseTo(want[d]! * found[d]!, 12));
    // Pyserini's interpolation: alpha * s1 + (1 - alpha) * s2 on raw scores
    const interp = fuseRuns(runs, { method: 'weighted', normalize: 'none', weights: [0.25, 0.75] }).get('q1')!;
    expect(interp.scores[interp.docnos.indexOf('d1')]).toBeCloseTo(0.25 * 3 + 0.75 * 4, 12);
  });

  it('RRF of a run with itself keeps its trec_eval order, and fused scores never increase down a list', () => {
    const rows = fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-f0-9]{1,3}$/), fc.integer({ min: -5, max: 5 })), {
      selector: (r) => r[0],
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(rows, rows, fc.integer({ min: 1, max: 50 }), (r1, r2, depth) => {
        const one = run({ q: r1 });
        const self = fuseRuns(
          [
            { name: 'a', run: one },
            { name: 'b', run: one },
          ],
          { depth },
        ).get('q')!;
        const order = [...r1]
          .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? 1 : x[0] > y[0] ? -1 : 0))
          .slice(0, depth)
          .map((r) => r[0]);
        expect(self.docnos).toEqual(order);
        const mixed = fuseRuns(
          [
            { name: 'a', run: one },
            { name: 'b', run: run({ q: r2 }) },
          ],
          { method: 'mnz', normalize: 'zscore' },
        ).get('q')!;
        for (let i = 1; i < mixed.scores.length; i++) expect(mixed.scores[i]!).toBeLessThanOrEqual(mixed.scores[i - 1]!);
        expect(new Set(mixed.docnos).size).toBe(mixed.docnos.length);
      }),
    );
  });

  it('names the run and query of a document retrieved twice, and rejects bad options', () => {
    const dup = run({
      q7: [
        ['d1', 2],
        ['d1', 1],
      ],
    });
    expect(
      errorOf(() =>
        fuseRuns([
          { name: 'a', run: a },
          { name: 'dup.run', run: dup },
        ]),
      ).message,
    ).toMatch(/dup\.run.*d1.*twice.*q7/);
    expect(errorOf(() => fuseRuns([{ name: 'a', run: a }], { weights: [1, 2] })).message).toContain('2 weights for 1 runs');
    expect(errorOf(() => fuseRuns([{ name: 'a', run: a }], { k: 0 })).message).toContain('k');
    expect(errorOf(() => fuseRuns([])).message).toContain('no runs');
  });
});

describe('tuneRunFusion', () => {
  // run a ranks the relevant document first for both queries, run b last
  const good = run({
    q1: [
      ['d1', 3],
      ['d2', 2],
    ],
    q2: [
      ['e1', 5],
      ['e2', 1],
    ],
  });
  const bad = run({
    q1: [
      ['d2', 9],
      ['d1', 1],
    ],
    q2: [
      ['e2', 4],
      ['e1', 2],
    ],
  });
  const qrels = parseQrelsText('q1 0 d1 1\nq2 0 e1 1\n', 'qrels');
  const runs = [
    { name: 'good', run: good },
    { name: 'bad', run: bad },
  ];

  it('scores every weight vector on the grid and keeps the first best', () => {
    const t = tuneRunFusion(runs, qrels, { measure: 'P.1', method: 'weighted', step: 0.25 });
    expect(t.measure).toBe('P_1');
    expect(t.trials.map((x) => x.weights)).toEqual([
      [1, 0],
      [0.75, 0.25],
      [0.5, 0.5],
      [0.25, 0.75],
      [0, 1],
    ]);
    // min-max: d1 scores w_good, d2 w_bad; at 0.5 each the tie goes to the larger docno (d2, e2)
    expect(t.trials.map((x) => x.value)).toEqual([1, 1, 0, 0, 0]);
    expect(t.best).toEqual({ weights: [1, 0], value: 1 });
    // three runs on a 0.1 grid: C(12, 2) = 66 vectors, each summing to 1
    const three = tuneRunFusion([...runs, { name: 'again', run: good }], qrels, { measure: 'P.1', step: 0.1 });
    expect(three.trials.length).toBe(66);
    for (const x of three.trials) expect(x.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('refuses steps that do not divide 1, a single run and grids too large to try', () => {
    expect(() => tuneRunFusion(runs, qrels, { measure: 'P.1', step: 0.3 })).toThrow(/whole steps/);
    expect(() => tuneRunFusion(runs.slice(0, 1), qrels, { measure: 'P.1' })).toThrow(/two or more runs/);
    expect(() => tuneRunFusion([...runs, ...runs, ...runs], qrels, { measure: 'P.1', step: 0.01 })).toThrow(/more than 5000/);
    expect(() => tuneRunFusion(runs, qrels, { measure: 'runid' })).toThrow(/no averaged value/);
  });
});

describe('quarry fuse', () => {
  it('writes the fused run, evaluates it, and names bad input', () => {
    const dir = tempDir();
    const r1 = writeFile(dir, 'a.run', 'q1 Q0 d1 1 3 a\nq1 Q0 d2 2 2 a\nq2 Q0 x 1 1 a\n');
    const r2 = writeFile(dir, 'b.run', 'q1 Q0 d4 1 9 b\nq1 Q0 d2 2 5 b\n');
    const qrels = writeFile(dir, 'qrels', 'q1 0 d2 1\nq2 0 x 1\n');
    const out = join(dir, 'fused.run');
    const r = quarry(['fuse', r1, r2, '--output', out, '--qrels', qrels, '-m', 'P.1', '--sort-qids', '--json']);
    expect(r.status, r.stderr).toBe(0);
    // d2 is ranked 2 by both runs: 2/62 beats d1's and d4's 1/61
    expect(readFileSync(out, 'utf8')).toBe(
      `q1 Q0 d2 1 ${2 / 62} quarry-fuse\nq1 Q0 d4 2 ${1 / 61} quarry-fuse\nq1 Q0 d1 3 ${1 / 61} quarry-fuse\nq2 Q0 x 1 ${1 / 61} quarry-fuse\n`,
    );
    const summary = JSON.parse(r.stdout) as { queries: number; lines: number; evaluation: { all: Record<string, number> } };
    expect(summary.queries).toBe(2);
    expect(summary.lines).toBe(4);
    expect(summary.evaluation.all['P_1']).toBe(1);
    const bad = quarry(['fuse', r1, writeFile(dir, 'bad.run', 'q1 Q0 d1 1\n'), '--output', out]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('bad.run:1');
    const tuned = quarry(['fuse', r1, r2, '--method', 'weighted', '--tune', 'P.1', '--tune-step', '0.5', '--qrels', qrels, '--json']);
    expect(tuned.status, tuned.stderr).toBe(0);
    expect((JSON.parse(tuned.stdout) as { tuning: { best: { weights: number[] }; trials: unknown[] } }).tuning.trials.length).toBe(3);
    for (const [args, message] of [
      [['--normalize', 'zscore'], '--normalize: applies to --method weighted and mnz, not rrf'],
      [['-m', 'map'], '--measure: applies only with --qrels'],
      [['--method', 'weighted', '--tune', 'map', '--qrels', qrels, '--weights', '1,1'], '--tune: cannot be combined with --weights'],
    ] as [string[], string][]) {
      const r = quarry(['fuse', r1, r2, ...args]);
      expect(r.status).toBe(64);
      expect(r.stderr).toContain(message);
    }
    const weights = quarry(['fuse', r1, r2, '--weights', '1,x', '--output', out]);
    expect(weights.stderr).toContain('--weights: weight 2 ("x") is not a number');
    // nothing was written over the earlier result
    expect(readFileSync(out, 'utf8')).toContain('q1 Q0 d2 1');
  }, 30_000); // a dozen CLI processes: slow on a loaded two-core machine
});
