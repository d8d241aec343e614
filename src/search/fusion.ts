/**
 * Fusion of retrieval legs: reciprocal rank fusion (Cormack, Clarke &
 * Büttcher, SIGIR 2009), and weighted sums of scores after min-max or
 * z-score normalization per leg, plain (CombSUM) or times the number of legs
 * that found the document (CombMNZ; Fox & Shaw, TREC-2 1994).
 */

/** One leg's ranked list: global document numbers and scores, best first. */
export interface LegResult {
  docs: ArrayLike<number>;
  scores: ArrayLike<number>;
  weight: number;
}

/** Fused candidates: document -> fused score, plus per-leg rank (1-based) and score. */
export interface Fused {
  scores: Map<number, number>;
  legRanks: Map<number, (number | null)[]>;
  legScores: Map<number, (number | null)[]>;
}

function collect(legs: readonly LegResult[]): Pick<Fused, 'legRanks' | 'legScores'> {
  const legRanks = new Map<number, (number | null)[]>();
  const legScores = new Map<number, (number | null)[]>();
  legs.forEach((leg, li) => {
    for (let r = 0; r < leg.docs.length; r++) {
      const d = leg.docs[r]!;
      if (!legRanks.has(d)) {
        legRanks.set(
          d,
          legs.map(() => null),
        );
        legScores.set(
          d,
          legs.map(() => null),
        );
      }
      legRanks.get(d)![li] = r + 1;
      legScores.get(d)![li] = leg.scores[r]!;
    }
  });
  return { legRanks, legScores };
}

/** Reciprocal rank fusion: sum over legs of weight / (k + rank). */
export function fuseRrf(legs: readonly LegResult[], k = 60): Fused {
  const { legRanks, legScores } = collect(legs);
  const scores = new Map<number, number>();
  for (const [d, ranks] of legRanks) {
    let s = 0;
    ranks.forEach((r, li) => {
      if (r !== null) s += legs[li]!.weight / (k + r);
    });
    scores.set(d, s);
  }
  return { scores, legRanks, legScores };
}

/** Weighted sum of per-leg normalized scores (a document missing from a leg contributes 0 there). */
export function fuseWeighted(legs: readonly LegResult[], normalize: 'minmax' | 'zscore' | 'none'): Fused {
  const { legRanks, legScores } = collect(legs);
  const norms = legs.map((leg) => {
    const xs = Array.from(leg.scores);
    if (xs.length === 0 || normalize === 'none') return (x: number) => x;
    if (normalize === 'minmax') {
      // a loop, not Math.min(...xs): deep runs would overflow the argument stack
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of xs) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      return (x: number) => (hi > lo ? (x - lo) / (hi - lo) : 1);
    }
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    return (x: number) => (sd > 0 ? (x - mean) / sd : 0);
  });
  const scores = new Map<number, number>();
  for (const [d, ss] of legScores) {
    let s = 0;
    ss.forEach((x, li) => {
      if (x !== null) s += legs[li]!.weight * norms[li]!(x);
    });
    scores.set(d, s);
  }
  return { scores, legRanks, legScores };
}

/** CombMNZ: the weighted sum of normalized scores times the number of legs that retrieved the document. */
export function fuseCombMnz(legs: readonly LegResult[], normalize: 'minmax' | 'zscore' | 'none'): Fused {
  const fused = fuseWeighted(legs, normalize);
  for (const [d, ranks] of fused.legRanks) {
    let found = 0;
    for (const r of ranks) if (r !== null) found++;
    fused.scores.set(d, fused.scores.get(d)! * found);
  }
  return fused;
}
