/**
 * Builds one text field's inverted index for a segment: documents arrive in
 * order with their analyzed terms; postings are collected as flat
 * (term, doc, freq) triples, grouped by term with a counting sort (no
 * per-posting objects), then delta-encoded and bit-packed block by block.
 * With positions, each posting's token positions follow it in one flat array.
 */
import { bitsNeeded, packBits, packedWords } from '../../kernels/bit-packing.js';
import { GrowableU32, GrowableU8 } from '../../kernels/growable-arrays.js';
import type { InvertedFieldData } from './inverted-field.js';
import { lengthToNorm } from './lucene-norms.js';
import { POSTINGS_BLOCK_SIZE, SKIP_INTERVAL } from './params.js';
import { blockWords, skipPoints } from './postings-block-layout.js';
import { detachedString } from '../../text/detached-string.js';

/** Accumulates documents for one field of one segment. */
export class InvertedFieldBuilder {
  private readonly vocab = new Map<string, number>();
  private readonly termOf = new GrowableU32();
  private readonly docOf = new GrowableU32();
  private readonly freqOf = new GrowableU32();
  private readonly norms = new GrowableU8();
  private counts = new Uint32Array(1024);
  private readonly touched = new GrowableU32(256);
  private docCount = 0;
  private sumTotalTermFreq = 0;
  private numDocs = 0;
  /** Positions of every posting, in posting order (when positions are kept). */
  private readonly positions: GrowableU32 | null;
  /** The document's term ids in token order, and each touched term's next slot in `positions`. */
  private readonly docTerms = new GrowableU32(256);
  private slot = new Uint32Array(1024);

  /** `positions`: keep each term's token positions for phrase queries. */
  constructor(options: { positions?: boolean } = {}) {
    this.positions = options.positions === true ? new GrowableU32() : null;
  }

  /** Number of postings collected so far (a proxy for memory use). */
  get postings(): number {
    return this.termOf.length;
  }

  /**
   * Adds the next document (numbered from 0 in call order) with its terms and,
   * when the field keeps positions, each term's token position (ascending).
   */
  addDocument(terms: readonly string[], positions?: ArrayLike<number>): void {
    const doc = this.numDocs++;
    this.touched.length = 0;
    const keep = this.positions;
    if (keep !== null && (positions === undefined || positions.length !== terms.length)) {
      throw new Error(`addDocument: ${terms.length} terms need as many positions`);
    }
    this.docTerms.length = 0;
    for (const term of terms) {
      let id = this.vocab.get(term);
      if (id === undefined) {
        id = this.vocab.size;
        // the token may be a view into its document's text; the vocabulary outlives the document
        this.vocab.set(detachedString(term), id);
        if (id >= this.counts.length) {
          const next = new Uint32Array(this.counts.length * 2);
          next.set(this.counts);
          this.counts = next;
          if (keep !== null) this.slot = new Uint32Array(next.length);
        }
      }
      const count = this.counts[id]!;
      this.counts[id] = count + 1;
      if (count === 0) this.touched.push(id);
      if (keep !== null) this.docTerms.push(id);
    }
    const t = this.touched.data;
    if (keep !== null) {
      // Each posting's positions go right after the previous posting's, in touched order.
      let next = keep.length;
      for (let i = 0; i < this.touched.length; i++) {
        const id = t[i]!;
        this.slot[id] = next;
        next += this.counts[id]!;
      }
      keep.reserve(next);
      keep.length = next;
      const ids = this.docTerms.data;
      const out = keep.data;
      for (let i = 0; i < terms.length; i++) out[this.slot[ids[i]!]!++] = positions![i]!;
    }
    for (let i = 0; i < this.touched.length; i++) {
      const id = t[i]!;
      this.termOf.push(id);
      this.docOf.push(doc);
      this.freqOf.push(this.counts[id]!);
      this.counts[id] = 0;
    }
    const length = terms.length;
    this.norms.push(lengthToNorm(length));
    if (length > 0) this.docCount++;
    this.sumTotalTermFreq += length;
  }

