/**
 * HNSW search: the graph's layer-0 result list of size max(efSearch, k),
 * cut to k. A filter that leaves few rows is answered exactly (scanning the
 * allowed rows), so a filtered query returns k results whenever k rows match.
 */
import { type Bitset } from '../../../kernels/bitset.js';
import { TopKHeap } from '../../../kernels/top-k-heap.js';
import { QuarryError } from '../../../core/quarry-error.js';
import type { DenseHits, DenseIndex, DenseMetric, DenseSearchOptions } from '../dense-types.js';
import { heapToHits } from '../dense-hits.js';
import { prepareQuery, similarity } from '../dense-similarity.js';
import { type HnswGraph } from './graph.js';
import { HNSW_EXACT_FILTER_SHARE, type HnswParams } from './params.js';
import { checkPositiveInteger } from '../../../core/checks.js';

/** Search options of HNSW. */
export interface HnswSearchOptions extends DenseSearchOptions {
  /** Candidate list size (default: the index's efSearch). */
  efSearch?: number;
}

/** An HNSW index over dense rows. */
export class HnswIndex implements DenseIndex<HnswSearchOptions> {
  readonly family = 'hnsw';

  constructor(
    readonly graph: HnswGraph,
    readonly params: HnswParams,
  ) {}

  get dim(): number {
    return this.graph.dim;
  }

  get metric(): DenseMetric {
    return this.graph.metric;
  }

  get size(): number {
    return this.graph.s.count;
  }

  floatRow(r: number): Float32Array {
    return this.graph.s.vectors.subarray(r * this.dim, (r + 1) * this.dim);
  }

  floatRows(): Float32Array {
    return this.graph.s.vectors.subarray(0, this.graph.s.count * this.dim);
  }

  close(): void {}

  /** Adds rows (normalized first for cosine); returns the first new row number. */
  add(vectors: Float32Array): number {
    if (vectors.length % this.dim !== 0)
      throw new QuarryError('BAD_INPUT', `${vectors.length} values are not whole ${this.dim}-d rows`, { field: 'vectors' });
    const first = this.size;
    for (let off = 0; off < vectors.length; off += this.dim) {
      const row = prepareQuery(vectors.subarray(off, off + this.dim), this.dim, this.metric);
      this.graph.insert(row);
    }
    return first;
  }

  /** Deletes rows, repairing the graph around them. Returns how many were deleted. */
  delete(rows: Iterable<number>): number {
    return this.graph.delete(rows);
  }

  search(query: Float32Array, k: number, opts: HnswSearchOptions = {}): DenseHits {
    checkPositiveInteger(k, 'k');
    const q = prepareQuery(query, this.dim, this.metric);
    const allow = opts.allow ?? null;
    if (allow !== null && allow.count() <= Math.max(k, HNSW_EXACT_FILTER_SHARE * this.size)) return this.exactAllowed(q, k, allow);
    const ef = Math.max(opts.efSearch ?? this.graph.efSearch, k);
    const { ids, dists } = this.graph.search(q, ef, allow);
    const n = Math.min(k, ids.length);
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) scores[i] = -dists[i]!;
    return { ids: ids.slice(0, n), scores };
  }

  searchBatch(queries: Float32Array, k: number, opts: HnswSearchOptions = {}): DenseHits[] {
    const out: DenseHits[] = [];
    for (let off = 0; off < queries.length; off += this.dim) out.push(this.search(queries.subarray(off, off + this.dim), k, opts));
    return out;
  }

  private exactAllowed(q: Float32Array, k: number, allow: Bitset): DenseHits {
    const heap = new TopKHeap(k);
    const s = this.graph.s;
    allow.forEach((r) => {
      if (r < s.count && s.deleted[r] === 0) heap.offer(similarity(this.metric, q, 0, s.vectors, r, this.dim), r);
    });
    return heapToHits(heap);
  }
}
