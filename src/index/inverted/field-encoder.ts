/**
 * Encodes one text field's inverted index term by term (Lucene's postings
 * writer in spirit): each term's postings are delta-encoded and bit-packed
 * block by block as they arrive, so a writer holds the compressed output and
 * one term's postings, never the whole field's postings uncompressed. Used by
 * flushes (terms from the in-memory builder) and merges (terms streamed from
 * the input segments).
 */
import { bitsNeeded, packBits, packedWords } from '../../kernels/bit-packing.js';
import { GrowableU32, GrowableU8 } from '../../kernels/growable-arrays.js';
import type { InvertedFieldData } from './inverted-field.js';
import { POSTINGS_BLOCK_SIZE, SKIP_INTERVAL } from './params.js';
import { blockWords, skipPoints } from './postings-block-layout.js';

const utf8 = new TextEncoder();

/** Builds an {@link InvertedFieldData} from terms added in ascending order. */
export class InvertedFieldEncoder {
  private readonly termBytes = new GrowableU8(1 << 16);
  private readonly termOffsets = new GrowableU32();
  private readonly docFreq = new GrowableU32();
  private readonly blockStart = new GrowableU32();
  private readonly blockLastDoc = new GrowableU32();
  private readonly blockMaxFreq = new GrowableU32();
  private readonly blockMinNorm = new GrowableU8();
  private readonly blockDocBits = new GrowableU8();
  private readonly blockFreqBits = new GrowableU8();
  private readonly blockWord = new GrowableU32();
  private readonly packed = new GrowableU32(1 << 16);
  private readonly blockPosBits: GrowableU8 | null;
  private readonly blockPosWord: GrowableU32 | null;
  private readonly positions: GrowableU32 | null;
  private numPostings = 0;
  private lastTerm: string | null = null;

  /**
   * `norms`: the norm byte of every document of the segment (block score bounds
   * keep each block's smallest). `withPositions`: every term comes with positions.
   * `expected`: the output's expected size in 32-bit words (a merge knows its
   * inputs'), reserved at once instead of grown by doubling.
   */
  constructor(
    private readonly norms: Uint8Array,
    withPositions: boolean,
    expected: { packedWords?: number; positionWords?: number } = {},
  ) {
    this.packed.reserve(expected.packedWords ?? 0);
    this.termOffsets.push(0);
    this.blockStart.push(0);
    this.blockWord.push(0);
    this.blockPosBits = withPositions ? new GrowableU8() : null;
    this.blockPosWord = withPositions ? new GrowableU32() : null;
    this.positions = withPositions ? new GrowableU32(1 << 16) : null;
    this.blockPosWord?.push(0);
    this.positions?.reserve(expected.positionWords ?? 0);
  }

  /** Terms added so far. */
  get numTerms(): number {
    return this.docFreq.length;
  }

  /**
   * Adds the next term (greater than the previous one in JavaScript string
   * order) with its `count` postings: `docs` ascending, each posting's
   * frequency (≥ 1) in `freqs` and, when the field keeps positions, its `freq`
   * ascending positions one posting after another in `positions`. The three
   * arrays are used as scratch space and overwritten.
   */
  addTerm(term: string, docs: Uint32Array, freqs: Uint32Array, count: number, positions?: Uint32Array): void {
    if (count === 0) throw new Error(`addTerm: term "${term}" has no postings`);
    if (this.lastTerm !== null && !(term > this.lastTerm)) throw new Error(`addTerm: "${term}" after "${this.lastTerm}"`);
    if ((this.positions === null) !== (positions === undefined))
      throw new Error('addTerm: positions must be given exactly when the field keeps them');
    this.lastTerm = term;
    this.addTermBytes(term);
    this.docFreq.push(count);
    this.numPostings += count;
    let prev = -1;
    let p = 0;
    for (let s = 0; s < count; s += POSTINGS_BLOCK_SIZE) {
      const e = Math.min(count, s + POSTINGS_BLOCK_SIZE);
      prev = this.addBlock(docs, freqs, s, e, prev, positions, p);
      if (positions !== undefined) for (let i = s; i < e; i++) p += freqs[i]! + 1;
    }
    this.blockStart.push(this.blockLastDoc.length);
  }

