/**
 * Builds a Seismic index: static pruning of each term's posting list (a
 * global weight threshold keeping nPostings per list on average, capped at
 * maxFraction x nPostings), blocking of each pruned list by clustering its
 * documents (random centroids, assignment by inner product over the
 * document's kmeansDocCut largest terms), and per-block summaries (the
 * component-wise maximum of the block's documents, cut to summaryEnergy of
 * its L1 mass, quantized to 8 bits). Optionally a kNN graph of the documents.
 */
import { toFloat16 } from '../../kernels/float16.js';
import { QuarryError } from '../../io/quarry-error.js';
import type { SparseMatrix } from '../../io/sparse-matrix.js';
import { SEISMIC_BUILD_DEFAULTS, SEISMIC_SEARCH_DEFAULTS, type SeismicBuildParams } from './params.js';
import type { SeismicData } from './seismic-data.js';
import { SeismicIndex } from './search.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
}

/** Weight threshold keeping about `budget` of the values (histogram quantile). */
function globalThreshold(values: Float32Array, budget: number): number {
  if (budget >= values.length) return -Infinity;
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (max <= 0) return -Infinity;
  const BINS = 1 << 16;
  const hist = new Float64Array(BINS);
  for (const v of values) if (v > 0) hist[Math.min(BINS - 1, Math.floor((v / max) * BINS))]!++;
  let kept = 0;
  for (let b = BINS - 1; b >= 0; b--) {
    kept += hist[b]!;
    if (kept >= budget) return (b / BINS) * max;
  }
  return -Infinity;
}

