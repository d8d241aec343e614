/**
 * A collection's drift adapters (`adapters/<name>.safetensors`, written by
 * `quarry adapter`): maps from a newer embedding model's vectors into a dense
 * field's space, named in queries (`{"field", "vector", "adapter": name}`).
 * The file is plain safetensors (tensors `matrix` and `bias`, and for MLP
 * adapters `mlp_in`, `mlp_in_bias`, `mlp_out`), so it can be used from Python
 * as well.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ioError, writeFileAtomic } from '../../io/atomic-file.js';
import { QuarryError } from '../../core/quarry-error.js';
import { normalizeRows } from '../../kernels/dense-distance.js';
import { encodeSafeTensors, readSafeTensors } from '../../io/safetensors.js';
import { applyDriftAdapter, DRIFT_ADAPTER_KINDS, type DriftAdapter, type DriftAdapterKind } from './drift-adapter.js';
import type { ResidualMlp } from './drift-mlp.js';

/** Folder of the adapters inside a collection. */
export const ADAPTERS_FOLDER = 'adapters';
const FORMAT = 'quarry-drift-adapter';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** A drift adapter saved with a collection: the map and the dense field it maps into. */
export interface FieldAdapter extends DriftAdapter {
  name: string;
  field: string;
  /** Input vectors are scaled to unit length before the map (as they were when it was fitted; cosine fields). */
  normalizeInput: boolean;
}

/** Throws unless `name` can name an adapter file (letters, digits, _ . -; no paths). */
export function checkAdapterName(name: string, where = 'adapter'): void {
  if (!NAME.test(name))
    throw new QuarryError(
      'BAD_ARGUMENT',
      `"${name}" is not an adapter name`,
      { field: where },
      'use letters, digits, "_", "." and "-" (up to 100), starting with a letter or digit',
    );
}

function adapterPath(dir: string, name: string): string {
  return join(dir, ADAPTERS_FOLDER, `${name}.safetensors`);
}

/** Saves an adapter with the collection (atomically replacing one of the same name). */
export function writeFieldAdapter(dir: string, adapter: FieldAdapter): string {
  checkAdapterName(adapter.name);
  const folder = join(dir, ADAPTERS_FOLDER);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (e) {
    throw ioError(folder, e);
  }
  const path = adapterPath(dir, adapter.name);
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {
    matrix: { shape: [adapter.outputDim, adapter.inputDim], data: adapter.matrix },
    bias: { shape: [adapter.outputDim], data: adapter.bias },
  };
  const mlp = adapter.mlp ?? null;
  if (mlp !== null) {
    tensors.mlp_in = { shape: [mlp.hidden, adapter.inputDim], data: mlp.inWeights };
    tensors.mlp_in_bias = { shape: [mlp.hidden], data: mlp.inBias };
    tensors.mlp_out = { shape: [adapter.outputDim, mlp.hidden], data: mlp.outWeights };
  }
  writeFileAtomic(
    path,
    encodeSafeTensors(tensors, {
      format: FORMAT,
      version: '1',
      field: adapter.field,
      kind: adapter.kind,
      normalizeInput: String(adapter.normalizeInput),
    }),
  );
  return path;
}

/** Reads the adapter `name` of the collection in `dir`. */
export function readFieldAdapter(dir: string, name: string): FieldAdapter {
  checkAdapterName(name);
  const path = adapterPath(dir, name);
  if (!existsSync(path)) {
    const known = listFieldAdapters(dir);
    throw new QuarryError(
      'NOT_FOUND',
      `the collection has no adapter "${name}"`,
      { field: 'adapter' },
      known.length > 0 ? `adapters: ${known.join(', ')}` : 'fit one with quarry adapter',
    );
  }
  const file = readSafeTensors(path);
  const { format, field, kind, normalizeInput } = file.metadata;
  const matrixInfo = file.info('matrix');
  const biasInfo = file.info('bias');
  if (
    format !== FORMAT ||
    field === undefined ||
    (normalizeInput !== 'true' && normalizeInput !== 'false') ||
    !DRIFT_ADAPTER_KINDS.includes(kind as DriftAdapterKind) ||
    matrixInfo?.shape.length !== 2 ||
    biasInfo?.shape.length !== 1 ||
    biasInfo.shape[0] !== matrixInfo.shape[0]
  ) {
    throw new QuarryError(
      'CORRUPT',
      'is not a drift adapter written by quarry adapter',
      { file: path },
      'fit it again with quarry adapter',
    );
  }
  const [outputDim, inputDim] = matrixInfo.shape as [number, number];
  let mlp: ResidualMlp | null = null;
  if (kind === 'mlp') {
    const inW = file.info('mlp_in');
    const inB = file.info('mlp_in_bias');
    const outW = file.info('mlp_out');
    const hidden = inW?.shape[0] ?? 0;
    if (inW?.shape[1] !== inputDim || inB?.shape[0] !== hidden || outW?.shape[0] !== outputDim || outW.shape[1] !== hidden || hidden < 1) {
      throw new QuarryError(
        'CORRUPT',
        'is an MLP adapter without consistent mlp_in, mlp_in_bias and mlp_out tensors',
        { file: path },
        'fit it again with quarry adapter',
      );
    }
    mlp = { hidden, inWeights: file.floats('mlp_in'), inBias: file.floats('mlp_in_bias'), outWeights: file.floats('mlp_out') };
  }
  return {
    name,
    field,
    kind: kind as DriftAdapterKind,
    normalizeInput: normalizeInput === 'true',
    inputDim,
    outputDim,
    matrix: file.floats('matrix'),
    bias: file.floats('bias'),
    mlp,
  };
}

/** Names of the collection's adapters, sorted. */
export function listFieldAdapters(dir: string): string[] {
  const folder = join(dir, ADAPTERS_FOLDER);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith('.safetensors'))
    .map((f) => f.slice(0, -'.safetensors'.length))
    .sort();
}

/** Maps a new-model vector with a saved adapter (normalizing it first when the adapter was fitted on unit vectors). */
export function applyFieldAdapter(adapter: FieldAdapter, vector: ArrayLike<number>): Float32Array {
  if (!adapter.normalizeInput) return applyDriftAdapter(adapter, vector);
  const unit = Float32Array.from(vector);
  normalizeRows(unit, unit.length);
  return applyDriftAdapter(adapter, unit);
}
