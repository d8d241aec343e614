/**
 * Nearest-centroid assignment (squared L2), the inner step of k-means and of
 * vector quantizers. Rows are read in place with a stride, so sub-vectors of
 * product quantization need no copying; with the WebAssembly kernels on, the
 * rows are placed in kernel memory once and every assignment pass is one call.
 */
import { l2Squared } from '../kernels/dense-distance.js';
import { KernelMemory } from '../kernels/wasm/kernel-memory.js';

/** Assigns rows of a fixed matrix to their nearest centroid, pass after pass. */
export class NearestCentroids {
  private readonly mem: KernelMemory | null;
  private readonly rows: Float32Array;
  private readonly assignK: Int32Array;
  private readonly distK: Float32Array;

  /**
   * @param data rows of `stride` floats each
   * @param maxCentroidFloats the largest centroid table (k x dim) that will be passed
   */
  constructor(
    data: Float32Array,
    readonly stride: number,
    maxCentroidFloats: number,
  ) {
    const n = data.length / stride;
    const scratch = 4 * maxCentroidFloats + 64;
    const mem = KernelMemory.create(KernelMemory.bytesFor([data, { byteLength: 4 * n }, { byteLength: 4 * n }], scratch));
    this.mem = mem;
    if (mem === null) {
      this.rows = data;
      this.assignK = new Int32Array(0);
      this.distK = new Float32Array(0);
      return;
    }
    this.rows = mem.adopt(data);
    this.assignK = mem.array(Int32Array, n);
    this.distK = mem.array(Float32Array, n);
    mem.reserveScratch(scratch);
  }

  /** Number of rows. */
  get size(): number {
    return this.rows.length / this.stride;
  }

  /** out[r] = squared distance of row r's `dim` floats at column `offset` to `point` (k-means++ seeding). */
  distances(offset: number, dim: number, point: Float32Array, out: Float32Array | Float64Array): void {
    const n = this.size;
    const mem = this.mem;
    if (mem !== null && this.stride === dim && offset === 0 && dim * 4 <= mem.scratchCapacity) {
      mem.resetScratch();
      const p = mem.scratch(Float32Array, dim);
      p.set(point.subarray(0, dim));
      mem.k.l2sq_f32_rows(p.byteOffset, this.rows.byteOffset, dim, n, this.distK.byteOffset);
      out.set(this.distK);
      return;
    }
    for (let r = 0; r < n; r++) out[r] = l2Squared(this.rows, r * this.stride + offset, point, 0, dim);
  }

  /**
   * For each row r, the nearest of k centroids (rows of `dim`) to its `dim` floats
   * starting at column `offset`: assign[r] and the squared distance dist[r]. Ties go
   * to the lower centroid.
   */
  assign(offset: number, dim: number, centroids: Float32Array, k: number, assign: Int32Array, dist: Float64Array | Float32Array): void {
    const n = this.size;
    const mem = this.mem;
    if (mem !== null && k * dim * 4 <= mem.scratchCapacity) {
      mem.resetScratch();
      const c = mem.scratch(Float32Array, k * dim);
      c.set(centroids.subarray(0, k * dim));
      mem.k.nearest_l2_rows(
        this.rows.byteOffset + 4 * offset,
        n,
        4 * this.stride,
        dim,
        c.byteOffset,
        k,
        this.assignK.byteOffset,
        this.distK.byteOffset,
      );
      assign.set(this.assignK);
      dist.set(this.distK);
      return;
    }
    const rows = this.rows;
    for (let r = 0; r < n; r++) {
      const off = r * this.stride + offset;
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = l2Squared(rows, off, centroids, c * dim, dim);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      assign[r] = best;
      dist[r] = bestD;
    }
  }
}
