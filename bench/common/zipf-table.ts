/** Zipf(s) popularity over n ranks as a cumulative table, for the synthetic benchmark corpora. */
export class ZipfTable {
  private readonly cdf: Float64Array;

  constructor(n: number, exponent = 1) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) this.cdf[i] = sum += 1 / (i + 1) ** exponent;
    for (let i = 0; i < n; i++) this.cdf[i]! /= sum;
  }

  /** Probability of rank r. */
  probability(r: number): number {
    return this.cdf[r]! - (r > 0 ? this.cdf[r - 1]! : 0);
  }

  /** The rank whose cumulative interval holds u (uniform in [0, 1)). */
  sample(u: number): number {
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
