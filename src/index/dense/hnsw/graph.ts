/**
 * HNSW graph storage and algorithms (Malkov & Yashunin, TPAMI 2020):
 * insertion with the neighbour-selection heuristic (their Algorithm 4),
 * layered greedy search (Algorithms 2 and 5), filtered search that walks
 * through disallowed nodes but returns only allowed ones, and deletion that
 * repairs every node that linked to a deleted node.
 *
 * Layout: vectors in one growable Float32Array; layer-0 neighbour lists in a
 * fixed-stride Int32Array (2M per node); upper layers in a second pool of
 * M-sized slots addressed by per-node start indices. With the WebAssembly
 * kernels on, the vectors live in a KernelMemory (moved to a larger one as the
 * graph grows) and each expanded node's unvisited neighbours are scored by one
 * gather kernel call.
 */
import { dot, l2Squared } from '../../../kernels/dense-distance.js';
import { MinHeap } from '../../../kernels/min-heap.js';
import type { Bitset } from '../../../kernels/bitset.js';
import { KernelMemory } from '../../../kernels/wasm/kernel-memory.js';
import type { DenseMetric } from '../dense-types.js';
import type { HnswParams } from './params.js';
import { DeferredArray } from '../../../io/deferred-array.js';

const MAX_LEVEL = 16;

/** The mutable arrays of a graph (what format.ts saves). */
export interface HnswState {
  count: number;
  vectors: Float32Array;
  levels: Uint8Array;
  links0: Int32Array;
  counts0: Uint8Array;
  upperStart: Int32Array;
  upperLinks: Int32Array;
  upperCounts: Uint8Array;
  upperUsed: number;
  deleted: Uint8Array;
  entry: number;
  maxLevel: number;
  rngState: number;
}

/**
 * A saved graph's state as a reader hands it over: the two large arrays may
 * still be in their file, to be read straight into the graph's own memory.
 */
export type HnswSavedState = Omit<HnswState, 'vectors' | 'links0'> & {
  vectors: Float32Array | DeferredArray<Float32Array>;
  links0: Int32Array | DeferredArray<Int32Array>;
};

/** An HNSW graph over rows of `dim` floats. */
export class HnswGraph {
  readonly dim: number;
  readonly metric: DenseMetric;
  readonly M: number;
  readonly M0: number;
  readonly efConstruction: number;
  efSearch: number;
  s: HnswState;
  private readonly mL: number;
  /** Visit tags per node (16-bit, as hnswlib: half the cache footprint of 32-bit stamps). */
  private stamp = new Uint16Array(0);
  private epoch = 0;
  private readonly cand = new MinHeap();
  private readonly best = new MinHeap(); // max-heap via negated keys
  private readonly scratch = new MinHeap();
  /** Kernel memory holding the vectors and layer-0 arrays, or null on the TypeScript path. */
  private mem: KernelMemory | null = null;
  /** Scratch in `mem`: the query, neighbour ids to score and their distances, entry nodes, result heap. */
  private qBuf = new Float32Array(0);
  private idBuf = new Int32Array(0);
  private distBuf = new Float32Array(0);
  private entryBuf = new Int32Array(0);
  private bestD = new Float32Array(0);
  private bestI = new Int32Array(0);
  /** Candidate heap of the layer-0 kernel: room for every node. */
  private candD = new Float32Array(0);
  private candI = new Int32Array(0);
  private allowBuf = new Uint32Array(0);
  /** Candidates, their distances and the kept ids of the selection heuristic, in kernel scratch. */
  private selIds = new Int32Array(0);
  private selDists = new Float32Array(0);
  private selOut = new Int32Array(0);
  /** Results the layer-0 kernel left in bestD/bestI (sorted), or -1 when `best` holds them. */
  private kernelFound = -1;