  /** Groups the postings by term and returns the field's arrays. */
  finish(): InvertedFieldData {
    const terms = [...this.vocab.keys()].sort();
    const numTerms = terms.length;
    const newId = new Uint32Array(numTerms);
    terms.forEach((term, i) => {
      newId[this.vocab.get(term)!] = i;
    });
    const n = this.termOf.length;
    const termOf = this.termOf.data;
    const postingsStart = new Uint32Array(numTerms + 1);
    for (let i = 0; i < n; i++) postingsStart[newId[termOf[i]!]! + 1]!++;
    for (let t = 0; t < numTerms; t++) postingsStart[t + 1]! += postingsStart[t]!;
    const fill = postingsStart.slice(0, numTerms);
    const docs = new Uint32Array(n);
    const freqs = new Uint32Array(n);
    const docOf = this.docOf.data;
    const freqOf = this.freqOf.data;
    const keep = this.positions;
    const slotOf = keep === null ? null : new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const slot = fill[newId[termOf[i]!]!]!++;
      docs[slot] = docOf[i]!;
      freqs[slot] = freqOf[i]!;
      if (slotOf !== null) slotOf[i] = slot;
    }
    let positions: Uint32Array | undefined;
    if (keep !== null && slotOf !== null) {
      // Postings were collected document by document; their positions move to term order. Reading
      // them in collection order and writing each run at its posting's place keeps the reads sequential.
      const startOf = new Uint32Array(n + 1);
      for (let s = 0; s < n; s++) startOf[s + 1] = startOf[s]! + freqs[s]!;
      positions = new Uint32Array(keep.length);
      const src = keep.data;
      let j = 0;
      for (let i = 0; i < n; i++) {
        let at = startOf[slotOf[i]!]!;
        for (const end = j + freqOf[i]!; j < end; j++) positions[at++] = src[j]!;
      }
    }
    return encodeInvertedField(
      terms,
      postingsStart,
      docs,
      freqs,
      this.norms.view().slice(),
      this.docCount,
      this.sumTotalTermFreq,
      positions,
    );
  }
}

/**
 * Encodes grouped postings (term t's documents ascending in
 * docs[postingsStart[t] .. postingsStart[t + 1])) into an inverted field:
 * term dictionary, per-block skip data and bit-packed gaps and frequencies.
 * `positions`, if given, holds each posting's `freq` token positions
 * (ascending) one posting after another; a block packs them at one width as
 * the first position, then gaps minus one. `docs`, `freqs` and `positions`
 * are overwritten. Shared by flushes and merges.
 */
