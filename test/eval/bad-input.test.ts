// Malformed qrels and runs stop with FILE:LINE and a reason, never a stack trace.
import { describe, expect, it } from 'vitest';
import { evaluateRunFile, readQrels, readQueries } from '../../src/eval/index.js';
import { quarry } from '../helpers/cli.js';
import { errorOf } from '../helpers/errors.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir();
const goodQrels = writeFile(dir, 'good.qrels', '1 0 a 1\n1 0 b 0\n2 0 c 2\n');

describe('qrels errors', () => {
  it.each([
    ['1 0 a\n', 'expected 4 columns'],
    ['1 0 a 1\n1 0 b x\n', ':2: relevance "x" is not an integer'],
    ['1 0 a 1\n1 0 a 0\n', ':2: duplicate judgment for query 1, document a'],
    ['query-id\tcorpus-id\tscore\nq1\td1\n', ':2: expected 3 columns'],
    ['1 0 a 1.5\n', 'is not an integer'],
  ])('%j -> %s', (content, message) => {
    const p = writeFile(dir, 'bad.qrels', content);
    const e = errorOf(() => readQrels(p));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toContain(p);
    expect(e.message).toContain(message);
  });
  it('rejects an empty file', () => {
    const p = writeFile(dir, 'empty.qrels', '\n\n');
    expect(errorOf(() => readQrels(p)).code).toBe('EMPTY');
  });
  it('reads BEIR TSV qrels', () => {
    const p = writeFile(dir, 'beir.tsv', 'query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0\n');
    expect(readQrels(p).get('q1')?.get('d1')).toBe(1);
  });
});

describe('run errors', () => {
  const qrels = readQrels(goodQrels);
  it.each([
    ['1 Q0 a 1 2.0\n', ':1: expected 6 columns'],
    ['1 Q0 a 1 2.0 t\n1 Q0 b 2 high t\n', ':2: score "high" is not a finite number'],
    ['1 Q0 a 1 2.0 t\n1 Q0 b 2 NaN t\n', ':2: score "NaN"'],
  ])('%j -> %s', (content, message) => {
    const p = writeFile(dir, 'bad.run', content);
    const e = errorOf(() => evaluateRunFile(qrels, p));
    expect(e.message).toContain(`${p}`);
    expect(e.message).toContain(message);
  });
  it('rejects a duplicate document, as trec_eval does', () => {
    const p = writeFile(dir, 'dup.run', '1 Q0 a 1 2 t\n1 Q0 a 2 1 t\n');
    expect(errorOf(() => evaluateRunFile(qrels, p)).message).toContain('duplicate document a');
  });
  it('rejects an empty run', () => {
    const p = writeFile(dir, 'empty.run', '');
    expect(errorOf(() => evaluateRunFile(qrels, p)).code).toBe('EMPTY');
  });
  it('warns with counts when no query overlaps the qrels', () => {
    const p = writeFile(dir, 'other.run', '9 Q0 a 1 2 t\n8 Q0 a 1 2 t\n');
    const r = evaluateRunFile(qrels, p, { measures: ['map'] });
    expect(r.warnings[0]).toContain('no query of the run (2 queries) is in the qrels (2 queries)');
    expect(r.all.get('map')).toBe(0);
  });
  it('evaluates non-contiguous runs the same as sorted ones', () => {
    const mixed = writeFile(dir, 'mixed.run', '1 Q0 a 1 3 t\n2 Q0 c 1 3 t\n1 Q0 b 2 2 t\n');
    const sorted = writeFile(dir, 'sorted.run', '1 Q0 a 1 3 t\n1 Q0 b 2 2 t\n2 Q0 c 1 3 t\n');
    expect(evaluateRunFile(qrels, mixed, { measures: ['all_trec'] }).all).toEqual(
      evaluateRunFile(qrels, sorted, { measures: ['all_trec'] }).all,
    );
  });
  it('-J drops unjudged documents before ranking', () => {
    const p = writeFile(dir, 'unjudged.run', '1 Q0 x 1 3 t\n1 Q0 a 2 2 t\n');
    expect(evaluateRunFile(qrels, p, { measures: ['P.1'] }).all.get('P_1')).toBe(0);
    expect(evaluateRunFile(qrels, p, { measures: ['P.1'], judgedOnly: true }).all.get('P_1')).toBe(1);
  });
});

describe('query files', () => {
  it('reads TSV and JSONL queries and names bad lines', () => {
    expect(readQueries(writeFile(dir, 'q.tsv', '1\thello world\n2\tbye\n')).get('2')).toBe('bye');
    expect(readQueries(writeFile(dir, 'q.jsonl', '{"_id":"1","text":"hi"}\n')).get('1')).toBe('hi');
    const p = writeFile(dir, 'bad.jsonl', '{"_id":"1","text":"hi"}\n{"_id":"2"\n');
    expect(errorOf(() => readQueries(p)).message).toContain(`${p}:2: not valid JSON`);
  });
});

describe('quarry eval CLI', () => {
  it('prints FILE:LINE and exits 65 on a malformed run, without a stack trace', () => {
    const p = writeFile(dir, 'cli-bad.run', '1 Q0 a 1 2 t\n1 Q0 b\n');
    const r = quarry(['eval', goodQrels, p]);
    expect(r.status).toBe(65);
    expect(r.stderr).toBe(`quarry: ${p}:2: expected 6 columns (qid Q0 docno rank score tag), found 3\n`);
  });
  it('exits 66 for a missing file and 64 for an unknown measure', () => {
    expect(quarry(['eval', goodQrels, `${dir}/nope.run`]).status).toBe(66);
    const r = quarry(['eval', '-m', 'nDCG@10', goodQrels, goodQrels]);
    expect(r.status).toBe(64);
    expect(r.stderr).toContain('unknown measure "nDCG@10"; trec_eval writes it ndcg_cut.10');
    expect(quarry(['eval', '-m', 'R@100', goodQrels, goodQrels]).stderr).toContain('trec_eval writes it recall.100');
    expect(quarry(['eval', '-m', 'bogus', goodQrels, goodQrels]).stderr).not.toContain('trec_eval writes it');
  });
  it('prints JSON with --json and a side-by-side table for several runs', () => {
    const run = writeFile(dir, 'ok.run', '1 Q0 a 1 2 tagA\n2 Q0 c 1 2 tagA\n');
    const run2 = writeFile(dir, 'ok2.run', '1 Q0 b 1 2 tagB\n2 Q0 c 1 2 tagB\n');
    const json = JSON.parse(quarry(['eval', '--json', '-m', 'P.1', goodQrels, run]).stdout) as { all: Record<string, number> };
    expect(json.all.P_1).toBe(1);
    const table = quarry(['eval', '-m', 'P.1', goodQrels, run, run2]).stdout.split('\n');
    expect(table[0]).toMatch(/^measure\s+ok\.run\s+ok2\.run$/);
    expect(table[1]).toMatch(/^P_1\s+1\.0000\s+0\.5000$/);
  });
});