  constructor(params: HnswParams, state?: HnswSavedState) {
    this.dim = params.dim;
    this.metric = params.metric;
    this.M = params.M;
    this.M0 = 2 * params.M;
    this.efConstruction = params.efConstruction;
    this.efSearch = params.efSearch;
    this.mL = 1 / Math.log(Math.max(2, params.M));
    const deferred = {
      vectors: state?.vectors instanceof DeferredArray ? state.vectors : null,
      links0: state?.links0 instanceof DeferredArray ? state.links0 : null,
    };
    this.s =
      state !== undefined
        ? { ...state, vectors: materializeLater(state.vectors, Float32Array), links0: materializeLater(state.links0, Int32Array) }
        : {
            count: 0,
            vectors: new Float32Array(1024 * params.dim),
            levels: new Uint8Array(1024),
            links0: new Int32Array(1024 * 2 * params.M),
            counts0: new Uint8Array(1024),
            upperStart: new Int32Array(1024).fill(-1),
            upperLinks: new Int32Array(256 * params.M),
            upperCounts: new Uint8Array(256),
            upperUsed: 0,
            deleted: new Uint8Array(1024),
            entry: -1,
            maxLevel: -1,
            rngState: params.seed >>> 0 || 1,
          };
    this.place(this.s.levels.length, deferred);
  }

  /**
   * Puts the vectors, layer-0 links, counts, deletion flags and visit stamps in a new
   * kernel memory with room for `capacity` nodes (one copy per growth step, amortized
   * by doubling), or grows them as JavaScript arrays when the kernels are off.
   */
  private place(
    capacity: number,
    deferred?: { vectors: DeferredArray<Float32Array> | null; links0: DeferredArray<Int32Array> | null },
  ): void {
    const s = this.s;
    const { dim, M0 } = this;
    const maxEf = this.maxKernelEf();
    const selectable = Math.max(maxEf + 2, M0 + 1);
    const scratch =
      4 * dim + 8 * M0 + 4 * (maxEf + 1) + 8 * (maxEf + 2) + 4 * (Math.ceil(capacity / 32) + 1) + 8 * selectable + 4 * M0 + 160;
    const sizes = [4 * capacity * dim, 4 * capacity * M0, capacity, capacity, 4 * capacity, 8 * capacity].map((byteLength) => ({
      byteLength,
    }));
    const mem = KernelMemory.create(KernelMemory.bytesFor(sizes, scratch));
    const stamp = this.stamp;
    const moveInto = <T extends Float32Array | Int32Array | Uint8Array | Uint16Array>(from: T, to: T): T => {
      to.set(from.length <= to.length ? from : (from.subarray(0, to.length) as T));
      return to;
    };
    if (mem === null) {
      this.mem = null;
      if (s.vectors.length < capacity * dim) s.vectors = moveInto(s.vectors, new Float32Array(capacity * dim));
      if (s.links0.length < capacity * M0) s.links0 = moveInto(s.links0, new Int32Array(capacity * M0));
      if (s.counts0.length < capacity) s.counts0 = moveInto(s.counts0, new Uint8Array(capacity));
      if (s.deleted.length < capacity) s.deleted = moveInto(s.deleted, new Uint8Array(capacity));
      if (stamp.length < capacity) this.stamp = moveInto(stamp, new Uint16Array(capacity));
      fillDeferred(s, deferred);
      return;
    }
    s.vectors = moveInto(s.vectors, mem.array(Float32Array, capacity * dim));
    s.links0 = moveInto(s.links0, mem.array(Int32Array, capacity * M0));
    s.counts0 = moveInto(s.counts0, mem.array(Uint8Array, capacity));
    s.deleted = moveInto(s.deleted, mem.array(Uint8Array, capacity));
    this.stamp = moveInto(stamp, mem.array(Uint16Array, capacity));
    fillDeferred(s, deferred);
    this.candD = mem.array(Float32Array, capacity);
    this.candI = mem.array(Int32Array, capacity);
    mem.reserveScratch(scratch);
    this.qBuf = mem.scratch(Float32Array, dim);
    this.idBuf = mem.scratch(Int32Array, M0);
    this.distBuf = mem.scratch(Float32Array, M0);
    this.entryBuf = mem.scratch(Int32Array, maxEf + 1);
    this.bestD = mem.scratch(Float32Array, maxEf + 2);
    this.bestI = mem.scratch(Int32Array, maxEf + 2);
    this.allowBuf = mem.scratch(Uint32Array, Math.ceil(capacity / 32) + 1);
    this.selIds = mem.scratch(Int32Array, selectable);
    this.selDists = mem.scratch(Float32Array, selectable);
    this.selOut = mem.scratch(Int32Array, M0);
    this.mem = mem;
  }

  /** The largest search width the layer-0 kernel serves (wider searches take the TypeScript loop). */
  private maxKernelEf(): number {
    return Math.max(1024, this.efConstruction, this.efSearch);
  }