export function encodeInvertedField(
  terms: readonly string[],
  postingsStart: Uint32Array,
  docs: Uint32Array,
  freqs: Uint32Array,
  norms: Uint8Array,
  docCount: number,
  sumTotalTermFreq: number,
  positions?: Uint32Array,
): InvertedFieldData {
  const numTerms = terms.length;
  const n = postingsStart[numTerms]!;
  const termByteLen = terms.map((t) => Buffer.byteLength(t, 'utf8'));
  const termOffsets = new Uint32Array(numTerms + 1);
  for (let i = 0; i < numTerms; i++) termOffsets[i + 1] = termOffsets[i]! + termByteLen[i]!;
  const termBytes = Buffer.alloc(termOffsets[numTerms]!);
  for (let i = 0; i < numTerms; i++) termBytes.write(terms[i]!, termOffsets[i]!, 'utf8');
  const docFreq = new Uint32Array(numTerms);
  const blockStart = new Uint32Array(numTerms + 1);
  for (let t = 0; t < numTerms; t++) {
    docFreq[t] = postingsStart[t + 1]! - postingsStart[t]!;
    blockStart[t + 1] = blockStart[t]! + Math.ceil(docFreq[t]! / POSTINGS_BLOCK_SIZE);
  }
  const numBlocks = blockStart[numTerms]!;
  const blockMaxFreq = new Uint32Array(numBlocks);
  const blockMinNorm = new Uint8Array(numBlocks);
  const blockLastDoc = new Uint32Array(numBlocks);
  const blockDocBits = new Uint8Array(numBlocks);
  const blockFreqBits = new Uint8Array(numBlocks);
  const blockWord = new Uint32Array(numBlocks + 1);
  const blockPosBits = positions === undefined ? undefined : new Uint8Array(numBlocks);
  const blockPosWord = positions === undefined ? undefined : new Uint32Array(numBlocks + 1);
  let p = 0;
  // Gaps and frequencies are rewritten in place as (gap - 1) and (freq - 1), then packed.
  for (let t = 0; t < numTerms; t++) {
    const end = postingsStart[t + 1]!;
    let blk = blockStart[t]!;
    let prev = -1;
    for (let s = postingsStart[t]!; s < end; s += POSTINGS_BLOCK_SIZE, blk++) {
      const e = Math.min(end, s + POSTINGS_BLOCK_SIZE);
      let maxF = 0;
      let minN = 255;
      let maxGap = 0;
      let maxPos = 0;
      const blockPositions = p;
      for (let i = s; i < e; i++) {
        const doc = docs[i]!;
        const f = freqs[i]!;
        if (positions !== undefined) {
          let last = positions[p]!;
          if (last > maxPos) maxPos = last;
          for (let j = 1; j < f; j++) {
            const at = positions[p + j]!;
            const v = at - last - 1;
            last = at;
            positions[p + j] = v;
            if (v > maxPos) maxPos = v;
          }
          p += f;
        }
        if (f > maxF) maxF = f;
        const nb = norms[doc]!;
        if (nb < minN) minN = nb;
        const gap = doc - prev - 1;
        prev = doc;
        docs[i] = gap;
        freqs[i] = f - 1;
        if (gap > maxGap) maxGap = gap;
      }
      blockMaxFreq[blk] = maxF;
      blockMinNorm[blk] = minN;
      blockLastDoc[blk] = prev;
      // A one-posting block is implied by its metadata (postings-block-layout.ts).
      blockDocBits[blk] = e - s === 1 ? 0 : bitsNeeded(maxGap);
      blockFreqBits[blk] = e - s === 1 ? 0 : bitsNeeded(maxF - 1);
      blockWord[blk + 1] = blockWord[blk]! + blockWords(e - s, blockDocBits[blk]!, blockFreqBits[blk]!);
      if (blockPosBits !== undefined && blockPosWord !== undefined) {
        blockPosBits[blk] = bitsNeeded(maxPos);
        blockPosWord[blk + 1] = blockPosWord[blk]! + packedWords(p - blockPositions, blockPosBits[blk]!);
      }
    }
  }
  let packedPositions: Uint32Array | undefined;
  if (positions !== undefined && blockPosBits !== undefined && blockPosWord !== undefined) {
    packedPositions = new Uint32Array(blockPosWord[numBlocks]!);
    let from = 0;
    for (let t = 0; t < numTerms; t++) {
      const end = postingsStart[t + 1]!;
      let blk = blockStart[t]!;
      for (let s = postingsStart[t]!; s < end; s += POSTINGS_BLOCK_SIZE, blk++) {
        let count = 0;
        // freqs now hold freq - 1
        for (let i = s, e = Math.min(end, s + POSTINGS_BLOCK_SIZE); i < e; i++) count += freqs[i]! + 1;
        packBits(positions, from, count, blockPosBits[blk]!, packedPositions, blockPosWord[blk]!);
        from += count;
      }
    }
  }
  const packed = new Uint32Array(blockWord[numBlocks]!);
  for (let t = 0; t < numTerms; t++) {
    const end = postingsStart[t + 1]!;
    let blk = blockStart[t]!;
    let doc = -1;
    for (let s = postingsStart[t]!; s < end; s += POSTINGS_BLOCK_SIZE, blk++) {
      const count = Math.min(end, s + POSTINGS_BLOCK_SIZE) - s;
      if (count === 1) {
        doc = blockLastDoc[blk]!;
        continue;
      }
      const skips = skipPoints(count);
      let w = blockWord[blk]!;
      // docs now hold gaps - 1: the skip points' documents are summed back up.
      for (let i = 0; i < count; i++) {
        doc += docs[s + i]! + 1;
        if (i > 0 && i % SKIP_INTERVAL === 0) packed[w + i / SKIP_INTERVAL - 1] = doc;
      }
      w += skips;
      w += packBits(docs, s, count, blockDocBits[blk]!, packed, w);
      packBits(freqs, s, count, blockFreqBits[blk]!, packed, w);
    }
  }
  return {
    termBytes: new Uint8Array(termBytes.buffer, termBytes.byteOffset, termBytes.byteLength),
    termOffsets,
    docFreq,
    blockStart,
    blockLastDoc,
    blockMaxFreq,
    blockMinNorm,
    blockDocBits,
    blockFreqBits,
    blockWord,
    packed,
    norms,
    docCount,
    sumTotalTermFreq,
    numPostings: n,
    ...(packedPositions !== undefined && blockPosBits !== undefined && blockPosWord !== undefined
      ? { blockPosBits, blockPosWord, positions: packedPositions }
      : {}),
  };
}
