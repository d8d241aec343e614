// Quarry's WebAssembly SIMD kernels: HNSW layer 0 (see index.ts).

import { dist4_f32, dot_f32, hsum, l2sq_f32 } from './float32';
import { move_pair, put_pair } from './pair-heap';

// Binary heaps of (distance, node) in two parallel arrays. The candidate heap is a
// min-heap (closest on top); the result heap a max-heap (farthest on top).

@inline function heap_up(d: usize, ids: usize, i: i32, key: f32, id: i32, maxHeap: bool): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pk = load<f32>(d + (<usize>p << 2));
    if (maxHeap ? pk >= key : pk <= key) break;
    move_pair(d, ids, p, i);
    i = p;
  }
  put_pair(d, ids, i, key, id);
}

/** Places (key, id) at slot 0 of a heap of n entries and sifts it down. */
function heap_sift_down(d: usize, ids: usize, n: i32, key: f32, id: i32, maxHeap: bool): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    let c = l;
    const r = l + 1;
    if (r < n) {
      const lk = load<f32>(d + (<usize>l << 2));
      const rk = load<f32>(d + (<usize>r << 2));
      if (maxHeap ? rk > lk : rk < lk) c = r;
    }
    const ck = load<f32>(d + (<usize>c << 2));
    if (maxHeap ? ck <= key : ck >= key) break;
    move_pair(d, ids, c, i);
    i = c;
  }
  put_pair(d, ids, i, key, id);
}

/** Removes the top of a heap of `size` entries (size > 0). */
function heap_pop(d: usize, ids: usize, size: i32, maxHeap: bool): void {
  const n = size - 1;
  if (n == 0) return;
  heap_sift_down(d, ids, n, load<f32>(d + (<usize>n << 2)), load<i32>(ids + (<usize>n << 2)), maxHeap);
}

/** Adds (key, id) to the result max-heap of size `size` holding at most `cap`; returns the new size. */
@inline function best_offer(d: usize, ids: usize, size: i32, cap: i32, key: f32, id: i32): i32 {
  if (size < cap) {
    heap_up(d, ids, size, key, id, true);
    return size + 1;
  }
  // full: the new entry replaces the farthest (one sift-down instead of a push and a pop)
  heap_sift_down(d, ids, size, key, id, true);
  return size;
}

/**
 * HNSW's neighbour selection heuristic (Malkov & Yashunin, TPAMI 2020, Algorithm 4):
 * walks the n candidates (ids, with their distances to the base node, ascending) and
 * keeps one only if it is closer to the base than to every neighbour kept before it,
 * until max are kept. Distances as the graph measures them: squared L2 (l2 = 1) or
 * minus the inner product. Writes the kept ids to out; returns how many.
 */
export function hnsw_select(vectors: usize, dim: i32, l2: i32, ids: usize, dists: usize, n: i32, max: i32, out: usize): i32 {
  const stride = <usize>dim << 2;
  let kept = 0;
  for (let i = 0; i < n && kept < max; i++) {
    const e = load<i32>(ids + (<usize>i << 2));
    const toBase = load<f32>(dists + (<usize>i << 2));
    const row = vectors + <usize>e * stride;
    let good = true;
    for (let j = 0; j < kept; j++) {
      const other = vectors + <usize>load<i32>(out + (<usize>j << 2)) * stride;
      const d = l2 ? l2sq_f32(row, other, dim) : -dot_f32(row, other, dim);
      if (d < toBase) {
        good = false;
        break;
      }
    }
    if (good) {
      store<i32>(out + (<usize>kept << 2), e);
      kept++;
    }
  }
  return kept;
}

/**
 * Best-first search of an HNSW graph's layer 0 (Malkov & Yashunin, Algorithm 2) from
 * nEntries entry nodes: distances are squared L2 (l2 = 1) or negated dot products.
 * links0: M0 int32 slots per node, counts0: uint8 per node; deleted: uint8 per node;
 * allow: filter bitset or 0. stamp: uint16 per node, a node is visited when
 * stamp == epoch. candD/candI: scratch for up to one entry per node; bestD/bestI: room
 * for ef + 1; pending: scratch for M0 int32. Leaves the ef closest allowed live nodes in bestD/bestI sorted closest
 * first and returns how many.
 */