  /** Distance used inside the graph: smaller is closer. */
  private distTo(q: Float32Array, qOff: number, node: number): number {
    const mem = this.mem;
    if (mem !== null && q.buffer === mem.buffer) {
      const qPtr = q.byteOffset + 4 * qOff;
      const xPtr = this.s.vectors.byteOffset + 4 * node * this.dim;
      return this.metric === 'l2' ? mem.k.l2sq_f32(qPtr, xPtr, this.dim) : -mem.k.dot_f32(qPtr, xPtr, this.dim);
    }
    return this.metric === 'l2'
      ? l2Squared(q, qOff, this.s.vectors, node * this.dim, this.dim)
      : -dot(q, qOff, this.s.vectors, node * this.dim, this.dim);
  }

  private distNodes(a: number, b: number): number {
    return this.distTo(this.s.vectors, a * this.dim, b);
  }

  private random(): number {
    // xorshift32, state kept in the saved graph so inserts after a reopen stay reproducible
    let x = this.s.rngState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s.rngState = x >>> 0;
    return (this.s.rngState + 0.5) / 4294967296;
  }

  /** Neighbour list bounds of `node` on `level`: [base, count] written into `out`. */
  private listOf(node: number, level: number, out: Int32Array): Int32Array {
    if (level === 0) {
      out[0] = node * this.M0;
      out[1] = this.s.counts0[node]!;
      return this.s.links0;
    }
    const slot = this.s.upperStart[node]! + level - 1;
    out[0] = slot * this.M;
    out[1] = this.s.upperCounts[slot]!;
    return this.s.upperLinks;
  }

  private setCount(node: number, level: number, n: number): void {
    if (level === 0) this.s.counts0[node] = n;
    else this.s.upperCounts[this.s.upperStart[node]! + level - 1] = n;
  }

  private ensureCapacity(n: number): void {
    const s = this.s;
    if (n <= s.levels.length) return;
    let cap = Math.max(16, s.levels.length);
    while (cap < n) cap *= 2;
    const grow = <T extends Float32Array | Int32Array | Uint8Array>(a: T, size: number, fill?: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      if (fill !== undefined) b.fill(fill);
      b.set(a);
      return b;
    };
    s.levels = grow(s.levels, cap);
    s.upperStart = grow(s.upperStart, cap, -1);
    this.place(cap);
  }

  private allocUpper(levels: number): number {
    const s = this.s;
    const start = s.upperUsed;
    const need = start + levels;
    if (need > s.upperCounts.length) {
      let cap = Math.max(16, s.upperCounts.length);
      while (cap < need) cap *= 2;
      const c = new Uint8Array(cap);
      c.set(s.upperCounts);
      s.upperCounts = c;
      const l = new Int32Array(cap * this.M);
      l.set(s.upperLinks);
      s.upperLinks = l;
    }
    s.upperUsed = need;
    return start;
  }

