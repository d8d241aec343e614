/**
 * Static hard negatives (STAR, Zhan et al., SIGIR 2021): each training
 * query's BM25 ranking of the corpus, from a temporary collection indexed
 * with Quarry's Lucene-exact BM25 (title and text as one field).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collection } from '../collection/collection.js';
import { forEachTrainingDocument } from './training-corpus.js';

/** The top `depth` documents (as corpus indices) of each query by BM25. */
export function bm25Candidates(
  corpusPath: string,
  docIndex: ReadonlyMap<string, number>,
  queries: readonly string[],
  depth: number,
): Int32Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-train-bm25-'));
  try {
    const c = Collection.create(join(dir, 'c'), { fields: { contents: { type: 'text', from: ['title', 'text'] } } });
    const w = c.writer();
    try {
      forEachTrainingDocument(corpusPath, (d) => w.add({ _id: d.id, title: d.title, text: d.text }));
      w.commit();
    } finally {
      w.close();
    }
    const snap = c.reader();
    try {
      return queries.map((q) => Int32Array.from(snap.search(q, { k: depth }).map((h) => docIndex.get(h.id) ?? -1)).filter((d) => d >= 0));
    } finally {
      snap.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
