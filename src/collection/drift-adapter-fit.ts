/**
 * Fitting a drift adapter for a collection's dense field from a sample of its
 * documents embedded with the new model: each new vector is paired with the
 * vector the collection holds for the same document id. A share of the pairs
 * is held out to report how well the map works before it is saved (fitted
 * again on all pairs).
 */
import { QuarryError } from '../core/quarry-error.js';
import { dot, norm, normalizeRows } from '../kernels/dense-distance.js';
import { fitDriftAdapter, type DriftAdapterKind, type DriftAdapterOptions } from '../learn/drift/drift-adapter.js';
import { applyFieldAdapter, checkAdapterName, type FieldAdapter } from '../learn/drift/drift-adapter-file.js';
import type { Snapshot } from './snapshot/snapshot.js';

/** Settings of {@link fitFieldAdapter}. */
export interface FieldAdapterOptions extends Omit<DriftAdapterOptions, 'kind'> {
  name: string;
  kind?: DriftAdapterKind;
  /** Share of the pairs held out for the report (0 to 0.5; default 0.1). */
  holdout?: number;
}

/** How the map did on the held-out pairs (nulls when none were held out). */
export interface AdapterReport {
  pairs: number;
  heldOut: number;
  /** Mean cosine between a mapped new vector and the document's old vector. */
  meanCosine: number | null;
  /** Share of held-out mapped vectors whose own document comes first / in the top 10 of the field's index. */
  selfAt1: number | null;
  selfAt10: number | null;
  /** The same for the new vectors searched without a map (only when the dimensions agree). */
  unmapped: { meanCosine: number; selfAt1: number; selfAt10: number } | null;
}

function cosine(a: Float32Array, b: Float32Array): number {
  const na = norm(a, 0, a.length);
  const nb = norm(b, 0, b.length);
  return na > 0 && nb > 0 ? dot(a, 0, b, 0, a.length) / (na * nb) : 0;
}

/**
 * Fits adapter `opts.name` mapping `newVectors` (rows of `newDim`, the new
 * model's embeddings of documents `ids`) into dense field `field`.
 * `where(i)` names row i's origin for errors (e.g. "ids.txt:12").
 */
export function fitFieldAdapter(
  snapshot: Snapshot,
  field: string,
  newVectors: Float32Array,
  newDim: number,
  ids: readonly string[],
  opts: FieldAdapterOptions,
  where: (row: number) => { file?: string; line?: number } = () => ({}),
): { adapter: FieldAdapter; report: AdapterReport } {
  checkAdapterName(opts.name, 'name');
  const holdout = opts.holdout ?? 0.1;
  if (!(holdout >= 0 && holdout <= 0.5))
    throw new QuarryError('BAD_ARGUMENT', `holdout must be between 0 and 0.5, got ${holdout}`, { field: 'holdout' });
  if (newVectors.length !== ids.length * newDim)
    throw new QuarryError(
      'BAD_INPUT',
      `${newVectors.length / newDim} vectors for ${ids.length} ids`,
      { field: 'ids' },
      'one id per vector, in row order',
    );
  const old = snapshot.denseVectors(field);
  const spec = snapshot.schema.fields[field]!;
  const normalizeInput = spec.type === 'dense' && spec.metric === 'cosine';
  const rowOf = new Map<string, number>();
  old.ids.forEach((id, r) => rowOf.set(id, r));
  const n = ids.length;
  const y = new Float32Array(n * old.dim);
  for (let i = 0; i < n; i++) {
    const r = rowOf.get(ids[i]!);
    if (r === undefined)
      throw new QuarryError(
        'BAD_INPUT',
        `no live document "${ids[i]}" in the collection`,
        where(i),
        'give the ids of documents the collection holds, one per vector',
      );
    y.set(old.rows.subarray(r * old.dim, (r + 1) * old.dim), i * old.dim);
  }
  const x = newVectors.slice();
  if (normalizeInput) {
    // a cosine field's queries are directions: a zero vector has none to map
    for (let i = 0; i < n; i++) {
      if (norm(x, i * newDim, newDim) === 0)
        throw new QuarryError(
          'BAD_INPUT',
          `the vector of "${ids[i]}" is all zeros: it has no direction for a cosine field`,
          where(i),
          'leave it out of the sample',
        );
    }
    normalizeRows(x, newDim);
  }
  // Held-out pairs are spread evenly over the sample.
  const held: number[] = [];
  const kept: number[] = [];
  for (let i = 0; i < n; i++) (Math.floor((i + 1) * holdout) > Math.floor(i * holdout) ? held : kept).push(i);
  const gather = (rows: readonly number[], src: Float32Array, dim: number): Float32Array => {
    const out = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => out.set(src.subarray(r * dim, (r + 1) * dim), i * dim));
    return out;
  };
  // fitDriftAdapter reads the adapter settings and ignores name and holdout
  const fitOpts: DriftAdapterOptions = { ...opts, kind: opts.kind ?? 'procrustes' };
  const report: AdapterReport = { pairs: n, heldOut: held.length, meanCosine: null, selfAt1: null, selfAt10: null, unmapped: null };
  if (held.length > 0) {
    const trial = fitDriftAdapter(gather(kept, x, newDim), newDim, gather(kept, y, old.dim), old.dim, fitOpts);
    const score = (map: (v: Float32Array) => Float32Array): { meanCosine: number; selfAt1: number; selfAt10: number } => {
      let cos = 0;
      let at1 = 0;
      let at10 = 0;
      for (const i of held) {
        const mapped = map(x.subarray(i * newDim, (i + 1) * newDim));
        cos += cosine(mapped, y.subarray(i * old.dim, (i + 1) * old.dim)) / held.length;
        const hits = snapshot.searchVector(field, mapped, { k: 10, includeStored: false });
        const rank = hits.findIndex((h) => h.id === ids[i]);
        if (rank === 0) at1++;
        if (rank >= 0) at10++;
      }
      return { meanCosine: cos, selfAt1: at1 / held.length, selfAt10: at10 / held.length };
    };
    const mapped = score((v) => applyFieldAdapter({ ...trial, name: opts.name, field, normalizeInput }, v));
    report.meanCosine = mapped.meanCosine;
    report.selfAt1 = mapped.selfAt1;
    report.selfAt10 = mapped.selfAt10;
    if (newDim === old.dim) report.unmapped = score((v) => v);
  }
  const final = fitDriftAdapter(x, newDim, y, old.dim, fitOpts);
  return { adapter: { ...final, name: opts.name, field, normalizeInput }, report };
}
