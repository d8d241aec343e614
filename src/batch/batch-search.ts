/**
 * What `quarry run` searches, query by query: the kind of search (text, with
 * or without RM3; sparse; dense; multi-vector), its settings, and one query's
 * input. The same function searches one query in the command's thread and in
 * the worker threads of `--threads`, so both give the same hits.
 */
import type { Hit, Snapshot, TextSearchOptions } from '../collection/index.js';
import type { Rm3Params } from '../search/rm3.js';
import { withDeadline } from '../core/deadline.js';

/** The search every query of a run goes through. */
export type RunSearch =
  | {
      kind: 'text';
      k: number;
      fields?: TextSearchOptions['fields'];
      rm3?: { field: string; params?: Partial<Rm3Params> };
      syntax?: TextSearchOptions['syntax'];
      /** Deadline of each query in milliseconds (none when absent). */
      timeoutMs?: number;
    }
  | {
      kind: 'sparse' | 'dense' | 'multivector';
      k: number;
      field: string;
      params?: Readonly<Record<string, number>>;
      /** Deadline of each query in milliseconds (none when absent). */
      timeoutMs?: number;
    };

/** One query: its id and the input its search kind reads. */
export type RunQuery =
  | { qid: string; text: string }
  | { qid: string; sparse: Map<string, number> }
  | { qid: string; vector: Float32Array }
  | { qid: string; tokens: number[][] };

/** Searches one query (its input must match the search's kind). */
export function searchOne(snap: Snapshot, search: RunSearch, query: RunQuery): Hit[] {
  return withDeadline(search.timeoutMs, () => searchWithin(snap, search, query));
}

function searchWithin(snap: Snapshot, search: RunSearch, query: RunQuery): Hit[] {
  const k = search.k;
  if (search.kind === 'text' && 'text' in query) {
    return search.rm3 === undefined
      ? snap.search(query.text, {
          k,
          fields: search.fields,
          includeStored: false,
          ...(search.syntax === 'lucene' ? { syntax: 'lucene' as const } : {}),
        })
      : snap.searchRm3(query.text, search.rm3.field, { k, params: search.rm3.params, includeStored: false });
  }
  if (search.kind === 'sparse' && 'sparse' in query)
    return snap.searchSparse(search.field, query.sparse, { k, params: search.params, includeStored: false });
  if (search.kind === 'dense' && 'vector' in query)
    return snap.searchVector(search.field, query.vector, { k, params: search.params, includeStored: false });
  if (search.kind === 'multivector' && 'tokens' in query)
    return snap.searchMultiVector(search.field, query.tokens, { k, params: search.params, includeStored: false });
  throw new TypeError(`a ${search.kind} search got a query of another kind (${query.qid})`);
}