export function hnsw_search0(q: usize, vectors: usize, dim: i32, l2: i32, links0: usize, M0: i32, counts0: usize, deleted: usize, allow: usize, stamp: usize, epoch: u32, entries: usize, nEntries: i32, ef: i32, candD: usize, candI: usize, bestD: usize, bestI: usize, pending: usize, dists: usize): i32 {
  const rowBytes = <usize>dim << 2;
  let nCand = 0;
  let nBest = 0;
  for (let j = 0; j < nEntries; j++) {
    const e = load<i32>(entries + (<usize>j << 2));
    const sa = stamp + (<usize>e << 1);
    if (<u32>load<u16>(sa) == epoch) continue;
    store<u16>(sa, <u16>epoch);
    const x = vectors + <usize>e * rowBytes;
    const d = l2 != 0 ? l2sq_f32(q, x, dim) : -dot_f32(q, x, dim);
    heap_up(candD, candI, nCand++, d, e, false);
    if (load<u8>(deleted + <usize>e) == 0 && (allow == 0 || (load<u32>(allow + (<usize>(e >>> 5) << 2)) & (1 << (e & 31))) != 0)) {
      if (nBest < ef || d < load<f32>(bestD)) nBest = best_offer(bestD, bestI, nBest, ef, d, e);
    }
  }
  while (nCand > 0) {
    const cd = load<f32>(candD);
    const c = load<i32>(candI);
    if (nBest >= ef && cd > load<f32>(bestD)) break;
    heap_pop(candD, candI, nCand--, false);
    const links = links0 + <usize>c * (<usize>M0 << 2);
    const n = <i32>load<u8>(counts0 + <usize>c);
    // first mark the unvisited neighbours (compacting them into the visited slots of this
    // list's copy), then score them: the independent row loads can overlap
    let m = 0;
    for (let j = 0; j < n; j++) {
      const e = load<i32>(links + (<usize>j << 2));
      const sa = stamp + (<usize>e << 1);
      if (<u32>load<u16>(sa) == epoch) continue;
      store<u16>(sa, <u16>epoch);
      store<i32>(pending + (<usize>m << 2), e);
      m++;
    }
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const p = pending + (<usize>j << 2);
      const o = dists + (<usize>j << 2);
      dist4_f32(q, vectors + <usize>load<i32>(p) * rowBytes, vectors + <usize>load<i32>(p, 4) * rowBytes, vectors + <usize>load<i32>(p, 8) * rowBytes, vectors + <usize>load<i32>(p, 12) * rowBytes, dim, l2, o);
      if (l2 == 0) v128.store(o, f32x4.neg(v128.load(o)));
    }
    for (; j < m; j++) {
      const x = vectors + <usize>load<i32>(pending + (<usize>j << 2)) * rowBytes;
      store<f32>(dists + (<usize>j << 2), l2 != 0 ? l2sq_f32(q, x, dim) : -dot_f32(q, x, dim));
    }
    for (let j = 0; j < m; j++) {
      const e = load<i32>(pending + (<usize>j << 2));
      const d = load<f32>(dists + (<usize>j << 2));
      if (nBest < ef || d < load<f32>(bestD)) {
        heap_up(candD, candI, nCand++, d, e, false);
        if (load<u8>(deleted + <usize>e) == 0 && (allow == 0 || (load<u32>(allow + (<usize>(e >>> 5) << 2)) & (1 << (e & 31))) != 0)) {
          nBest = best_offer(bestD, bestI, nBest, ef, d, e);
        }
      }
    }
  }
  // heap sort: repeatedly move the farthest to the end, leaving closest first
  for (let n = nBest; n > 1; n--) {
    const d = load<f32>(bestD);
    const id = load<i32>(bestI);
    heap_pop(bestD, bestI, n, true);
    put_pair(bestD, bestI, n - 1, d, id);
  }
  return nBest;
}
