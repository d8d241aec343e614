/**
 * Builds a segment's multi-vector store: every document's token vectors in
 * one array with row offsets (normalized per token for cosine), stored as
 * float32 or int8 (symmetric, one scale per token), plus the MUVERA
 * encodings indexed by a dense family when the field asks for them.
 */
import { normalizeRows } from '../../kernels/dense-distance.js';
import { buildDense } from '../dense/dense-registry.js';
import type { DenseIndex, DenseSearchOptions } from '../dense/dense-types.js';
import { FdeEncoder } from './fde.js';
import type { MuveraParams, TokenStorage } from './params.js';
import { MultiVectorIndex, type MultiVectorData } from './multivector-index.js';

/** Field settings a build needs. */
export interface MultiVectorBuildParams {
  dim: number;
  metric: 'dot' | 'cosine';
  storage: TokenStorage;
  muvera: MuveraParams | null;
  /** The tokens are already as stored (normalized for cosine): merges pass dequantized tokens, whose scales must be kept. */
  prenormalized?: boolean;
}

/**
 * Builds the store from `tokens` (rows of dim; documents' tokens one after
 * another) and `offsets` (documents + 1 entries: document d owns rows
 * offsets[d] .. offsets[d+1]). `tokens` is normalized in place for cosine.
 */
export function buildMultiVector(tokens: Float32Array, offsets: Uint32Array, p: MultiVectorBuildParams): MultiVectorIndex {
  const { dim } = p;
  const rows = offsets[offsets.length - 1]!;
  if (p.metric === 'cosine' && p.prenormalized !== true) normalizeRows(tokens.subarray(0, rows * dim), dim);
  let fde: DenseIndex<DenseSearchOptions & Record<string, unknown>> | null = null;
  let columns: Float32Array | null = null;
  if (p.muvera !== null) {
    const enc = new FdeEncoder(dim, p.muvera);
    const docs = offsets.length - 1;
    const encoded = new Float32Array(docs * enc.dim);
    const out = new Float32Array(enc.dim);
    for (let d = 0; d < docs; d++) {
      const a = offsets[d]!;
      enc.encodeDocument(tokens.subarray(a * dim, offsets[d + 1]! * dim), offsets[d + 1]! - a, out);
      encoded.set(out, d * enc.dim);
    }
    if (p.muvera.index === 'columnar') {
      columns = new Float32Array(encoded.length);
      for (let d = 0; d < docs; d++) for (let j = 0; j < enc.dim; j++) columns[j * docs + d] = encoded[d * enc.dim + j]!;
    } else fde = buildDense(p.muvera.index, encoded, enc.dim, 'dot', p.muvera.params);
  }
  const data: MultiVectorData = {
    dim,
    metric: p.metric,
    storage: p.storage,
    offsets,
    floats: null,
    codes: null,
    bits: null,
    scales: null,
    fdeColumns: columns,
  };
  if (p.storage === 'float32') data.floats = tokens.subarray(0, rows * dim);
  else if (p.storage === 'binary') {
    const words = (dim + 31) >>> 5;
    data.bits = new Uint32Array(rows * words);
    data.scales = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let abs = 0;
      for (let j = 0; j < dim; j++) {
        const x = tokens[r * dim + j]!;
        abs += Math.abs(x);
        if (x > 0) data.bits[r * words + (j >>> 5)]! |= 1 << (j & 31);
      }
      data.scales[r] = abs / dim;
    }
  } else {
    data.codes = new Int8Array(rows * dim);
    data.scales = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let max = 0;
      for (let j = 0; j < dim; j++) max = Math.max(max, Math.abs(tokens[r * dim + j]!));
      const scale = max > 0 ? max / 127 : 1;
      data.scales[r] = scale;
      for (let j = 0; j < dim; j++) data.codes[r * dim + j] = Math.round(tokens[r * dim + j]! / scale);
    }
  }
  return new MultiVectorIndex(data, fde, p.muvera);
}
