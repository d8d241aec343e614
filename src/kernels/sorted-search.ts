/** Searches in sorted arrays of numbers. */

/**
 * The first index in [from, end) whose value is >= `value` (end when none),
 * for `sorted` ascending: a galloping search out from `from`, then binary
 * search, so a short move costs a few reads of one cache line instead of a
 * binary search over the whole range.
 */
export function firstAtLeast(sorted: Uint32Array, from: number, end: number, value: number): number {
  if (from >= end || sorted[from]! >= value) return from;
  let below = from; // sorted[below] < value
  let step = 1;
  let above = from + 1;
  while (above < end && sorted[above]! < value) {
    below = above;
    step *= 2;
    above = below + step;
  }
  if (above > end) above = end;
  while (above - below > 1) {
    const mid = (below + above) >>> 1;
    if (sorted[mid]! < value) below = mid;
    else above = mid;
  }
  return above;
}
