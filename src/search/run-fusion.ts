/**
 * Fusion of whole TREC runs, query by query: reciprocal rank fusion (Cormack,
 * Clarke & Büttcher, SIGIR 2009), CombSUM and CombMNZ (Fox & Shaw, TREC-2 1994)
 * over the same formulas the query pipeline fuses its legs with.
 *
 * Ranks are the ones trec_eval gives a run (score descending, ties by docno
 * descending), not the file's rank column, so a run means the same thing here as
 * to the evaluator; the fused run is written in that order too.
 */
import { compareBytes, type RunData } from '../eval/index.js';
import { QuarryError } from '../core/quarry-error.js';
import { fuseCombMnz, fuseRrf, fuseWeighted, type Fused, type LegResult } from './fusion.js';

/** A run and the name its errors are reported under (its file). */
export interface NamedRun {
  name: string;
  run: RunData;
}

/** How runs are fused. */
export interface RunFusionOptions {
  /** `rrf`: sum of weight / (rrfK + rank); `weighted`: CombSUM of normalized scores; `mnz`: CombMNZ. Default rrf. */
  method?: 'rrf' | 'weighted' | 'mnz';
  /** RRF's rank constant (default 60). */
  rrfK?: number;
  /** One weight per run (default 1 each). Pyserini's interpolation is weighted with α, 1 − α and `normalize: 'none'`; its average, weights 1/n. */
  weights?: readonly number[];
  /** Score normalization per run and query for `weighted` and `mnz` (default minmax). */
  normalize?: 'minmax' | 'zscore' | 'none';
  /** Documents taken from each run per query (default all). */
  depth?: number;
  /** Documents kept per query in the fused run (default 1000). */
  k?: number;
}

/** One run's documents for a query, in trec_eval's order, cut to `depth`; duplicates are an error naming the run. */
function rankedLeg(name: string, qid: string, docnos: readonly string[], scores: readonly number[], depth: number): number[] {
  const order = docnos.map((_, i) => i);
  order.sort((a, b) => (scores[a]! > scores[b]! ? -1 : scores[a]! < scores[b]! ? 1 : compareBytes(docnos[b]!, docnos[a]!)));
  const seen = new Set<string>();
  for (const i of order) {
    if (seen.has(docnos[i]!))
      throw new QuarryError(
        'BAD_INPUT',
        `document ${docnos[i]} is retrieved twice for query ${qid}`,
        { file: name },
        'a run lists each document at most once per query, as trec_eval requires',
      );
    seen.add(docnos[i]!);
  }
  return order.length > depth ? order.slice(0, depth) : order;
}

/**
 * Fuses runs query by query. Every query of any run is in the result (a run that
 * lacks a query simply adds nothing to it), in the order queries first appear.
 */
export function fuseRuns(runs: readonly NamedRun[], opts: RunFusionOptions = {}): RunData {
  const method = opts.method ?? 'rrf';
  const rrfK = opts.rrfK ?? 60;
  const normalize = opts.normalize ?? 'minmax';
  const depth = opts.depth ?? Infinity;
  const k = opts.k ?? 1000;
  const weights = opts.weights ?? runs.map(() => 1);
  if (runs.length === 0) throw new QuarryError('BAD_ARGUMENT', 'no runs to fuse', { field: 'runs' });
  if (weights.length !== runs.length)
    throw new QuarryError(
      'BAD_ARGUMENT',
      `${weights.length} weights for ${runs.length} runs`,
      { field: 'weights' },
      'give one weight per run, in the order of the runs',
    );
  weights.forEach((w, i) => {
    if (!Number.isFinite(w)) throw new QuarryError('BAD_ARGUMENT', `weight ${i + 1} is ${w}, not a finite number`, { field: 'weights' });
  });
  if (!(rrfK >= 0) || !Number.isFinite(rrfK))
    throw new QuarryError('BAD_ARGUMENT', `must be a number >= 0, got ${rrfK}`, { field: 'rrfK' }, 'Cormack et al. use 60');
  if (!(depth >= 1)) throw new QuarryError('BAD_ARGUMENT', `must be at least 1, got ${depth}`, { field: 'depth' });
  if (!Number.isInteger(k) || k < 1) throw new QuarryError('BAD_ARGUMENT', `must be an integer >= 1, got ${k}`, { field: 'k' });

  const qids = new Set<string>();
  for (const { run } of runs) for (const qid of run.keys()) qids.add(qid);
  const fused: RunData = new Map();
  for (const qid of qids) {
    const docnos: string[] = [];
    const numbers = new Map<string, number>();
    const legs: LegResult[] = runs.map(({ name, run }, ri) => {
      const q = run.get(qid);
      if (q === undefined) return { docs: [], scores: [], weight: weights[ri]! };
      const order = rankedLeg(name, qid, q.docnos, q.scores, depth);
      const docs = new Int32Array(order.length);
      const scores = new Float64Array(order.length);
      order.forEach((i, r) => {
        const docno = q.docnos[i]!;
        let d = numbers.get(docno);
        if (d === undefined) {
          d = docnos.length;
          numbers.set(docno, d);
          docnos.push(docno);
        }
        docs[r] = d;
        scores[r] = q.scores[i]!;
      });
      return { docs, scores, weight: weights[ri]! };
    });
    const result: Fused =
      method === 'rrf' ? fuseRrf(legs, rrfK) : method === 'mnz' ? fuseCombMnz(legs, normalize) : fuseWeighted(legs, normalize);
    const ranked = [...result.scores.entries()];
    ranked.sort((a, b) => (a[1] > b[1] ? -1 : a[1] < b[1] ? 1 : compareBytes(docnos[b[0]]!, docnos[a[0]]!)));
    const kept = ranked.length > k ? ranked.slice(0, k) : ranked;
    fused.set(qid, { docnos: kept.map(([d]) => docnos[d]!), scores: kept.map(([, s]) => s) });
  }
  return fused;
}
