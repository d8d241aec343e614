/**
 * Robust standardisation: how far each value sits from the median, in units of the median
 * absolute deviation scaled to a normal standard deviation (Rousseeuw & Croux, 1993), so a
 * handful of extreme documents cannot hide themselves by inflating the scale.
 */

/** Consistency factor of the MAD for a normal distribution. */
const MAD_TO_SD = 1.4826;
/** Consistency factor of the mean absolute deviation for a normal distribution. */
const MEAN_AD_TO_SD = 1.2533;
/** The smallest scale divided by, so a constant signal gives z = 0 instead of infinities. */
const MIN_SCALE = 1e-9;

/** A signal's centre and scale over the collection, and each document's z (positive = in the suspicious direction). */
export interface RobustScores {
  median: number;
  scale: number;
  z: Float64Array;
}

/**
 * Standardises `values` (one per document; NaN for documents the signal does not cover, which
 * get z = 0). `direction` 1 makes large values suspicious, −1 small ones. When more than half
 * of the values are equal (the MAD is 0, as for counts that are mostly zero), the scale falls
 * back to the mean absolute deviation, then to `floor`.
 */
export function robustScores(values: Float64Array, direction: 1 | -1, floor = MIN_SCALE): RobustScores {
  const finite = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  const z = new Float64Array(values.length);
  if (finite.length === 0) return { median: 0, scale: floor, z };
  const median = quantileSorted(finite, 0.5);
  const dev = finite.map((v) => Math.abs(v - median)).sort();
  let scale = quantileSorted(dev, 0.5) * MAD_TO_SD;
  if (scale < floor) {
    let s = 0;
    for (const d of dev) s += d;
    scale = (s / dev.length) * MEAN_AD_TO_SD;
  }
  scale = Math.max(scale, floor);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    z[i] = Number.isFinite(v) ? (direction * (v - median)) / scale : 0;
  }
  return { median, scale, z };
}

/** The q-quantile of sorted values (linear interpolation between neighbours). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}
