/**
 * A binary field's trained binarizer as a `.safetensors` codebook (`codebooks/<field>.v<n>.safetensors`,
 * written by `quarry train-codes --method bebr`): tensors `centres` [k, dim] (field space), `scales`
 * [planes, coded] (the fitted start), the decoders `decoder` [planes · coded, coded], the plane encoders `w1` [planes · hidden, coded], `b1` [planes, hidden], `w2`
 * [planes · coded, hidden], `b2` [planes, coded], and `rotation` [coded, dim] when rows are embedded
 * before coding; metadata naming the method and version.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { planeEncoderShapeOk } from '../../quantize/plane-encoder.js';
import type { SafeTensors } from '../../io/safetensors.js';
import { embedCentres, type TrainedBinarizer } from './binarizer-training.js';

/** The `format` metadata of binarizer codebooks. */
export const BINARIZER_FORMAT = 'quarry-binary-binarizer';

/** Methods that train binarizers. */
export const BINARIZER_METHODS = {
  bebr: "BEBR: a recurrent MLP binarizer trained to reproduce the float index's ranking, no judgments needed (Gan et al. 2023)",
} as const;

/** A binarizer-training method's name. */
export type BinarizerMethod = keyof typeof BINARIZER_METHODS;

/** A binary field's trained binarizer and what trained it. */
export interface BinaryCodebook {
  method: BinarizerMethod;
  version: number;
  binarizer: TrainedBinarizer;
}

/** The tensors and metadata of a binarizer codebook. */
export function binarizerTensors(cb: BinaryCodebook): {
  tensors: Record<string, { shape: number[]; data: Float32Array }>;
  metadata: Record<string, string>;
} {
  const t = cb.binarizer;
  const b = t.binarizer;
  const e = b.encoder;
  const coded = b.dim;
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {
    centres: { shape: [t.centres.length / t.dim, t.dim], data: t.centres },
    scales: { shape: [b.planes, coded], data: b.scales },
    w1: { shape: [b.planes * e.hidden, coded], data: e.w1 },
    b1: { shape: [b.planes, e.hidden], data: e.b1 },
    w2: { shape: [b.planes * coded, e.hidden], data: e.w2 },
    b2: { shape: [b.planes, coded], data: e.b2 },
    decoder: { shape: [b.planes * coded, coded], data: b.decoder },
  };
  if (t.rotation !== null) tensors.rotation = { shape: [coded, t.dim], data: t.rotation };
  return {
    tensors,
    metadata: { format: BINARIZER_FORMAT, method: cb.method, version: String(cb.version), planes: String(b.planes) },
  };
}

/**
 * Reads a binarizer codebook and checks it against the field it is for (`dim`; `planes` when the
 * field's params fix them): one of another shape is refused naming both shapes.
 */
export function binarizerFromTensors(
  path: string,
  file: SafeTensors,
  expect: { field: string; dim: number; planes?: number },
): BinaryCodebook {
  const meta = file.metadata;
  const version = Number(meta.version);
  const planes = Number(meta.planes);
  const corrupt = (): never => {
    throw new QuarryError('CORRUPT', 'is not a binarizer written by quarry train-codes', { file: path });
  };
  if (!(meta.method !== undefined && meta.method in BINARIZER_METHODS) || !Number.isInteger(version) || !Number.isInteger(planes))
    corrupt();
  const info = (name: string, rank: number): number[] => {
    const i = file.info(name);
    if (i === undefined || i.shape.length !== rank) return corrupt();
    return i.shape;
  };
  const [k, dim] = info('centres', 2) as [number, number];
  const [scalePlanes, coded] = info('scales', 2) as [number, number];
  const [, hidden] = info('b1', 2) as [number, number];
  const mismatch = (what: string): never => {
    throw new QuarryError(
      'BAD_INPUT',
      `binarizer shape (${planes} planes of ${coded} bits for ${dim}-d vectors, ${k} centres) does not match field "${expect.field}": ${what}`,
      { file: path },
      `train the binarizer for this field with quarry train-codes --field ${expect.field} --method bebr`,
    );
  };
  if (dim !== expect.dim) mismatch(`the field's vectors are ${expect.dim}-d`);
  if (expect.planes !== undefined && expect.planes !== planes) mismatch(`the field's params ask for ${expect.planes} planes`);
  if (scalePlanes !== planes || k < 1 || coded < dim) corrupt();
  const rotation = file.info('rotation') === undefined ? null : file.floats('rotation');
  if (rotation !== null && rotation.length !== coded * dim) corrupt();
  if (rotation === null && coded !== dim) corrupt();
  const encoder = {
    planes,
    dim: coded,
    hidden,
    w1: file.floats('w1'),
    b1: file.floats('b1'),
    w2: file.floats('w2'),
    b2: file.floats('b2'),
  };
  if (!planeEncoderShapeOk(encoder)) corrupt();
  const decoder = file.info('decoder') === undefined ? null : file.floats('decoder');
  if (decoder?.length !== planes * coded * coded) corrupt();
  const centres = file.floats('centres');
  return {
    method: meta.method as BinarizerMethod,
    version,
    binarizer: {
      dim,
      rotation,
      centres,
      binarizer: {
        dim: coded,
        planes,
        centres: embedCentres(centres, dim, rotation),
        scales: file.floats('scales'),
        encoder,
        decoder: decoder!,
      },
    },
  };
}
