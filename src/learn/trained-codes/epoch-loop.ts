/**
 * The epoch loop the code trainers share: queries in a seeded random order, Adam steps on mini
 * batches, a validation measure after each epoch, early stopping after `patience` epochs without
 * a better one, and the best state kept, the starting state included, so that training never
 * returns something worse on validation than what it started from.
 */
import { noProgress, type ProgressFactory } from '../../core/progress.js';
import type { AdamSlot } from '../adam.js';

/** One epoch's mean loss and the validation measure after it. */
export interface TrainingEpoch {
  epoch: number;
  loss: number;
  metric: number;
}

/** What the loop needs from a trainer. */
export interface EpochLoop<State> {
  /** Training queries per epoch. */
  queries: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  /** The trainable arrays with their gradients (trainQuery adds into them). */
  slots: readonly AdamSlot[];
  /** Draws uniformly in [0, 1): the query order. */
  rand: () => number;
  /** Adds one query's gradients; returns its loss. */
  trainQuery: (query: number) => number;
  /** Runs before each epoch (e.g. to re-encode rows with the current parameters). */
  beforeEpoch?: () => void;
  /** The validation measure of the current parameters (higher is better). */
  measure: () => number;
  /** A copy of the current parameters, kept when they are the best so far. */
  snapshot: () => State;
  label: string;
  progress?: ProgressFactory;
  onEpoch?: (report: TrainingEpoch) => void;
}

/** What the loop returns: the start's measure, the best state and each epoch's figures. */
export interface EpochLoopResult<State> {
  initialMetric: number;
  best: { epoch: number; metric: number; state: State };
  epochs: TrainingEpoch[];
}

/** Runs the loop (see the file's header). */
export function runEpochs<State>(o: EpochLoop<State>): EpochLoopResult<State> {
  const nq = o.queries;
  const order = Int32Array.from({ length: nq }, (_, i) => i);
  const initialMetric = o.measure();
  let best = { epoch: 0, metric: initialMetric, state: o.snapshot() };
  const epochs: TrainingEpoch[] = [];
  const bar = (o.progress ?? noProgress)(o.label, o.epochs * nq, 'queries');
  let step = 0;
  let since = 0;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      o.beforeEpoch?.();
      for (let i = nq - 1; i > 0; i--) {
        const j = Math.floor(o.rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let sum = 0;
      for (let from = 0; from < nq; from += o.batchSize) {
        const to = Math.min(nq, from + o.batchSize);
        for (let i = from; i < to; i++) sum += o.trainQuery(order[i]!);
        step++;
        for (const slot of o.slots) slot.step(o.learningRate, step, 1 / (to - from));
        bar.update((epoch - 1) * nq + to, (epoch - 1) * nq + to, `loss ${(sum / to).toFixed(4)}`);
      }
      const metric = o.measure();
      const report = { epoch, loss: sum / nq, metric };
      epochs.push(report);
      o.onEpoch?.(report);
      if (metric > best.metric) {
        best = { epoch, metric, state: o.snapshot() };
        since = 0;
      } else if (++since >= o.patience) break;
    }
  } finally {
    bar.stop();
  }
  return { initialMetric, best, epochs };
}