  private newEpoch(): number {
    if (++this.epoch === 0xffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /**
   * Best-first search of one layer from `entries` (Algorithm 2). Leaves the
   * ef best allowed nodes in `this.best` (negated keys: a max-heap).
   */
  private searchLayer(
    q: Float32Array,
    qOff: number,
    entries: Int32Array,
    nEntries: number,
    ef: number,
    level: number,
    allow: Bitset | null,
  ): void {
    this.kernelFound = -1;
    const mem = this.mem;
    if (level === 0 && mem !== null && q.buffer === mem.buffer && ef <= this.maxKernelEf()) {
      this.searchLayer0InKernels(mem, q.byteOffset + 4 * qOff, entries, nEntries, ef, allow);
      return;
    }
    const cand = this.cand;
    const best = this.best;
    cand.clear();
    best.clear();
    const epoch = this.newEpoch();
    const stamp = this.stamp;
    const deleted = this.s.deleted;
    for (let i = 0; i < nEntries; i++) {
      const e = entries[i]!;
      if (stamp[e] === epoch) continue;
      stamp[e] = epoch;
      const d = this.distTo(q, qOff, e);
      cand.push(d, e);
      if (deleted[e] === 0 && (allow === null || allow.has(e))) best.push(-d, e);
    }
    const bounds = new Int32Array(2);
    while (cand.size > 0) {
      const cd = cand.topKey();
      const c = cand.topId();
      if (best.size >= ef && cd > -best.topKey()) break;
      cand.pop();
      const links = this.listOf(c, level, bounds);
      const base = bounds[0]!;
      const n = bounds[1]!;
      const mem = this.mem;
      if (mem !== null && q.buffer === mem.buffer) {
        // gather the unvisited neighbours, score them in one kernel call, then walk them
        const ids = this.idBuf;
        let m = 0;
        for (let j = 0; j < n; j++) {
          const e = links[base + j]!;
          if (stamp[e] === epoch) continue;
          stamp[e] = epoch;
          ids[m++] = e;
        }
        if (m === 0) continue;
        const qPtr = q.byteOffset + 4 * qOff;
        const dists = this.distBuf;
        if (this.metric === 'l2') mem.k.l2sq_f32_ids(qPtr, this.s.vectors.byteOffset, this.dim, ids.byteOffset, m, dists.byteOffset);
        else mem.k.dot_f32_ids(qPtr, this.s.vectors.byteOffset, this.dim, ids.byteOffset, m, dists.byteOffset);
        const sign = this.metric === 'l2' ? 1 : -1;
        for (let j = 0; j < m; j++) {
          const e = ids[j]!;
          const d = sign * dists[j]!;
          if (best.size < ef || d < -best.topKey()) {
            cand.push(d, e);
            if (deleted[e] === 0 && (allow === null || allow.has(e))) {
              best.push(-d, e);
              if (best.size > ef) best.pop();
            }
          }
        }
        continue;
      }
      for (let j = 0; j < n; j++) {
        const e = links[base + j]!;
        if (stamp[e] === epoch) continue;
        stamp[e] = epoch;
        const d = this.distTo(q, qOff, e);
        if (best.size < ef || d < -best.topKey()) {
          cand.push(d, e);
          if (deleted[e] === 0 && (allow === null || allow.has(e))) {
            best.push(-d, e);
            if (best.size > ef) best.pop();
          }
        }
      }
    }
  }

  /**
   * Layer 0 searched entirely by the hnsw_search0 kernel; its sorted results stay in
   * kernel scratch (bestD/bestI) until drainBest() copies them out.
   */
  private searchLayer0InKernels(
    mem: KernelMemory,
    qPtr: number,
    entries: Int32Array,
    nEntries: number,
    ef: number,
    allow: Bitset | null,
  ): void {
    const epoch = this.newEpoch();
    const n = Math.min(nEntries, this.entryBuf.length);
    for (let i = 0; i < n; i++) this.entryBuf[i] = entries[i]!;
    let allowPtr = 0;
    if (allow !== null) {
      const words = this.allowBuf;
      words.fill(0);
      words.set(allow.words.length <= words.length ? allow.words : allow.words.subarray(0, words.length));
      allowPtr = words.byteOffset;
    }
    const s = this.s;
    const found = mem.k.hnsw_search0(
      qPtr,
      s.vectors.byteOffset,
      this.dim,
      this.metric === 'l2' ? 1 : 0,
      s.links0.byteOffset,
      this.M0,
      s.counts0.byteOffset,
      s.deleted.byteOffset,
      allowPtr,
      this.stamp.byteOffset,
      epoch,
      this.entryBuf.byteOffset,
      n,
      ef,
      this.candD.byteOffset,
      this.candI.byteOffset,
      this.bestD.byteOffset,
      this.bestI.byteOffset,
      this.idBuf.byteOffset,
      this.distBuf.byteOffset,
    );
    this.best.clear();
    this.kernelFound = found;
  }

  /** Greedy descent through the upper layers to the closest node at `toLevel + 1`. */
  private descend(q: Float32Array, qOff: number, toLevel: number): number {
    let cur = this.s.entry;
    let curDist = this.distTo(q, qOff, cur);
    const bounds = new Int32Array(2);
    for (let level = this.s.maxLevel; level > toLevel; level--) {
      let changed = true;
      while (changed) {
        changed = false;
        const links = this.listOf(cur, level, bounds);
        for (let j = 0; j < bounds[1]!; j++) {
          const e = links[bounds[0]! + j]!;
          const d = this.distTo(q, qOff, e);
          if (d < curDist) {
            curDist = d;
            cur = e;
            changed = true;
          }
        }
      }
    }
    return cur;
  }

  /** Pops `this.best` into arrays sorted by distance ascending. */
  private drainBest(): { ids: Int32Array; dists: Float64Array } {
    if (this.kernelFound >= 0) {
      // the layer-0 kernel left its results sorted in scratch
      const n = this.kernelFound;
      this.kernelFound = -1;
      const dists = new Float64Array(n);
      for (let i = 0; i < n; i++) dists[i] = this.bestD[i]!;
      return { ids: this.bestI.slice(0, n), dists };
    }
    const n = this.best.size;
    const ids = new Int32Array(n);
    const dists = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) {
      ids[i] = this.best.topId();
      dists[i] = -this.best.topKey();
      this.best.pop();
    }
    return { ids, dists };
  }

  /**
   * Neighbour selection heuristic (Algorithm 4): keep a candidate only if it
   * is closer to the base than to every neighbour already kept.
   */
  private selectNeighbors(ids: Int32Array, dists: Float64Array, n: number, max: number, out: Int32Array): number {
    const mem = this.mem;
    if (mem !== null && n <= this.selIds.length && max <= this.selOut.length) {
      // in one kernel call: a distance per pair from JavaScript cost more than the pair's dot product
      // (the distances are float32 values, so the copy is exact)
      this.selIds.set(ids.subarray(0, n));
      for (let i = 0; i < n; i++) this.selDists[i] = dists[i]!;
      const kept = mem.k.hnsw_select(
        this.s.vectors.byteOffset,
        this.dim,
        this.metric === 'l2' ? 1 : 0,
        this.selIds.byteOffset,
        this.selDists.byteOffset,
        n,
        max,
        this.selOut.byteOffset,
      );
      out.set(this.selOut.subarray(0, kept));
      return kept;
    }
    let kept = 0;
    for (let i = 0; i < n && kept < max; i++) {
      const e = ids[i]!;
      let good = true;
      for (let j = 0; j < kept; j++) {
        if (this.distNodes(e, out[j]!) < dists[i]!) {
          good = false;
          break;
        }
      }
      if (good) out[kept++] = e;
    }
    return kept;
  }

  /** Re-selects `node`'s neighbours on `level` from `candidates` (sorted by distance to node). */
  private relink(node: number, level: number, candidates: number[]): void {
    const max = level === 0 ? this.M0 : this.M;
    const sc = this.scratch;
    sc.clear();
    for (const c of candidates) if (c !== node) sc.push(this.distNodes(node, c), c);
    const ids = new Int32Array(sc.size);
    const dists = new Float64Array(sc.size);
    let n = 0;
    let last = -1;
    while (sc.size > 0) {
      const id = sc.topId();
      if (id !== last) {
        ids[n] = id;
        dists[n++] = sc.topKey();
        last = id;
      }
      sc.pop();
    }
    const chosen = new Int32Array(max);
    const kept = this.selectNeighbors(ids, dists, n, max, chosen);
    const bounds = new Int32Array(2);
    const links = this.listOf(node, level, bounds);
    for (let j = 0; j < kept; j++) links[bounds[0]! + j] = chosen[j]!;
    this.setCount(node, level, kept);
  }

  /** Appends one row and links it into the graph (Algorithm 1). Returns its row number. */
  insert(vector: Float32Array, vOff = 0): number {
    const s = this.s;
    const node = s.count;
    this.ensureCapacity(node + 1);
    s.vectors.set(vector.subarray(vOff, vOff + this.dim), node * this.dim);
    s.count++;
    const level = Math.min(MAX_LEVEL, Math.floor(-Math.log(this.random()) * this.mL));
    s.levels[node] = level;
    s.counts0[node] = 0;
    if (level > 0) {
      s.upperStart[node] = this.allocUpper(level);
      for (let l = 1; l <= level; l++) s.upperCounts[s.upperStart[node]! + l - 1] = 0;
    }
    if (s.entry < 0) {
      s.entry = node;
      s.maxLevel = level;
      return node;
    }
    const q = s.vectors;
    const qOff = node * this.dim;
    let ep = this.descend(q, qOff, level);
    const entries = new Int32Array(this.efConstruction + 1);
    entries[0] = ep;
    let nEntries = 1;
    const bounds = new Int32Array(2);
    for (let l = Math.min(level, s.maxLevel); l >= 0; l--) {
      this.searchLayer(q, qOff, entries, nEntries, this.efConstruction, l, null);
      const { ids, dists } = this.drainBest();
      const max = l === 0 ? this.M0 : this.M;
      const chosen = new Int32Array(this.M);
      const kept = this.selectNeighbors(ids, dists, ids.length, this.M, chosen);
      const links = this.listOf(node, l, bounds);
      for (let j = 0; j < kept; j++) links[bounds[0]! + j] = chosen[j]!;
      this.setCount(node, l, kept);
      for (let j = 0; j < kept; j++) {
        const e = chosen[j]!;
        const el = this.listOf(e, l, bounds);
        const n = bounds[1]!;
        if (n < max) {
          el[bounds[0]! + n] = node;
          this.setCount(e, l, n + 1);
        } else {
          const cands: number[] = [node];
          for (let t = 0; t < n; t++) cands.push(el[bounds[0]! + t]!);
          this.relink(e, l, cands);
        }
      }
      nEntries = Math.min(ids.length, entries.length);
      for (let j = 0; j < nEntries; j++) entries[j] = ids[j]!;
      ep = ids[0] ?? ep;
    }
    if (level > s.maxLevel) {
      s.maxLevel = level;
      s.entry = node;
    }
    return node;
  }

  /** The ef closest allowed, non-deleted rows to `q` (sorted, closest first). */
  search(q: Float32Array, ef: number, allow: Bitset | null): { ids: Int32Array; dists: Float64Array } {
    if (this.s.entry < 0) return { ids: new Int32Array(0), dists: new Float64Array(0) };
    if (this.mem !== null) {
      this.qBuf.set(q.subarray(0, this.dim));
      q = this.qBuf;
    }
    const ep = this.descend(q, 0, 0);
    const entries = Int32Array.of(ep);
    this.searchLayer(q, 0, entries, 1, ef, 0, allow);
    return this.drainBest();
  }

  /**
   * Deletes rows and repairs the graph: every node that linked to a deleted
   * node gets its list rebuilt from its surviving neighbours and the
   * surviving neighbours of the deleted ones, so no live node loses its way.
   */
  delete(rows: Iterable<number>): number {
    const s = this.s;
    const gone = new Set<number>();
    for (const r of rows) if (r >= 0 && r < s.count && s.deleted[r] === 0) gone.add(r);
    if (gone.size === 0) return 0;
    for (const r of gone) s.deleted[r] = 1;
    const bounds = new Int32Array(2);
    for (let node = 0; node < s.count; node++) {
      if (s.deleted[node] !== 0) continue;
      for (let l = 0; l <= s.levels[node]!; l++) {
        const links = this.listOf(node, l, bounds);
        let touched = false;
        for (let j = 0; j < bounds[1]!; j++) if (gone.has(links[bounds[0]! + j]!)) touched = true;
        if (!touched) continue;
        const cands = new Set<number>();
        for (let j = 0; j < bounds[1]!; j++) {
          const e = links[bounds[0]! + j]!;
          if (!gone.has(e)) cands.add(e);
          else {
            const b2 = new Int32Array(2);
            if (s.levels[e]! < l) continue;
            const el = this.listOf(e, l, b2);
            for (let t = 0; t < b2[1]!; t++) {
              const x = el[b2[0]! + t]!;
              if (s.deleted[x] === 0 && x !== node) cands.add(x);
            }
          }
        }
        this.relink(node, l, [...cands]);
      }
    }
    if (gone.has(s.entry)) {
      let best = -1;
      for (let i = 0; i < s.count; i++) if (s.deleted[i] === 0 && (best < 0 || s.levels[i]! > s.levels[best]!)) best = i;
      s.entry = best;
      s.maxLevel = best < 0 ? -1 : s.levels[best]!;
    }
    return gone.size;
  }
}

/** An empty stand-in for an array still in its file (place() reads it in), or the array itself. */
function materializeLater<T extends Float32Array | Int32Array>(a: T | DeferredArray<T>, type: new (n: number) => T): T {
  return a instanceof DeferredArray ? new type(0) : a;
}

/** Reads arrays still in their file into the front of the graph's arrays, which place() sized for them. */
function fillDeferred(
  s: HnswState,
  deferred: { vectors: DeferredArray<Float32Array> | null; links0: DeferredArray<Int32Array> | null } | undefined,
): void {
  deferred?.vectors?.fill(s.vectors.subarray(0, deferred.vectors.length));
  deferred?.links0?.fill(s.links0.subarray(0, deferred.links0.length));
}
