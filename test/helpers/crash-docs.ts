/** Deterministic documents of the crash harness: batch b holds ids b<b>-0 .. b<b>-(n-1). */
import { parseSchema } from '../../src/collection/index.js';

export const CRASH_SCHEMA = parseSchema({
  fields: { text: { type: 'text' }, emb: { type: 'dense', dim: 4, index: 'hnsw', metric: 'cosine' } },
});
export const CRASH_BATCH_SIZE = 25;
const WORDS = ['river', 'stone', 'cloud', 'ember', 'frost', 'grove', 'harbor', 'island'];

export function crashBatchDocs(b: number): Record<string, unknown>[] {
  return Array.from({ length: CRASH_BATCH_SIZE }, (_, i) => ({
    _id: `b${b}-${i}`,
    text: `${WORDS[(b + i) % 8]} ${WORDS[(b * 3 + i) % 8]} batch${b}`,
    emb: [1, ((b * 31 + i) % 17) / 17, ((b + i * 7) % 5) / 5, 0.5],
  }));
}

/** The ids that must exist after batches 0..last committed (including the harness's deletes). */
export function expectedIds(lastCommitted: number): Set<string> {
  const ids = new Set<string>();
  for (let b = 0; b <= lastCommitted; b++) {
    for (const d of crashBatchDocs(b)) ids.add(d._id as string);
    if (b % 3 === 2) ids.delete(`b${b - 1}-0`);
  }
  return ids;
}
