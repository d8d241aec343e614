/**
 * Where a document's vector sits among the others: its distance to the collection's centroid,
 * and its local outlier factor (Breunig, Kriegel, Ng & Sander, "LOF: Identifying Density-Based
 * Local Outliers", SIGMOD 2000) over its k nearest neighbours, found by the field's own index.
 */

/** The neighbourhood signals of one dense field, one value per row. */
export interface NeighbourhoodSignals {
  /** Euclidean distance of each row to the mean row. */
  centroid: Float64Array;
  /** Local outlier factor: about 1 inside a cluster, well above 1 for a point sparser than its neighbours' surroundings. */
  lof: Float64Array;
}

/**
 * Computes the signals for `n` rows of `dim` floats. `neighbours(i)` gives row i's nearest
 * rows (any order, i itself may be among them and is skipped), as the field's index finds them.
 */
export function neighbourhoodSignals(
  rows: Float32Array,
  dim: number,
  k: number,
  neighbours: (i: number) => readonly number[],
): NeighbourhoodSignals {
  const n = rows.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += rows[i * dim + j]! / n;
  const centroid = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (rows[i * dim + j]! - mean[j]!) ** 2;
    centroid[i] = Math.sqrt(s);
  }
  const dist = (a: number, b: number): number => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (rows[a * dim + j]! - rows[b * dim + j]!) ** 2;
    return Math.sqrt(s);
  };
  // each row's k nearest others and their distances, nearest first
  const knn: Int32Array[] = [];
  const knnDist: Float64Array[] = [];
  const kDist = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const cand = neighbours(i).filter((j) => j !== i);
    const scored = cand.map((j) => [j, dist(i, j)] as const).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    const top = scored.slice(0, k);
    knn.push(Int32Array.from(top.map((t) => t[0])));
    knnDist.push(Float64Array.from(top.map((t) => t[1])));
    kDist[i] = top.length > 0 ? top[top.length - 1]![1] : 0;
  }
  // local reachability density: 1 / mean reachability distance to the neighbours
  const lrd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const nb = knn[i]!;
    if (nb.length === 0) continue;
    let s = 0;
    for (let t = 0; t < nb.length; t++) s += Math.max(kDist[nb[t]!]!, knnDist[i]![t]!);
    lrd[i] = s > 0 ? nb.length / s : Infinity;
  }
  const lof = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const nb = knn[i]!;
    if (nb.length === 0 || !Number.isFinite(lrd[i]!)) {
      lof[i] = NaN;
      continue;
    }
    let s = 0;
    for (const j of nb) s += Number.isFinite(lrd[j]!) ? lrd[j]! : lrd[i]!;
    lof[i] = s / nb.length / lrd[i]!;
  }
  return { centroid, lof };
}
