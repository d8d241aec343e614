/**
 * Paired significance tests between retrieval runs over the same queries:
 * Student's paired t-test, the paired randomization (sign-flip permutation)
 * test of Smucker, Allan & Carterette (CIKM 2007), and Holm's step-down
 * correction for comparing several runs against one baseline.
 */
import { QuarryError } from '../core/quarry-error.js';
import { studentTwoSidedP } from './student-t.js';

/** Result of the paired t-test. */
export interface TTestResult {
  meanDifference: number;
  t: number;
  df: number;
  p: number;
}

/** Paired two-sided t-test of `b - a`. Identical samples give p = 1. */
export function pairedTTest(a: ArrayLike<number>, b: ArrayLike<number>): TTestResult {
  const n = checkPaired(a, b);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += b[i]! - a[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = b[i]! - a[i]! - mean;
    ss += d * d;
  }
  const df = n - 1;
  if (df === 0 || ss === 0) return { meanDifference: mean, t: mean === 0 ? 0 : Infinity * Math.sign(mean), df, p: mean === 0 ? 1 : 0 };
  const se = Math.sqrt(ss / df / n);
  const t = mean / se;
  return { meanDifference: mean, t, df, p: studentTwoSidedP(t, df) };
}

/** Result of the randomization test. */
export interface RandomizationResult {
  meanDifference: number;
  /** (count + 1) / (trials + 1): never 0, valid for a finite sample of permutations. */
  p: number;
  trials: number;
}

/**
 * Two-sided paired randomization test: each trial flips the sign of every
 * per-query difference with probability 1/2 and counts trials whose |mean|
 * reaches the observed |mean|. Deterministic for a given seed.
 */
export function pairedRandomizationTest(a: ArrayLike<number>, b: ArrayLike<number>, trials = 10000, seed = 42): RandomizationResult {
  const n = checkPaired(a, b);
  if (!Number.isInteger(trials) || trials < 1) throw new QuarryError('BAD_ARGUMENT', 'must be a positive integer', { field: 'trials' });
  const d = new Float64Array(n);
  let observed = 0;
  for (let i = 0; i < n; i++) {
    d[i] = b[i]! - a[i]!;
    observed += d[i]!;
  }
  const target = Math.abs(observed) - 1e-12 * n; // tolerate float noise when |mean| ties
  let state = seed >>> 0 || 1;
  let count = 0;
  for (let t = 0; t < trials; t++) {
    let s = 0;
    for (let i = 0; i < n; i += 32) {
      // xorshift32: one 32-bit draw supplies the signs of 32 queries.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      const end = Math.min(n, i + 32);
      for (let j = i; j < end; j++) s += (state >>> (j - i)) & 1 ? d[j]! : -d[j]!;
    }
    if (Math.abs(s) >= target) count++;
  }
  return { meanDifference: observed / n, p: (count + 1) / (trials + 1), trials };
}

/** Holm's step-down adjustment of a family of p-values (same order as given). */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const out = new Array<number>(m);
  let running = 0;
  for (let r = 0; r < m; r++) {
    const [p, i] = order[r]!;
    running = Math.max(running, Math.min(1, (m - r) * p));
    out[i] = running;
  }
  return out;
}

function checkPaired(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new QuarryError('BAD_ARGUMENT', `paired samples differ in length (${a.length} vs ${b.length})`);
  if (a.length === 0) throw new QuarryError('EMPTY', 'no queries to compare');
  return a.length;
}
