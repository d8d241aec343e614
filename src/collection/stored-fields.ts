/**
 * Stored documents and external ids of a segment: each document's stored
 * properties as its own small UTF-8 JSON record in one byte array, with
 * offsets. Records are decoded one at a time, only for results shown.
 */
import { readSectionFile, writeSectionFile, type WrittenFile } from '../io/section-file.js';

/** Collects variable-length UTF-8 records. */
export class RecordsBuilder {
  private chunks: Buffer[] = [];
  private readonly offsets: number[] = [0];
  private total = 0;

  add(text: string): void {
    const b = Buffer.from(text, 'utf8');
    this.chunks.push(b);
    this.total += b.length;
    this.offsets.push(this.total);
  }

  get count(): number {
    return this.offsets.length - 1;
  }

  /** Writes the records as a section file of `kind`. */
  write(path: string, kind: string): WrittenFile {
    const bytes = Buffer.concat(this.chunks, this.total);
    this.chunks = [];
    return writeSectionFile(path, kind, 1, {
      offsets: Float64Array.from(this.offsets),
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    });
  }
}

/** Records read back from a section file. */
export class Records {
  private readonly offsets: Float64Array;
  private readonly bytes: Buffer;

  constructor(path: string, kind: string, expect?: { bytes?: number; verifyChecksum?: boolean }) {
    const f = readSectionFile(path, kind, 1, expect);
    this.offsets = f.get('offsets', Float64Array);
    const b = f.get('bytes', Uint8Array);
    this.bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  }

  get count(): number {
    return this.offsets.length - 1;
  }

  /** Record `i` as text. */
  text(i: number): string {
    return this.bytes.toString('utf8', this.offsets[i], this.offsets[i + 1]);
  }
}
