/**
 * A dense field's trained codebook, saved with its collection as
 * `codebooks/<field>.v<version>.safetensors` by `quarry train-codes`: the IVF-PQ quantizer
 * trained for ranking (tensors `coarse` [nlist, dim] and `pq` [256 · dim], sub-centroid c of
 * subspace s at 256 · start(s) + c · len(s)) and, for JPQ, the query map (`query_matrix`
 * [dim, dim], `query_bias` [dim]), and metadata naming the method, the version, m and the
 * anisotropy η its codes are chosen with (1: nearest sub-centroids). Each training writes a new version; the schema names the
 * version the field's segments are encoded with, so a file is never changed once a commit
 * names it, and an older generation keeps reading its own.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryError } from '../../core/quarry-error.js';
import { ioError, writeFileAtomic } from '../../io/atomic-file.js';
import { encodeSafeTensors, readSafeTensors } from '../../io/safetensors.js';
import { productQuantizer } from '../../quantize/product-quantizer.js';
import type { IvfProductQuantizer } from '../../quantize/ivf-product-quantizer.js';
import { CODE_TRAINING_METHODS, type CodeTrainingMethod, type QueryMap } from './ivfpq-code-training.js';
import { BINARIZER_FORMAT, binarizerFromTensors, binarizerTensors, type BinaryCodebook } from './binarizer-file.js';

export type { BinaryCodebook } from './binarizer-file.js';

/** Folder of the trained codebooks inside a collection. */
export const CODEBOOKS_FOLDER = 'codebooks';
const FORMAT = 'quarry-ivfpq-codebook';

/** A trained IVF-PQ codebook and what it was trained by. */
export interface IvfPqCodebook {
  method: CodeTrainingMethod;
  version: number;
  quantizer: IvfProductQuantizer;
  queryMap: QueryMap | null;
}

/** A trained codebook of a dense field: an IVF-PQ quantizer or a binary field's binarizer. */
export type FieldCodebook = IvfPqCodebook | BinaryCodebook;

/** Whether a codebook is a binary field's binarizer. */
export function isBinaryCodebook(cb: FieldCodebook): cb is BinaryCodebook {
  return 'binarizer' in cb;
}

/** Where version `version` of field `field`'s codebook lives in collection `dir`. */
export function codebookPath(dir: string, field: string, version: number): string {
  return join(dir, CODEBOOKS_FOLDER, `${field}.v${version}.safetensors`);
}

/** The file name (inside the codebooks folder) of a field's codebook version. */
export function codebookFileName(field: string, version: number): string {
  return `${field}.v${version}.safetensors`;
}

/** Writes a codebook atomically (creating the codebooks folder); returns its path. */
export function writeCodebook(dir: string, field: string, cb: FieldCodebook): string {
  const folder = join(dir, CODEBOOKS_FOLDER);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (e) {
    throw ioError(folder, e);
  }
  if (isBinaryCodebook(cb)) {
    const { tensors, metadata } = binarizerTensors(cb);
    const at = codebookPath(dir, field, cb.version);
    writeFileAtomic(at, encodeSafeTensors(tensors, { ...metadata, field }));
    return at;
  }
  const { coarse, pq } = cb.quantizer;
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {
    coarse: { shape: [coarse.k, coarse.dim], data: coarse.centroids },
    pq: { shape: [256 * pq.dim], data: pq.centroids },
  };
  if (cb.queryMap !== null) {
    tensors.query_matrix = { shape: [pq.dim, pq.dim], data: cb.queryMap.matrix };
    tensors.query_bias = { shape: [pq.dim], data: cb.queryMap.bias };
  }
  const path = codebookPath(dir, field, cb.version);
  writeFileAtomic(
    path,
    encodeSafeTensors(tensors, {
      format: FORMAT,
      field,
      method: cb.method,
      version: String(cb.version),
      m: String(pq.m),
      ksub: String(pq.ksub),
      anisotropy: String(cb.quantizer.anisotropy ?? 1),
    }),
  );
  return path;
}

/**
 * Reads a codebook file and checks it against the field it is for (`dim`; `m` and `nlist` when the
 * field fixes them): a codebook of another shape is refused naming both shapes.
 */
export function readCodebookFile(
  path: string,
  expect: { field: string; dim: number; m?: number; nlist?: number; planes?: number },
): FieldCodebook {
  if (!existsSync(path))
    throw new QuarryError(
      'CORRUPT',
      'is missing',
      { file: path },
      `the schema names this codebook of field "${expect.field}"; restore the collection from a snapshot or train the codes again`,
    );
  const file = readSafeTensors(path);
  const meta = file.metadata;
  if (meta.format === BINARIZER_FORMAT) return binarizerFromTensors(path, file, expect);
  const coarse = file.info('coarse');
  const pq = file.info('pq');
  const m = Number(meta.m);
  const ksub = Number(meta.ksub);
  const version = Number(meta.version);
  const anisotropy = meta.anisotropy === undefined ? 1 : Number(meta.anisotropy);
  if (
    meta.format !== FORMAT ||
    !(meta.method !== undefined && meta.method in CODE_TRAINING_METHODS) ||
    !Number.isInteger(m) ||
    !Number.isInteger(version) ||
    !Number.isInteger(ksub) ||
    ksub < 1 ||
    ksub > 256 ||
    !(anisotropy >= 1) ||
    coarse?.shape.length !== 2 ||
    pq?.shape.length !== 1
  )
    throw new QuarryError('CORRUPT', 'is not an IVF-PQ codebook written by quarry train-codes', { file: path });
  const [nlist, dim] = coarse.shape as [number, number];
  const shape = `${nlist} cells, ${m} sub-quantizers of ${dim}-d vectors`;
  const mismatch = (what: string): never => {
    throw new QuarryError(
      'BAD_INPUT',
      `codebook shape (${shape}) does not match field "${expect.field}": ${what}`,
      { file: path },
      `train codes for this field with quarry train-codes --field ${expect.field}`,
    );
  };
  if (dim !== expect.dim) mismatch(`the field's vectors are ${expect.dim}-d`);
  if (pq.shape[0] !== 256 * dim || m < 1 || m > dim) mismatch(`pq holds ${pq.shape[0]} values for ${m} sub-quantizers`);
  if (expect.m !== undefined && expect.m !== m) mismatch(`the field's params ask for m = ${expect.m}`);
  if (expect.nlist !== undefined && expect.nlist !== nlist) mismatch(`the field's params ask for nlist = ${expect.nlist}`);
  let queryMap: QueryMap | null = null;
  const qm = file.info('query_matrix');
  if (qm !== undefined) {
    const qb = file.info('query_bias');
    if (qm.shape[0] !== dim || qm.shape[1] !== dim || qb?.shape[0] !== dim) mismatch(`its query map is not ${dim} x ${dim}`);
    queryMap = { matrix: file.floats('query_matrix'), bias: file.floats('query_bias') };
  }
  return {
    method: meta.method as CodeTrainingMethod,
    version,
    quantizer: {
      coarse: { dim, k: nlist, centroids: file.floats('coarse') },
      pq: productQuantizer(dim, m, ksub, file.floats('pq')),
      ...(anisotropy > 1 ? { anisotropy } : {}),
    },
    queryMap,
  };
}
