/**
 * Builds one text field's inverted index for a segment: documents arrive in
 * order with their analyzed terms; each document's postings are collected as
 * flat (term, freq) pairs with one start offset per document (no per-posting
 * objects), grouped by term with a counting sort when the segment is written,
 * then encoded term by term (field-encoder.ts).
 * With positions, each posting's token positions follow it in one flat array.
 */
import { GrowableU32, GrowableU8 } from '../../kernels/growable-arrays.js';
import { TermIds } from '../../kernels/term-ids.js';
import type { InvertedFieldData } from './inverted-field.js';
import { lengthToNorm } from './lucene-norms.js';
import { InvertedFieldEncoder } from './field-encoder.js';
import { detachedString } from '../../text/detached-string.js';

/** Accumulates documents for one field of one segment. */
export class InvertedFieldBuilder {
  private readonly vocab = new TermIds();
  /** Each posting's term id and frequency, document after document. */
  private readonly termOf = new GrowableU32();
  private readonly freqOf = new GrowableU32();
  /** Where each document's postings start in termOf / freqOf (one entry per document, plus the end). */
  private readonly docStart = new GrowableU32();
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
  /** UTF-16 code units of the vocabulary's terms (for the memory estimate). */
  private vocabChars = 0;

  /** `positions`: keep each term's token positions for phrase queries. */
  constructor(options: { positions?: boolean } = {}) {
    this.positions = options.positions === true ? new GrowableU32() : null;
    this.docStart.push(0);
  }

  /** Number of postings collected so far. */
  get postings(): number {
    return this.termOf.length;
  }

  /** An estimate of the bytes the builder holds: its arrays' capacity and the vocabulary map. */
  get allocatedBytes(): number {
    const arrays =
      this.termOf.data.byteLength +
      this.freqOf.data.byteLength +
      this.docStart.data.byteLength +
      this.norms.data.byteLength +
      (this.positions?.data.byteLength ?? 0) +
      this.counts.byteLength +
      this.slot.byteLength;
    // a map entry, a string header and its characters
    return arrays + this.vocab.size * 64 + this.vocabChars * 2;
  }

  /**
   * Adds the next document (numbered from 0 in call order) with its terms and,
   * when the field keeps positions, each term's token position (ascending).
   */
  addDocument(terms: readonly string[], positions?: ArrayLike<number>): void {
    this.numDocs++;
    this.touched.length = 0;
    const keep = this.positions;
    if (keep !== null && (positions === undefined || positions.length !== terms.length)) {
      throw new Error(`addDocument: ${terms.length} terms need as many positions`);
    }
    this.docTerms.length = 0;
    const vocab = this.vocab;
    for (const term of terms) {
      const before = vocab.size;
      // the token may be a view into its document's text; the vocabulary outlives the document
      const id = vocab.idOf(term, detachedString);
      if (id === before) {
        this.vocabChars += term.length;
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
      const slot = this.slot;
      const from = positions!;
      for (let i = 0, n = terms.length; i < n; i++) {
        const at = slot[ids[i]!]!;
        out[at] = from[i]!;
        slot[ids[i]!] = at + 1;
      }
    }
    for (let i = 0; i < this.touched.length; i++) {
      const id = t[i]!;
      this.termOf.push(id);
      this.freqOf.push(this.counts[id]!);
      this.counts[id] = 0;
    }
    this.docStart.push(this.termOf.length);
    const length = terms.length;
    this.norms.push(lengthToNorm(length));
    if (length > 0) this.docCount++;
    this.sumTotalTermFreq += length;
  }

  /**
   * Groups the postings by term and encodes the field. Consumes the builder: its
   * arrays are released as soon as their contents have moved to term order.
   */
  finish(): InvertedFieldData {
    const terms = this.vocab.terms.slice().sort();
    const numTerms = terms.length;
    const newId = new Uint32Array(numTerms);
    for (let i = 0; i < numTerms; i++) newId[this.vocab.get(terms[i]!)] = i;
    this.vocab.clear();
    const n = this.termOf.length;
    const termOf = this.termOf.data;
    const freqOf = this.freqOf.data;
    const docStart = this.docStart.data;
    const postingsStart = new Uint32Array(numTerms + 1);
    for (let i = 0; i < n; i++) postingsStart[newId[termOf[i]!]! + 1]!++;
    for (let t = 0; t < numTerms; t++) postingsStart[t + 1]! += postingsStart[t]!;
    const fill = postingsStart.slice(0, numTerms);
    const docs = new Uint32Array(n);
    const freqs = new Uint32Array(n);
    for (let d = 0; d < this.numDocs; d++) {
      for (let i = docStart[d]!, end = docStart[d + 1]!; i < end; i++) {
        const slot = fill[newId[termOf[i]!]!]!++;
        docs[slot] = d;
        freqs[slot] = freqOf[i]!;
      }
    }
    let positions: Uint32Array | undefined;
    const keep = this.positions;
    if (keep !== null) {
      // Postings were collected document by document; their positions move to term order:
      // each term's positions start where the previous term's end, and a term's postings
      // arrive in document order, so one running offset per term places them.
      const posFill = new Float64Array(numTerms + 1);
      for (let i = 0; i < n; i++) posFill[newId[termOf[i]!]! + 1]! += freqOf[i]!;
      for (let t = 0; t < numTerms; t++) posFill[t + 1]! += posFill[t]!;
      positions = new Uint32Array(keep.length);
      const src = keep.data;
      let j = 0;
      for (let i = 0; i < n; i++) {
        const t = newId[termOf[i]!]!;
        let at = posFill[t]!;
        for (const end = j + freqOf[i]!; j < end; j++) positions[at++] = src[j]!;
        posFill[t] = at;
      }
      keep.release();
    }
    this.termOf.release();
    this.freqOf.release();
    this.docStart.release();
    return encodeInvertedField(terms, postingsStart, docs, freqs, this.norms.view(), this.docCount, this.sumTotalTermFreq, positions);
  }
}

/**
 * Encodes grouped postings (term t's documents ascending in
 * docs[postingsStart[t] .. postingsStart[t + 1])) into an inverted field:
 * term dictionary, per-block skip data and bit-packed gaps and frequencies.
 * `positions`, if given, holds each posting's `freq` token positions
 * (ascending) one posting after another. `docs`, `freqs` and `positions`
 * are overwritten.
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
  const encoder = new InvertedFieldEncoder(norms, positions !== undefined);
  let p = 0;
  for (let t = 0; t < terms.length; t++) {
    const s = postingsStart[t]!;
    const e = postingsStart[t + 1]!;
    let n = 0;
    if (positions !== undefined) for (let i = s; i < e; i++) n += freqs[i]!;
    encoder.addTerm(terms[t]!, docs.subarray(s, e), freqs.subarray(s, e), e - s, positions?.subarray(p, p + n));
    p += n;
  }
  return encoder.finish(docCount, sumTotalTermFreq);
}
