/**
 * Float32 rows left in their file and read a few at a time: the rescoring floats
 * of compressed dense indexes (int8, binary, IVF-PQ) when only the codes should
 * take memory. The file stays open for the rows' lifetime, so a reader keeps
 * working after a newer commit removes the file (POSIX keeps an open file's data);
 * the descriptor is closed by `close()` or, failing that, when the rows are
 * garbage-collected.
 */
import { closeSync, openSync } from 'node:fs';
import { ioError } from './atomic-file.js';
import { QuarryError } from '../core/quarry-error.js';
import { readFully, type SectionLocation } from './section-file.js';

const closeOnCollect = new FinalizationRegistry<{ fd: number | null }>((held) => {
  if (held.fd !== null) closeSync(held.fd);
  held.fd = null;
});

/** Rows of `dim` float32 values stored contiguously at `byteOffset` of a file. */
export class DiskRows {
  /** Number of rows. */
  readonly rows: number;
  private readonly handle: { fd: number | null };
  private bytes = new Uint8Array(0);

  constructor(
    readonly location: SectionLocation,
    readonly dim: number,
  ) {
    if (dim < 1 || location.length % dim !== 0)
      throw new QuarryError('CORRUPT', `${location.length} floats are not whole ${dim}-d rows`, { file: location.path });
    this.rows = location.length / dim;
    try {
      this.handle = { fd: openSync(location.path, 'r') };
    } catch (e) {
      throw ioError(location.path, e);
    }
    closeOnCollect.register(this, this.handle, this);
  }

  /**
   * Copies rows `ids[0..count)` into `out` (row j at out[j * dim]). Reads go in
   * file order, so candidates near each other share the operating system's cache pages.
   */
  gather(ids: ArrayLike<number>, count: number, out: Float32Array): void {
    const fd = this.fd();
    const rowBytes = this.dim * 4;
    const order = Array.from({ length: count }, (_, j) => j).sort((a, b) => ids[a]! - ids[b]!);
    if (this.bytes.length < rowBytes) this.bytes = new Uint8Array(rowBytes);
    const row = new Float32Array(this.bytes.buffer, 0, this.dim);
    for (const j of order) {
      const id = ids[j]!;
      if (!(id >= 0 && id < this.rows))
        throw new QuarryError('BAD_ARGUMENT', `row ${id} is outside 0..${this.rows - 1}`, { file: this.location.path });
      this.readAt(fd, this.bytes.subarray(0, rowBytes), this.location.byteOffset + id * rowBytes);
      out.set(row, j * this.dim);
    }
  }

  /** Every row, read into memory (to rebuild an index when segments merge). */
  readAll(): Float32Array {
    const all = new Float32Array(this.rows * this.dim);
    const bytes = new Uint8Array(all.buffer);
    // one read call is capped near 2 GiB: read in 256 MiB pieces
    for (let pos = 0; pos < bytes.length; pos += 1 << 28)
      this.readAt(this.fd(), bytes.subarray(pos, Math.min(bytes.length, pos + (1 << 28))), this.location.byteOffset + pos);
    return all;
  }

  /** Closes the file; later reads fail. */
  close(): void {
    if (this.handle.fd !== null) closeSync(this.handle.fd);
    this.handle.fd = null;
    closeOnCollect.unregister(this);
  }

  private fd(): number {
    if (this.handle.fd === null) throw new QuarryError('BAD_ARGUMENT', 'the rows were closed', { file: this.location.path });
    return this.handle.fd;
  }

  private readAt(fd: number, target: Uint8Array, position: number): void {
    try {
      readFully(fd, target, position, this.location.path);
    } catch (e) {
      throw ioError(this.location.path, e);
    }
  }
}
