// Every expected value of trec_eval 9.0.8's own test data and of a real
// Anserini CACM run must be reproduced: printed text byte for byte, and the
// full-precision values within 1e-9.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateRunFile, formatTrecEval, readQrels } from '../../src/eval/index.js';
import { parseTrecEvalCommand } from '../helpers/fixture-command.js';
import { dataset } from '../helpers/shared-data.js';

const fixtures = dataset('metric-fixtures');
interface FixtureTest {
  command: string;
  qrels: string;
  run: string;
  full_precision: { all: Record<string, number | string>; per_query: Record<string, Record<string, number | string>> };
}
const expected = JSON.parse(readFileSync(`${fixtures}/trec_eval_test_expected.json`, 'utf8')) as { tests: Record<string, FixtureTest> };

describe('trec_eval test suite', () => {
  for (const [name, t] of Object.entries(expected.tests)) {
    const { options, perQuery } = parseTrecEvalCommand(t.command);
    const report = evaluateRunFile(readQrels(`${fixtures}/${t.qrels}`), `${fixtures}/${t.run}`, options);

    it(`${t.command}: printed output equals trec_eval's`, () => {
      const want = readFileSync(`${fixtures}/trec_eval_test/${name}`, 'utf8');
      expect(formatTrecEval(report, perQuery)).toBe(want);
    });

    it(`${t.command}: full-precision values within 1e-9`, () => {
      let checked = 0;
      const compare = (got: unknown, want: number | string, where: string): void => {
        checked++;
        if (typeof want === 'string') expect(String(got), where).toBe(want);
        else expect(Math.abs((got as number) - want), `${where}: got ${String(got)}, want ${want}`).toBeLessThanOrEqual(1e-9);
      };
      for (const [m, v] of Object.entries(t.full_precision.all)) compare(report.all.get(m), v, `all ${m}`);
      for (const [qid, values] of Object.entries(t.full_precision.per_query)) {
        for (const [m, v] of Object.entries(values)) compare(report.perQuery.get(qid)?.get(m), v, `${qid} ${m}`);
      }
      expect(checked).toBeGreaterThan(20);
    });
  }
});

describe('Anserini CACM BM25 run', () => {
  const dir = `${fixtures}/anserini-cacm`;
  const measures = ['map', 'P.5,10,30', 'recall.10,30', 'ndcg_cut.5,10,30', 'recip_rank', 'num_q', 'num_rel', 'num_rel_ret', 'Rprec'];
  const qrels = readQrels(`${dir}/qrels.cacm.txt`);
  it.each([
    ['expected.trec_eval.txt', {}, false],
    ['expected.trec_eval.c.txt', { averageComplete: true }, false],
    ['expected.trec_eval.q.txt', {}, true],
  ] as const)('%s', (file, extra, perQuery) => {
    const report = evaluateRunFile(qrels, `${dir}/cacm-bm25.top30.run`, { measures, ...extra });
    expect(formatTrecEval(report, perQuery)).toBe(readFileSync(`${dir}/${file}`, 'utf8'));
  });
  it('reproduces the P_30 = 0.1942 that Anserini asserts', () => {
    const report = evaluateRunFile(qrels, `${dir}/cacm-bm25.top30.run`, { measures: ['P.30'] });
    expect((report.all.get('P_30') as number).toFixed(4)).toBe('0.1942');
  });
});
