import { describe, expect, it } from 'vitest';
import { evaluateRun, readQrels, type RunData } from '../../src/eval/index.js';
import { readQueries } from '../../src/io/beir.js';
import { rm3Expand } from '../../src/search/rm3.js';
import { indexCorpus } from '../helpers/build-collection.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('RM3', () => {
  it('mixes the L1-normalized query with the top feedback terms (weights sum to 1)', () => {
    const q = rm3Expand(['solar', 'power'], [{ terms: ['solar', 'panel', 'panel', 'roof'], score: 2 }, { terms: ['panel', 'grid', 'x'], score: 1 }], () => 1, 100, { fbTerms: 2, fbDocs: 10, originalQueryWeight: 0.5, maxDocFreqShare: 0.1 });
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
});
