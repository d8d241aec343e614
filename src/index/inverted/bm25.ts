/**
 * BM25 exactly as Lucene 9's BM25Similarity computes it (the scores Anserini
 * reports): idf = ln(1 + (N - n + 0.5) / (n + 0.5)) in double rounded to
 * float; per-norm cache 1 / (k1 * ((1 - b) + b * len / avgdl)) in float; term
 * score w - w / (1 + f * cache[norm]) in float, with w = boost * idf. Term
 * scores of a document are summed in double and rounded to float.
 */
import type { InvertedFieldData } from './inverted-field.js';
import { LENGTH_TABLE } from './lucene-norms.js';
import type { Bm25Params } from './params.js';

const f = Math.fround;

/** Lucene's idf for a term in `docFreq` of `docCount` documents. */
export function bm25Idf(docFreq: number, docCount: number): number {
  return f(Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5)));
}

/** Lucene's average field length: sumTotalTermFreq / docCount, as float. */
export function bm25AvgLength(sumTotalTermFreq: number, docCount: number): number {
  return f(sumTotalTermFreq / docCount);
}

/** The 256-entry table of 1 / (k1 * ((1 - b) + b * len / avgdl)) per norm byte. */
export function bm25NormInverseTable(params: Bm25Params, avgdl: number): Float32Array {
  const k1 = f(params.k1);
  const b = f(params.b);
  const oneMinusB = f(1 - b);
  const table = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    table[i] = f(1 / f(k1 * f(oneMinusB + f(f(b * LENGTH_TABLE[i]!) / avgdl))));
  }
  return table;
}

/** One term's BM25 contribution: weight - weight / (1 + freq * normInverse), all in float. */
export function bm25TermScore(weight: number, freq: number, normInverse: number): number {
  return f(weight - f(weight / f(1 + f(freq * normInverse))));
}

/**
 * Float rounding makes a score differ from its exact value by a few units in
 * the last place; bounds computed in double are inflated by this factor so
 * they always stay above the float score.
 */
export const BOUND_SLACK = 1 + 1e-5;

/**
 * An upper bound of term t's score per unit of weight in one segment: the
 * largest 1 - 1 / (1 + maxFreq × normInverse(minNorm)) over its blocks, inflated by BOUND_SLACK.
 */
export function bm25UnitBound(d: InvertedFieldData, t: number, normInverse: Float32Array): number {
  let ub = 0;
  for (let b = d.blockStart[t]!; b < d.blockStart[t + 1]!; b++) {
    const u = 1 - 1 / (1 + d.blockMaxFreq[b]! * normInverse[d.blockMinNorm[b]!]!);
    if (u > ub) ub = u;
  }
  return ub * BOUND_SLACK;
}