  private addTermBytes(term: string): void {
    const bytes = this.termBytes;
    // at most 3 UTF-8 bytes per UTF-16 code unit
    bytes.reserve(bytes.length + term.length * 3);
    bytes.length += utf8.encodeInto(term, bytes.data.subarray(bytes.length)).written;
    this.termOffsets.push(bytes.length);
  }

  /**
   * Encodes postings s .. e (one block) after document `prev`; returns the block's last
   * document. Leaves docs as gaps - 1 and freqs as freq - 1 (what is packed).
   */
  private addBlock(
    docs: Uint32Array,
    freqs: Uint32Array,
    s: number,
    e: number,
    prev: number,
    positions: Uint32Array | undefined,
    p0: number,
  ): number {
    const norms = this.norms;
    let maxF = 0;
    let minN = 255;
    let maxGap = 0;
    let maxPos = 0;
    let p = p0;
    for (let i = s; i < e; i++) {
      const doc = docs[i]!;
      const f = freqs[i]!;
      if (positions !== undefined) {
        // first position as is, then gaps minus one
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
    const count = e - s;
    // A one-posting block is implied by its metadata (postings-block-layout.ts).
    const docBits = count === 1 ? 0 : bitsNeeded(maxGap);
    const freqBits = count === 1 ? 0 : bitsNeeded(maxF - 1);
    this.blockLastDoc.push(prev);
    this.blockMaxFreq.push(maxF);
    this.blockMinNorm.push(minN);
    this.blockDocBits.push(docBits);
    this.blockFreqBits.push(freqBits);
    const packed = this.packed;
    const w0 = packed.length;
    const words = blockWords(count, docBits, freqBits);
    packed.reserve(w0 + words);
    packed.length = w0 + words;
    this.blockWord.push(w0 + words);
    if (count > 1) {
      const out = packed.data;
      const skips = skipPoints(count);
      // docs now hold gaps - 1: the skip points' documents are summed back up
      let doc = prev;
      for (let i = e - 1; i > s; i--) {
        if ((i - s) % SKIP_INTERVAL === 0) out[w0 + (i - s) / SKIP_INTERVAL - 1] = doc;
        doc -= docs[i]! + 1;
      }
      let w = w0 + skips;
      w += packBits(docs, s, count, docBits, out, w);
      packBits(freqs, s, count, freqBits, out, w);
    }
    if (positions !== undefined) {
      const bits = bitsNeeded(maxPos);
      const n = p - p0;
      const out = this.positions!;
      const pw = out.length;
      const posWords = packedWords(n, bits);
      out.reserve(pw + posWords);
      out.length = pw + posWords;
      packBits(positions, p0, n, bits, out.data, pw);
      this.blockPosBits!.push(bits);
      this.blockPosWord!.push(pw + posWords);
    }
    return prev;
  }

  /** The encoded field. `docCount`: documents with at least one term; `sumTotalTermFreq`: the sum of their lengths. */
  finish(docCount: number, sumTotalTermFreq: number): InvertedFieldData {
    const withPositions = this.positions !== null && this.blockPosBits !== null && this.blockPosWord !== null;
    return {
      termBytes: this.termBytes.view(),
      termOffsets: this.termOffsets.view(),
      docFreq: this.docFreq.view(),
      blockStart: this.blockStart.view(),
      blockLastDoc: this.blockLastDoc.view(),
      blockMaxFreq: this.blockMaxFreq.view(),
      blockMinNorm: this.blockMinNorm.view(),
      blockDocBits: this.blockDocBits.view(),
      blockFreqBits: this.blockFreqBits.view(),
      blockWord: this.blockWord.view(),
      packed: this.packed.view(),
      norms: this.norms,
      docCount,
      sumTotalTermFreq,
      numPostings: this.numPostings,
      ...(withPositions
        ? { blockPosBits: this.blockPosBits.view(), blockPosWord: this.blockPosWord.view(), positions: this.positions.view() }
        : {}),
    };
  }
}
