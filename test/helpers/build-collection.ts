/** Builds test collections in temporary folders. */
import { join } from 'node:path';
import { BEIR_FLAT_SCHEMA, Collection, type CollectionSchema } from '../../src/collection/index.js';
import { forEachJsonObject } from '../../src/io/jsonl.js';
import type { WriterOptions } from '../../src/collection/writer.js';

let counter = 0;

/** Indexes in-memory documents into a new collection under `root`. */
export function buildCollection(
  root: string,
  docs: Record<string, unknown>[],
  schema: CollectionSchema = BEIR_FLAT_SCHEMA,
  opts: WriterOptions = {},
): Collection {
  const c = Collection.create(join(root, `c${counter++}`), schema);
  const w = c.writer(opts);
  for (const d of docs) w.add(d);
  w.commit();
  w.close();
  return c;
}

/** Indexes a JSONL corpus file into a new collection under `root`. */
export function indexCorpus(root: string, corpus: string, opts: WriterOptions = {}): Collection {
  const c = Collection.create(join(root, `c${counter++}`), BEIR_FLAT_SCHEMA);
  const w = c.writer(opts);
  forEachJsonObject(corpus, (rec, line) => w.add(rec, { file: corpus, line }));
  w.commit();
  w.close();
  return c;
}