/** Builds the index over the rows of `m`. */
export function buildSeismic(m: SparseMatrix, params: Partial<SeismicBuildParams> = {}, onProgress?: (done: number, total: number) => void): SeismicIndex {
  const p: SeismicBuildParams = { ...SEISMIC_BUILD_DEFAULTS, ...params };
  if (!(p.nPostings >= 1) || !(p.maxFraction >= 1) || !(p.centroidFraction > 0 && p.centroidFraction <= 1) || !(p.summaryEnergy > 0 && p.summaryEnergy <= 1)) {
    throw new QuarryError('BAD_ARGUMENT', 'need nPostings >= 1, maxFraction >= 1, 0 < centroidFraction <= 1, 0 < summaryEnergy <= 1', { field: 'params' });
  }
  const { rows, dim, indptr, indices, values } = m;
  const small = dim <= 65536;
  const random = rng(p.seed);

  // Forward index.
  const fwdTerms = small ? Uint16Array.from(indices) : Uint32Array.from(indices);
  const fwdValues = p.valueBits === 16 ? Uint16Array.from(values, (v) => toFloat16(v)) : Float32Array.from(values);

  // Postings per term (counting sort), then static pruning.
  const start = new Float64Array(dim + 1);
  for (let i = 0; i < indices.length; i++) start[indices[i]! + 1]!++;
  let nonEmpty = 0;
  for (let t = 0; t < dim; t++) if (start[t + 1]! > 0) nonEmpty++;
  for (let t = 0; t < dim; t++) start[t + 1]! += start[t]!;
  const fill = start.slice(0, dim);
  const pDocs = new Uint32Array(indices.length);
  const pVals = new Float32Array(indices.length);
  for (let r = 0; r < rows; r++) {
    for (let i = indptr[r]!; i < indptr[r + 1]!; i++) {
      const slot = fill[indices[i]!]!++;
      pDocs[slot] = r;
      pVals[slot] = values[i]!;
    }
  }
  const threshold = globalThreshold(values, p.nPostings * nonEmpty);
  const cap = Math.max(1, Math.floor(p.maxFraction * p.nPostings));

  const listStart = new Uint32Array(dim + 1);
  const blockStartArr: number[] = [0];
  const blockDocsArr: number[] = [];
  const sumStartArr: number[] = [0];
  const sumTermsArr: number[] = [];
  const sumCodesArr: number[] = [];
  const sumMinArr: number[] = [];
  const sumStepArr: number[] = [];

  // Scratch for clustering and summaries.
  let scoreBuf = new Float64Array(1);
  const termMax = new Float32Array(dim);
  const touchedTerms: number[] = [];

  for (let t = 0; t < dim; t++) {
    listStart[t] = blockStartArr.length - 1;
    const s = start[t]!;
    const e = start[t + 1]!;
    if (e === s) continue;
    let keep: number[] = [];
    for (let i = s; i < e; i++) if (pVals[i]! >= threshold) keep.push(i);
    if (keep.length === 0) continue;
    if (keep.length > cap) keep = keep.sort((a, b) => pVals[b]! - pVals[a]!).slice(0, cap);
    const docs = keep.map((i) => pDocs[i]!);
    const L = docs.length;
    const nc = Math.max(1, Math.min(L, Math.ceil(p.centroidFraction * L)));

    // Random centroids among the list's documents; inverted index over their terms.
    const centroids: number[] = [];
    const chosen = new Set<number>();
    while (centroids.length < nc) {
      const d = docs[Math.floor(random() * L)]!;
      if (!chosen.has(d)) {
        chosen.add(d);
        centroids.push(d);
      } else if (chosen.size >= L) break;
    }
    const cInv = new Map<number, { c: number; v: number }[]>();
    centroids.forEach((d, c) => {
      for (let i = indptr[d]!; i < indptr[d + 1]!; i++) {
        const term = indices[i]!;
        let l = cInv.get(term);
        if (l === undefined) cInv.set(term, (l = []));
        l.push({ c, v: values[i]! });
      }
    });
    if (scoreBuf.length < centroids.length) scoreBuf = new Float64Array(centroids.length * 2);
    const assign = new Int32Array(L);
    const sizes = new Int32Array(centroids.length);
    for (let j = 0; j < L; j++) {
      const d = docs[j]!;
      // The document's kmeansDocCut largest components.
      const comps: number[] = [];
      for (let i = indptr[d]!; i < indptr[d + 1]!; i++) comps.push(i);
      comps.sort((a, b) => values[b]! - values[a]!);
      const touched: number[] = [];
      for (const i of comps.slice(0, p.kmeansDocCut)) {
        const l = cInv.get(indices[i]!);
        if (l === undefined) continue;
        for (const { c, v } of l) {
          if (scoreBuf[c] === 0) touched.push(c);
          scoreBuf[c]! += v * values[i]!;
        }
      }
      let best = 0;
      let bestS = -Infinity;
      for (const c of touched) {
        if (scoreBuf[c]! > bestS) {
          bestS = scoreBuf[c]!;
          best = c;
        }
        scoreBuf[c] = 0;
      }
      assign[j] = best;
      sizes[best]!++;
    }
    // Clusters below minClusterSize go to one leftover block.
    const groups = new Map<number, number[]>();
    for (let j = 0; j < L; j++) {
      const c = sizes[assign[j]!]! < p.minClusterSize ? -1 : assign[j]!;
      let g = groups.get(c);
      if (g === undefined) groups.set(c, (g = []));
      g.push(docs[j]!);
    }
    for (const g of groups.values()) {
      g.sort((a, b) => a - b);
      for (const d of g) blockDocsArr.push(d);
      blockStartArr.push(blockDocsArr.length);
      // Summary: component-wise max, cut to summaryEnergy of the L1 mass, 8-bit quantized.
      touchedTerms.length = 0;
      for (const d of g) {
        for (let i = indptr[d]!; i < indptr[d + 1]!; i++) {
          const term = indices[i]!;
          if (termMax[term] === 0) touchedTerms.push(term);
          if (values[i]! > termMax[term]!) termMax[term] = values[i]!;
        }
      }
      touchedTerms.sort((a, b) => termMax[b]! - termMax[a]!);
      let total = 0;
      for (const term of touchedTerms) total += termMax[term]!;
      let acc = 0;
      let n = 0;
      while (n < touchedTerms.length && (n === 0 || acc < p.summaryEnergy * total)) acc += termMax[touchedTerms[n++]!]!;
      const kept = touchedTerms.slice(0, n).sort((a, b) => a - b);
      let lo = Infinity;
      let hi = -Infinity;
      for (const term of kept) {
        lo = Math.min(lo, termMax[term]!);
        hi = Math.max(hi, termMax[term]!);
      }
      const step = hi > lo ? (hi - lo) / 255 : 0;
      for (const term of kept) {
        sumTermsArr.push(term);
        // Round up so the quantized summary never underestimates (it is an upper bound).
        sumCodesArr.push(step > 0 ? Math.min(255, Math.ceil((termMax[term]! - lo) / step)) : 0);
      }
      sumMinArr.push(lo);
      sumStepArr.push(step);
      sumStartArr.push(sumTermsArr.length);
      for (const term of touchedTerms) termMax[term] = 0;
    }
    if ((t & 1023) === 0) onProgress?.(t, dim);
  }
  listStart[dim] = blockStartArr.length - 1;

  const data: SeismicData = {
    rows,
    dim,
    fwdStart: Float64Array.from(indptr),
    fwdTerms,
    fwdValues,
    listStart,
    blockStart: Uint32Array.from(blockStartArr),
    blockDocs: Uint32Array.from(blockDocsArr),
    sumStart: Uint32Array.from(sumStartArr),
    sumTerms: small ? Uint16Array.from(sumTermsArr) : Uint32Array.from(sumTermsArr),
    sumCodes: Uint8Array.from(sumCodesArr),
    sumMin: Float32Array.from(sumMinArr),
    sumStep: Float32Array.from(sumStepArr),
    knnK: 0,
    knn: new Uint32Array(0),
  };
  const index = new SeismicIndex(data, p);
  if (p.knn > 0) index.buildKnnGraph(p.knn, { ...SEISMIC_SEARCH_DEFAULTS, queryCut: 20, heapFactor: 0.9 });
  return index;
}
