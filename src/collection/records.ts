/**
 * Stored documents and external ids of a segment: each document's stored
 * properties as its own small UTF-8 JSON record in one byte array, with the
 * records' lengths (version 2, in the narrowest integer type that holds the
 * longest; version 1 kept 8-byte offsets, which took more than the ids
 * themselves). Records are decoded one at a time, only for results shown.
 */
import { QuarryError } from '../core/quarry-error.js';
import { narrowUint32, readSectionFile, writeSectionFile, type WrittenFile } from '../io/section-file.js';
import { GrowableU32, GrowableU8 } from '../kernels/growable-arrays.js';

const utf8 = new TextEncoder();

/** Format version of record files; version 1 (offsets) is still read. */
const VERSION = 2;

/** Collects variable-length UTF-8 records in one growing byte array (no object per record). */
export class RecordsBuilder {
  private readonly bytes = new GrowableU8(1 << 16);
  private readonly lengths = new GrowableU32();

  add(text: string): void {
    const bytes = this.bytes;
    // at most 3 UTF-8 bytes per UTF-16 code unit
    bytes.reserve(bytes.length + text.length * 3);
    const written = text.length === 0 ? 0 : utf8.encodeInto(text, bytes.data.subarray(bytes.length)).written;
    bytes.length += written;
    this.lengths.push(written);
  }

  get count(): number {
    return this.lengths.length;
  }

  /** Bytes the builder holds (allocated capacity). */
  get allocatedBytes(): number {
    return this.bytes.data.byteLength + this.lengths.data.byteLength;
  }

  /** Writes the records as a section file of `kind`. */
  write(path: string, kind: string): WrittenFile {
    return writeSectionFile(path, kind, VERSION, {
      lengths: narrowUint32(this.lengths.view()),
      bytes: this.bytes.view(),
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
