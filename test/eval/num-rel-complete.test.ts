// trec_eval 9.0.8 computes the -c summary of num_rel from the qrels (m_num_rel.c,
// te_calc_avg_num_rel): every judgment above 0, whatever -l says, while each query's num_rel
// applies the level (issue: developer experience, "one trec_eval difference").
import { describe, expect, it } from 'vitest';
import { evaluateRun, type Qrels, type RunData } from '../../src/eval/index.js';

const qrels: Qrels = new Map([
  [
    'q1',
    new Map([
      ['a', 2],
      ['b', 1],
      ['c', 0],
    ]),
  ],
  [
    'q2',
    new Map([
      ['d', 1],
      ['e', 3],
    ]),
  ],
  ['q3', new Map([['f', 2]])], // judged, not in the run
]);
const run: RunData = new Map([
  ['q1', { docnos: ['a', 'c'], scores: [2, 1] }],
  ['q2', { docnos: ['e'], scores: [1] }],
]);

describe('num_rel with -c and -l', () => {
  it('counts every judgment above 0 in the summary, and the level per query', () => {
    const complete = evaluateRun(qrels, run, { measures: ['num_rel'], averageComplete: true, relevanceLevel: 2 }, 'r');
    expect(complete.all.get('num_rel')).toBe(5); // a, b, d, e, f: rel > 0
    expect(complete.perQuery.get('q1')?.get('num_rel')).toBe(1); // a: rel >= 2
    expect(complete.perQuery.get('q2')?.get('num_rel')).toBe(1); // e
    // without -c the summary is the sum over the run's queries, at the level
    const plain = evaluateRun(qrels, run, { measures: ['num_rel'], relevanceLevel: 2 }, 'r');
    expect(plain.all.get('num_rel')).toBe(2);
    // with -c at the default level the two agree with the per-query sum (3 queries' judgments > 0)
    const level1 = evaluateRun(qrels, run, { measures: ['num_rel'], averageComplete: true }, 'r');
    expect(level1.all.get('num_rel')).toBe(5);
  });
});
