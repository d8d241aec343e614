/** The BM25 benchmark's document and query sets: SciFact (real) and the synthetic Zipfian corpus. */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { readQrels } from '../../src/eval/qrels.js';
import { forEachBeirDocument, readQueries } from '../../src/io/beir.js';
import { generateZipfCorpus, generateZipfQueries, type ZipfSettings } from './zipf-corpus.js';

/** Where the shared datasets live (benchmarks read them; the project never needs them at run time). */
export const SHARED = process.env.QUARRY_SHARED_DATASETS ?? join(import.meta.dirname ?? '.', '../../../shared/datasets');

/** A benchmark dataset: documents are streamed; query sets are named. */
export interface BenchDataset {
  name: string;
  /** Calls `emit` for each document. */
  forEachDoc(emit: (id: string, text: string) => void): void;
  queries: Record<string, string[]>;
  /** Analyzer preset Quarry uses; Lucene uses its equivalent (EnglishAnalyzer or WhitespaceAnalyzer). */
  analyzer: 'english' | 'whitespace';
  /** BM25 parameters for Quarry and Lucene. */
  k1: number;
  b: number;
}

/** Loads a dataset by name: `scifact` or `zipf-<docs>` (e.g. zipf-200000). */
export function loadDataset(name: string, queryCount: number): BenchDataset {
  if (name === 'scifact') {
    const dir = join(SHARED, 'scifact');
    const qrels = readQrels(join(dir, 'qrels/test.tsv'));
    const queries = [...readQueries(join(dir, 'queries.jsonl'))].filter(([q]) => qrels.has(q)).map(([, t]) => t);
    return {
      name,
      analyzer: 'english',
      k1: 0.9,
      b: 0.4,
      queries: { scifact: queries },
      forEachDoc: (emit) => forEachBeirDocument(join(dir, 'corpus.jsonl'), (d) => emit(d.id, `${d.title}\n${d.text}`)),
    };
  }
  const m = /^zipf-(\d+)$/.exec(name);
  if (m === null) throw new Error(`unknown dataset ${name}: use scifact or zipf-<docs>`);
  const settings: ZipfSettings = { docs: Number(m[1]), vocabulary: 50_000, meanLength: 60, seed: 20261125 };
  const q = generateZipfQueries(settings, queryCount);
  return {
    name,
    analyzer: 'whitespace',
    k1: 1.2,
    b: 0.75,
    queries: { corpus: q.corpus, rare: q.rare },
    forEachDoc: (emit) => generateZipfCorpus(settings, emit),
  };
}

/**
 * Writes the dataset's documents as `id<TAB>text` lines (tabs and line breaks in the text
 * become spaces): every engine's indexing run reads this same file inside its timing.
 */
export async function writeDocsFile(dataset: BenchDataset, path: string): Promise<void> {
  const out = createWriteStream(path);
  let buffer = '';
  dataset.forEachDoc((id, text) => {
    buffer += `${id}\t${text.replace(/[\t\n\r]+/g, ' ')}\n`;
    if (buffer.length > 1 << 20) {
      out.write(buffer);
      buffer = '';
    }
  });
  out.write(buffer);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}
