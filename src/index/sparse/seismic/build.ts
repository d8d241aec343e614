/**
 * Builds a Seismic index: static pruning of each term's posting list (a
 * global weight threshold keeping nPostings per list on average, capped at
 * maxFraction x nPostings), blocking of each pruned list by clustering its
 * documents (random centroids, assignment by inner product over the
 * document's kmeansDocCut largest terms), and per-block summaries (the
 * component-wise maximum of the block's documents, cut to summaryEnergy of
 * its L1 mass, quantized to 8 bits). Optionally a kNN graph of the documents.
 */
import { xorshift32 } from '../../../kernels/xorshift.js';
import { toFloat16 } from '../../../kernels/float16.js';
import { checkParamRanges } from '../../param-ranges.js';
import type { SparseMatrix } from '../../../kernels/sparse-matrix.js';
import { SEISMIC_BUILD_DEFAULTS, SEISMIC_PARAM_RANGES, SEISMIC_SEARCH_DEFAULTS, type SeismicBuildParams } from './params.js';
import type { SeismicData } from './seismic-data.js';
import { GrowableF32, GrowableU32, GrowableU8 } from '../../../kernels/growable-arrays.js';
import { SeismicIndex } from './seismic-index.js';

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
export function buildSeismic(
  m: SparseMatrix,
  params: Partial<SeismicBuildParams> = {},
  onProgress?: (done: number, total: number) => void,
): SeismicIndex {
  const p: SeismicBuildParams = { ...SEISMIC_BUILD_DEFAULTS, ...params };
  checkParamRanges(SEISMIC_PARAM_RANGES, p, null);
  const { rows, dim, indptr, indices, values } = m;
  const small = dim <= 65536;
  const random = xorshift32(p.seed);

  // Forward index.
  // Typed-array copies (not .from(), which would iterate through a JS array of every value).
  const fwdTerms = small ? new Uint16Array(indices) : new Uint32Array(indices);
  let fwdValues: Uint16Array | Float32Array;
  if (p.valueBits === 16) {
    fwdValues = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) fwdValues[i] = toFloat16(values[i]!);
  } else fwdValues = new Float32Array(values);

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
  const blockStartArr = new GrowableU32();
  blockStartArr.push(0);
  const blockDocsArr = new GrowableU32();
  const sumStartArr = new GrowableU32();
  sumStartArr.push(0);
  const sumTermsArr = new GrowableU32();
  const sumCodesArr = new GrowableU8();
  const sumMinArr = new GrowableF32();
  const sumStepArr = new GrowableF32();
  const energyHist = new Float64Array(256);

  // Each document's kmeansDocCut largest components, computed once (used for cluster assignment).
  const cut = p.kmeansDocCut;
  const topStart = new Float64Array(rows + 1);
  for (let r = 0; r < rows; r++) topStart[r + 1] = topStart[r]! + Math.min(cut, indptr[r + 1]! - indptr[r]!);
  const topTerm = new Uint32Array(topStart[rows]!);
  const topVal = new Float32Array(topStart[rows]!);
  {
    const comps: number[] = [];
    for (let r = 0; r < rows; r++) {
      comps.length = 0;
      for (let i = indptr[r]!; i < indptr[r + 1]!; i++) comps.push(i);
      if (comps.length > cut) comps.sort((a, b) => values[b]! - values[a]!);
      for (let j = 0; j < Math.min(cut, comps.length); j++) {
        topTerm[topStart[r]! + j] = indices[comps[j]!]!;
        topVal[topStart[r]! + j] = values[comps[j]!]!;
      }
    }
  }
  // Centroid inverted index as linked lists over term ids (reset after each list).
  const head = new Int32Array(dim).fill(-1);
  let linkNext = new Int32Array(1024);
  let linkCentroid = new Int32Array(1024);
  let linkValue = new Float32Array(1024);
  const usedTerms: number[] = [];

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
    let links = 0;
    // Centroids are represented by their kmeansDocCut largest components too,
    // which keeps assignment linear in the list length.
    centroids.forEach((d, c) => {
      for (let i = topStart[d]!; i < topStart[d + 1]!; i++) {
        const term = topTerm[i]!;
        if (links === linkNext.length) {
          const grow = <T extends Int32Array | Float32Array>(x: T): T => {
            const y = new (x.constructor as new (n: number) => T)(x.length * 2);
            y.set(x);
            return y;
          };
          linkNext = grow(linkNext);
          linkCentroid = grow(linkCentroid);
          linkValue = grow(linkValue);
        }
        if (head[term] === -1) usedTerms.push(term);
        linkNext[links] = head[term]!;
        linkCentroid[links] = c;
        linkValue[links] = topVal[i]!;
        head[term] = links++;
      }
    });
    if (scoreBuf.length < centroids.length) scoreBuf = new Float64Array(centroids.length * 2);
    const assign = new Int32Array(L);
    const sizes = new Int32Array(centroids.length);
    const touched: number[] = [];
    for (let j = 0; j < L; j++) {
      const d = docs[j]!;
      touched.length = 0;
      for (let i = topStart[d]!; i < topStart[d + 1]!; i++) {
        const dv = topVal[i]!;
        for (let l = head[topTerm[i]!]!; l !== -1; l = linkNext[l]!) {
          const c = linkCentroid[l]!;
          if (scoreBuf[c] === 0) touched.push(c);
          scoreBuf[c]! += dv * linkValue[l]!;
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
    for (const term of usedTerms) head[term] = -1;
    usedTerms.length = 0;
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
      // Keep the largest components holding summaryEnergy of the L1 mass: a
      // 256-bucket histogram of the values finds the cut in linear time.
      let total = 0;
      let top = 0;
      for (const term of touchedTerms) {
        total += termMax[term]!;
        if (termMax[term]! > top) top = termMax[term]!;
      }
      energyHist.fill(0);
      for (const term of touchedTerms) energyHist[Math.min(255, Math.floor((termMax[term]! / top) * 256))]! += termMax[term]!;
      let acc = 0;
      let cutBucket = 255;
      for (; cutBucket > 0; cutBucket--) {
        acc += energyHist[cutBucket]!;
        if (acc >= p.summaryEnergy * total) break;
      }
      const cutValue = (cutBucket / 256) * top;
      const kept = touchedTerms.filter((term) => termMax[term]! >= cutValue);
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
    fwdStart: new Float64Array(indptr),
    fwdTerms,
    fwdValues,
    listStart,
    blockStart: blockStartArr.view().slice(),
    blockDocs: blockDocsArr.view().slice(),
    sumStart: sumStartArr.view().slice(),
    sumTerms: small ? new Uint16Array(sumTermsArr.view()) : sumTermsArr.view().slice(),
    sumCodes: sumCodesArr.view().slice(),
    sumMin: sumMinArr.view().slice(),
    sumStep: sumStepArr.view().slice(),
    knnK: 0,
    knn: new Uint32Array(0),
  };
  const index = new SeismicIndex(data, p);
  if (p.knn > 0) index.buildKnnGraph(p.knn, { ...SEISMIC_SEARCH_DEFAULTS, queryCut: 20, heapFactor: 0.9 });
  return index;
}
