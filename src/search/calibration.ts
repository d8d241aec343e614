/**
 * Calibrated relevance filtering, after "Relevance Filtering for
 * Embedding-based Retrieval" (the Cosine Adapter): a query-dependent
 * monotone map from a raw score s to a probability of relevance,
 * p = σ(a·s + b), whose slope a = softplus(wa·f) > 0 and offset b = wb·f are
 * predicted from features f of the query's own score distribution (top
 * score, mean, spread, gaps) and of the query (its length). One global
 * threshold on p then adapts to each query's score scale. Fitted by
 * full-batch gradient descent (Adam) on the log loss of judged candidates.
 */

/** A fitted calibration, as saved with a collection. */
export interface CalibrationModel {
  version: 1;
  /** Candidates per query whose scores feed the features and the fit. */
  depth: number;
  /** The query spec template the model was fitted for ("$query" stands for the text). */
  spec: Record<string, unknown>;
  featureNames: string[];
  means: number[];
  stds: number[];
  wa: number[];
  wb: number[];
  /**
   * Mean and standard deviation of the fitted scores: scores are standardized with them
   * before the map, so the fit works alike on BM25 scores (tens) and cosines (below 1).
   * Absent in models fitted before it existed (scores then used as they are).
   */
  scoreMean?: number;
  scoreStd?: number;
}

/** One training query: its candidates' scores (best first) and 0/1 relevance labels. */
export interface CalibrationExample {
  scores: number[];
  labels: number[];
  queryLength: number;
}

const FEATURES = ['bias', 'top1', 'mean', 'std', 'top1-top10', 'top1-mean', 'log1p(query length)'];

/** Raw features of one query's candidate scores (before standardization). */
function rawFeatures(scores: readonly number[], queryLength: number): number[] {
  const n = scores.length;
  if (n === 0) return [1, 0, 0, 0, 0, 0, Math.log1p(queryLength)];
  let sum = 0;
  for (const s of scores) sum += s;
  const mean = sum / n;
  let v = 0;
  for (const s of scores) v += (s - mean) ** 2;
  const top1 = scores[0]!;
  return [1, top1, mean, Math.sqrt(v / n), top1 - scores[Math.min(9, n - 1)]!, top1 - mean, Math.log1p(queryLength)];
}

function standardize(f: number[], means: number[], stds: number[]): number[] {
  return f.map((x, i) => (i === 0 ? 1 : (x - means[i]!) / stds[i]!));
}

const softplus = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Probabilities of relevance for one query's candidate scores (best first). */
export function calibrate(model: CalibrationModel, scores: readonly number[], queryLength: number): number[] {
  const f = standardize(rawFeatures(scores.slice(0, model.depth), queryLength), model.means, model.stds);
  let za = 0;
  let zb = 0;
  for (let i = 0; i < f.length; i++) {
    za += model.wa[i]! * f[i]!;
    zb += model.wb[i]! * f[i]!;
  }
  const a = softplus(za);
  const mean = model.scoreMean ?? 0;
  const std = model.scoreStd ?? 1;
  return scores.map((s) => sigmoid((a * (s - mean)) / std + zb));
}

/** Fits a model on judged queries. */
export function fitCalibration(
  examples: readonly CalibrationExample[],
  opts: { depth: number; spec: Record<string, unknown>; epochs?: number; learningRate?: number; l2?: number },
): CalibrationModel {
  const raw = examples.map((e) => rawFeatures(e.scores, e.queryLength));
  const d = FEATURES.length;
  const means = new Array<number>(d).fill(0);
  const stds = new Array<number>(d).fill(1);
  for (let i = 1; i < d; i++) {
    const xs = raw.map((f) => f[i]!);
    const m = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length));
    means[i] = m;
    stds[i] = sd > 1e-9 ? sd : 1;
  }
  const feats = raw.map((f) => standardize(f, means, stds));
  let count = 0;
  let sum = 0;
  for (const e of examples)
    for (const x of e.scores) {
      sum += x;
      count++;
    }
  const scoreMean = count > 0 ? sum / count : 0;
  let ss = 0;
  for (const e of examples) for (const x of e.scores) ss += (x - scoreMean) ** 2;
  const scoreStd = count > 0 && ss > 0 ? Math.sqrt(ss / count) : 1;
  const wa = new Array<number>(d).fill(0);
  const wb = new Array<number>(d).fill(0);
  wb[0] = -2;
  const params = [wa, wb];
  const m1 = params.map(() => new Array<number>(d).fill(0));
  const m2 = params.map(() => new Array<number>(d).fill(0));
  const lr = opts.learningRate ?? 0.05;
  const l2 = opts.l2 ?? 1e-3;
  const epochs = opts.epochs ?? 400;
  let pairs = 0;
  for (const e of examples) pairs += e.scores.length;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const ga = new Array<number>(d).fill(0);
    const gb = new Array<number>(d).fill(0);
    examples.forEach((e, q) => {
      const f = feats[q]!;
      let za = 0;
      let zb = 0;
      for (let i = 0; i < d; i++) {
        za += wa[i]! * f[i]!;
        zb += wb[i]! * f[i]!;
      }
      const a = softplus(za);
      const da = sigmoid(za); // d softplus / d za
      let sumA = 0;
      let sumB = 0;
      e.scores.forEach((raw, j) => {
        const s = (raw - scoreMean) / scoreStd;
        const err = sigmoid(a * s + zb) - e.labels[j]!; // d loss / d logit
        sumA += err * s;
        sumB += err;
      });
      for (let i = 0; i < d; i++) {
        ga[i]! += (sumA * da * f[i]!) / pairs;
        gb[i]! += (sumB * f[i]!) / pairs;
      }
    });
    [ga, gb].forEach((g, p) => {
      const w = params[p]!;
      for (let i = 0; i < d; i++) {
        const grad = g[i]! + l2 * w[i]!;
        m1[p]![i] = 0.9 * m1[p]![i]! + 0.1 * grad;
        m2[p]![i] = 0.999 * m2[p]![i]! + 0.001 * grad * grad;
        const mh = m1[p]![i]! / (1 - 0.9 ** epoch);
        const vh = m2[p]![i]! / (1 - 0.999 ** epoch);
        w[i]! -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
      }
    });
  }
  return { version: 1, depth: opts.depth, spec: opts.spec, featureNames: FEATURES, means, stds, wa, wb, scoreMean, scoreStd };
}

/** Mean log loss of a model on examples (for reporting). */
export function calibrationLoss(model: CalibrationModel, examples: readonly CalibrationExample[]): number {
  let loss = 0;
  let n = 0;
  for (const e of examples) {
    const p = calibrate(model, e.scores, e.queryLength);
    p.forEach((x, j) => {
      const c = Math.min(1 - 1e-12, Math.max(1e-12, x));
      loss -= e.labels[j]! ? Math.log(c) : Math.log(1 - c);
      n++;
    });
  }
  return loss / Math.max(1, n);
}
