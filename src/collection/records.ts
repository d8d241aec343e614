/**
 * Stored documents and external ids of a segment: each document's stored
 * properties as its own small UTF-8 JSON record in one byte array, with the
 * records' lengths (version 2, in the narrowest integer type that holds the
 * longest; version 1 kept 8-byte offsets, which took more than the ids
 * themselves). Records are decoded one at a time, only for results shown.
 */
import { QuarryError } from '../core/quarry-error.js';
import { narrowUint32, readSectionFile, writeSectionFile, type WrittenFile } from '../io/section-file.js';

/** Format version of record files; version 1 (offsets) is still read. */
const VERSION = 2;

/** Collects variable-length UTF-8 records. */
export class RecordsBuilder {
  private chunks: Buffer[] = [];
  private readonly lengths: number[] = [];
  private total = 0;

  add(text: string): void {
    const b = Buffer.from(text, 'utf8');
    this.chunks.push(b);
    this.total += b.length;
    this.lengths.push(b.length);
  }

  get count(): number {
    return this.lengths.length;
  }

  /** Writes the records as a section file of `kind`. */
  write(path: string, kind: string): WrittenFile {
    const bytes = Buffer.concat(this.chunks, this.total);
    this.chunks = [];
    return writeSectionFile(path, kind, VERSION, {
      lengths: narrowUint32(Uint32Array.from(this.lengths)),
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    });
  }
}

/** Records read back from a section file. */
export class Records {
  private readonly offsets: Float64Array;
  private readonly bytes: Buffer;

  constructor(path: string, kind: string, expect?: { bytes?: number; verifyChecksum?: boolean }) {
    const f = readSectionFile(path, kind, VERSION, expect);
    if (f.version === 1) this.offsets = f.get('offsets', Float64Array);
    else {
      const lengths = f.getUint32('lengths');
      // Float64: a segment's records may pass 4 GiB in all.
      this.offsets = new Float64Array(lengths.length + 1);
      for (let i = 0; i < lengths.length; i++) this.offsets[i + 1] = this.offsets[i]! + lengths[i]!;
    }
    const b = f.get('bytes', Uint8Array);
    this.bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    if (this.offsets.length === 0 || this.offsets[this.offsets.length - 1] !== this.bytes.length) {
      throw new QuarryError(
        'CORRUPT',
        `records end at byte ${this.offsets[this.offsets.length - 1] ?? 'none'}, the file holds ${this.bytes.length}`,
        { file: path },
        'restore the collection from a snapshot or re-index',
      );
    }
  }

  get count(): number {
    return this.offsets.length - 1;
  }

  /** Record `i` as text. */
  text(i: number): string {
    return this.bytes.toString('utf8', this.offsets[i], this.offsets[i + 1]);
  }
}
