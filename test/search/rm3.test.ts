import { describe, expect, it } from 'vitest';
import { evaluateRun, readQrels, type RunData } from '../../src/eval/index.js';
import { readQueries } from '../../src/io/beir.js';
import { resolveRm3Params, rm3Expand, RM3_DEFAULTS } from '../../src/search/rm3.js';
import { quarry } from '../helpers/cli.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexCorpus } from '../helpers/build-collection.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('RM3', () => {
  it('mixes the L1-normalized query with the top feedback terms (weights sum to 1)', () => {
    const q = rm3Expand(
      ['solar', 'power'],
      [
        { terms: ['solar', 'panel', 'panel', 'roof'], score: 2 },
        { terms: ['panel', 'grid', 'x'], score: 1 },
      ],
      () => 1,
      100,
      { fbTerms: 2, fbDocs: 10, originalQueryWeight: 0.5, maxDocFreqShare: 0.1 },
    );
    // panel 1.5; solar, roof, grid tie at 0.5 and the tie goes to the first term in byte order (grid)
    expect([...q.keys()].sort()).toEqual(['grid', 'panel', 'power', 'solar']);
    expect([...q.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(q.get('power')).toBeCloseTo(0.25, 12);
  });

  it('improves MAP on CACM over BM25 (as in Anserini regressions)', () => {
    const snap = indexCorpus(tempDir(), dataset('cacm/corpus-anserini-html.jsonl')).reader();
    const qrels = readQrels(dataset('cacm/qrels/test.tsv'));
    const runs: Record<string, RunData> = { bm25: new Map(), rm3: new Map() };
    for (const [qid, text] of readQueries(dataset('cacm/queries.jsonl'))) {
      if (!qrels.has(qid)) continue;
      const a = snap.search(text, { k: 1000, includeStored: false });
      const b = snap.searchRm3(text, 'contents', { k: 1000, includeStored: false });
      runs.bm25!.set(qid, { docnos: a.map((h) => h.id), scores: a.map((h) => h.score) });
      runs.rm3!.set(qid, { docnos: b.map((h) => h.id), scores: b.map((h) => h.score) });
    }
    const map = (r: RunData) => evaluateRun(qrels, r, { measures: ['map'] }).all.get('map') as number;
    expect(map(runs.rm3!)).toBeGreaterThan(map(runs.bm25!) + 0.03);
  }, 60_000);

  it('checks its parameters by name and range', () => {
    expect(resolveRm3Params({})).toEqual(RM3_DEFAULTS);
    expect(resolveRm3Params({ fbDocs: 5 }).fbDocs).toBe(5);
    expect(() => resolveRm3Params({ fbdocs: 5 })).toThrow('params.fbdocs: "fbdocs" is not an RM3 parameter');
    expect(() => resolveRm3Params({ fbDocs: 0 })).toThrow('params.fbDocs: fbDocs must be a positive integer, got 0');
    expect(() => resolveRm3Params({ fbTerms: 2.5 })).toThrow('fbTerms must be a positive integer');
    expect(() => resolveRm3Params({ originalQueryWeight: 1.5 })).toThrow('originalQueryWeight must be a number in [0, 1]');
    expect(() => resolveRm3Params({ maxDocFreqShare: 0 })).toThrow('maxDocFreqShare must be a number in (0, 1]');
  });

  it('quarry run --rm3 writes the run searchRm3 gives; bad parameters are usage errors', () => {
    const dir = tempDir();
    const corpus = dataset('cacm/corpus-anserini-html.jsonl');
    const idx = join(dir, 'cacm');
    expect(quarry(['index', idx, '--corpus', corpus, '--quiet']).status).toBe(0);
    const queries = join(dir, 'q.tsv');
    writeFileSync(queries, 'q1\tparallel sorting algorithms\nq2\tcompiler code optimization\n');
    const out = join(dir, 'rm3.run');
    expect(quarry(['run', idx, '--queries', queries, '--rm3', '{"fbDocs":5}', '--output', out, '-k', '20', '--quiet']).status).toBe(0);
    const snap = indexCorpus(dir, corpus).reader();
    const want = [
      ['q1', 'parallel sorting algorithms'],
      ['q2', 'compiler code optimization'],
    ].flatMap(([qid, text]) =>
      snap
        .searchRm3(text!, 'contents', { k: 20, params: { fbDocs: 5 }, includeStored: false })
        .map((h, r) => `${qid} Q0 ${h.id} ${r + 1} ${h.score.toFixed(6)} quarry`),
    );
    expect(readFileSync(out, 'utf8')).toBe(want.join('\n') + '\n');
    const bad = quarry(['run', idx, '--queries', queries, '--rm3', '{"fbDocs":-2}', '--output', join(dir, 'never.run')]);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toContain('quarry: --rm3: params.fbDocs: fbDocs must be a positive integer, got -2');
    expect(quarry(['search', idx, 'sorting', '--rm3', '--vector', '[1]']).stderr).toContain('--rm3: cannot be combined with --vector');
  }, 60_000);
});
