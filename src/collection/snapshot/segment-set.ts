/**
 * The segments of one snapshot as global document numbers see them: where each
 * segment's documents start, which segment holds a document, its id and stored
 * properties, and the rows a filtered search may return in each segment.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { Bitset } from '../../kernels/bitset.js';
import { TopKHeap } from '../../kernels/top-k-heap.js';
import { chooseSetting } from '../../index/dense/recall-tuning.js';
import type { TopDocs } from '../../index/inverted/index.js';
import type { Segment } from '../segment.js';
import type { Hit } from './search-options.js';
import { checkDeadline } from '../../core/deadline.js';

/** Allowed rows per segment (null: no filter; a null entry: every row of that segment). */
export type SegmentFilter = readonly (Bitset | null)[] | null;

/** One segment's hits: local row numbers and scores, best first. */
export interface SegmentHits {
  ids: ArrayLike<number>;
  scores: ArrayLike<number>;
}

/** A snapshot's segments, numbered globally in order. */
export class SegmentSet {
  /** Global number of each segment's first document. */
  readonly bases: readonly number[];

  constructor(readonly segments: readonly Segment[]) {
    const bases: number[] = [];
    let base = 0;
    for (const s of segments) {
      bases.push(base);
      base += s.numDocs;
    }
    this.bases = bases;
  }

  /**
   * The recall@10 the segments' measured curves predict for a search of `field` fetching `depth`
   * results and aiming at `target`: the lowest over the tuned segments (a merged top k is about
   * as good as its worst segment); null when no segment of the field is tuned.
   */
  expectedRecall(field: string, target: number, depth: number): number | null {
    let worst: number | null = null;
    for (const seg of this.segments) {
      const p = chooseSetting(seg.info.tuning?.[field], target, depth);
      if (p !== null) worst = worst === null ? p.recall : Math.min(worst, p.recall);
    }
    return worst;
  }

  /** Number of live (not deleted) documents. */
  get liveDocs(): number {
    let n = 0;
    for (const s of this.segments) n += s.liveDocs;
    return n;
  }

  /** Number of documents, deleted ones included (BM25 statistics count them, as Lucene does). */
  get allDocs(): number {
    let n = 0;
    for (const s of this.segments) n += s.numDocs;
    return n;
  }

  /** The segment holding global document `doc`, and the document's number in it. */
  locate(doc: number): [Segment, number] {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bases[mid]! <= doc) lo = mid;
      else hi = mid - 1;
    }
    const seg = this.segments[lo];
    if (seg === undefined || doc < 0 || doc - this.bases[lo]! >= seg.numDocs) {
      throw new QuarryError('NOT_FOUND', `no document number ${doc} in this snapshot`);
    }
    return [seg, doc - this.bases[lo]!];
  }

  /** True when global document `doc` is deleted. */
  isDeleted(doc: number): boolean {
    const [seg, local] = this.locate(doc);
    return seg.deleted !== null && seg.deleted[local] !== 0;
  }

  /** External id of a global document number. */
  id(doc: number): string {
    const [seg, local] = this.locate(doc);
    return seg.ids.text(local);
  }

  /** Stored properties of a global document number. */
  stored(doc: number): Record<string, unknown> {
    const [seg, local] = this.locate(doc);
    const text = seg.stored.text(local);
    return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  }

  /**
   * Hits with ids (and stored properties when asked) for top documents. `D` is the
   * collection's document type, which the stored records were written from.
   */
  hitsOf<D extends object = Record<string, unknown>>(top: TopDocs, includeStored: boolean): Hit<D>[] {
    const out: Hit<D>[] = [];
    for (let i = 0; i < top.docs.length; i++) {
      const doc = top.docs[i]!;
      const hit: Hit<D> = { id: this.id(doc), score: top.scores[i]!, doc };
      if (includeStored) hit.stored = this.stored(doc) as Partial<D>;
      out.push(hit);
    }
    return out;
  }

  /** Segment i's searchable rows: live, and in `allow[i]` when given (null: every row). */
  allowList(i: number, allow: SegmentFilter): Bitset | null {
    const seg = this.segments[i]!;
    const live = seg.liveBitset();
    const f = allow?.[i] ?? null;
    if (f === null) return live;
    const both = new Bitset(seg.numDocs);
    for (let w = 0; w < both.words.length; w++) both.words[w] = (f.words[w]! & (live === null ? 0xffffffff : live.words[w]!)) >>> 0;
    return both;
  }

  /** Flags of segment i's documents that a search must skip: deleted, or not in `allow[i]`. */
  exclusion(i: number, allow: SegmentFilter): Uint8Array | null {
    const seg = this.segments[i]!;
    const a = allow?.[i] ?? null;
    if (a === null) return seg.deleted;
    const ex = new Uint8Array(seg.numDocs);
    for (let d = 0; d < seg.numDocs; d++) ex[d] = (seg.deleted !== null && seg.deleted[d] !== 0) || !a.has(d) ? 1 : 0;
    return ex;
  }

  /** Each segment's top k (`search` gives them in local rows, or null to skip a segment), merged into one top k of global documents. */
  mergeTop(k: number, search: (segment: Segment, i: number) => SegmentHits | null): TopDocs {
    const heap = new TopKHeap(k);
    this.segments.forEach((seg, i) => {
      checkDeadline();
      const hits = search(seg, i);
      if (hits === null) return;
      for (let j = 0; j < hits.ids.length; j++) heap.offer(hits.scores[j]!, this.bases[i]! + hits.ids[j]!);
    });
    return heap.drain();
  }
}
