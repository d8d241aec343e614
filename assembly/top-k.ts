// Quarry's WebAssembly SIMD kernels: top-k selection (see index.ts).

import { move_pair, put_pair } from './pair-heap';

// Min-heap of (score, id) pairs in two arrays; the root is the worst kept pair.
// Equal scores are won by the lower id, as in src/kernels/top-k-heap.ts.

@inline function worse(s1: f32, d1: i32, s2: f32, d2: i32): bool {
  return s1 < s2 || (s1 == s2 && d1 > d2);
}

function sift_down(hs: usize, hi: usize, size: i32, score: f32, id: i32): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    let c = l;
    const r = l + 1;
    if (r < size && worse(load<f32>(hs + (<usize>r << 2)), load<i32>(hi + (<usize>r << 2)), load<f32>(hs + (<usize>l << 2)), load<i32>(hi + (<usize>l << 2)))) c = r;
    if (!worse(load<f32>(hs + (<usize>c << 2)), load<i32>(hi + (<usize>c << 2)), score, id)) break;
    move_pair(hs, hi, c, i);
    i = c;
  }
  put_pair(hs, hi, i, score, id);
}

/**
 * Offers n scores (row ids firstId .. firstId + n - 1; or ids[j] when ids is not 0) to a
 * bounded min-heap of capacity k held at heapScores / heapIds with `size` entries; rows
 * not in the allow bitset (when allow is not 0) are skipped, and NaN scores are never
 * kept. `negate` flips the sign first (distances to similarities). Returns the new size.
 */
export function topk_push(scores: usize, n: i32, firstId: i32, ids: usize, allow: usize, negate: i32, heapScores: usize, heapIds: usize, size: i32, k: i32): i32 {
  // The worst kept score, once the heap is full: most rows score below it and are
  // dropped on one comparison (NaN fails it too, and is dropped below when the heap is not full).
  let floor: f32 = size < k ? -Infinity : load<f32>(heapScores);
  for (let j = 0; j < n; j++) {
    let s = load<f32>(scores + (<usize>j << 2));
    if (negate != 0) s = -s;
    if (!(s >= floor)) continue;
    if (s != s) continue;
    const id = ids != 0 ? load<i32>(ids + (<usize>j << 2)) : firstId + j;
    if (allow != 0 && (load<u32>(allow + (<usize>(id >>> 5) << 2)) & (1 << (id & 31))) == 0) continue;
    if (size < k) {
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(s, id, load<f32>(heapScores + (<usize>p << 2)), load<i32>(heapIds + (<usize>p << 2)))) break;
        move_pair(heapScores, heapIds, p, i);
        i = p;
      }
      put_pair(heapScores, heapIds, i, s, id);
      if (size == k) floor = load<f32>(heapScores);
    } else if (worse(load<f32>(heapScores), load<i32>(heapIds), s, id)) {
      sift_down(heapScores, heapIds, size, s, id);
      floor = load<f32>(heapScores);
    }
  }
  return size;
}

/** Sorts the heap in place into best-first order (heap sort); the heap is consumed. */
export function topk_sort(heapScores: usize, heapIds: usize, size: i32): void {
  for (let n = size; n > 1; n--) {
    const s = load<f32>(heapScores);
    const id = load<i32>(heapIds);
    const last = n - 1;
    sift_down(heapScores, heapIds, last, load<f32>(heapScores + (<usize>last << 2)), load<i32>(heapIds + (<usize>last << 2)));
    put_pair(heapScores, heapIds, last, s, id);
  }
}
