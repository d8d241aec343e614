/**
 * Learned-sparse vector files: Seismic's JSONL (`{id, content, vector:
 * {token: weight}}`), Seismic's binary format (u32 count; per vector u32
 * length, u32 term ids, f32 values) and the BigANN 2023 sparse-track CSR
 * (`.csr`: int64 rows, cols, nnz; int64 indptr; int32 indices; float32 data).
 */
import { readFileSync } from 'node:fs';
import { ioError } from './atomic-file.js';
import { forEachJsonObject } from './jsonl.js';
import { QuarryError } from '../core/quarry-error.js';
import { normalizeSparse, sparseMatrixOf, type SparseMatrix, type SparseVector } from '../kernels/sparse-matrix.js';

/** A string-token vocabulary that grows as tokens are seen (or is fixed). */
export class TokenVocabulary {
  readonly ids = new Map<string, number>();
  readonly tokens: string[] = [];

  constructor(
    tokens: Iterable<string> = [],
    private readonly frozen = false,
  ) {
    for (const t of tokens) {
      if (!this.ids.has(t)) {
        this.ids.set(t, this.tokens.length);
        this.tokens.push(t);
      }
    }
  }

  /** Id of a token (added when the vocabulary is not frozen; -1 when unknown and frozen). */
  idOf(token: string): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      if (this.frozen) return -1;
      id = this.tokens.length;
      this.ids.set(token, id);
      this.tokens.push(token);
    }
    return id;
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Turns `{token: weight}` into a sparse vector (unknown tokens of a frozen vocabulary are dropped). */
  encode(obj: Record<string, unknown>, where: { file?: string; line?: number; field: string }): SparseVector {
    const ids: number[] = [];
    const vals: number[] = [];
    for (const [token, w] of Object.entries(obj)) {
      if (typeof w !== 'number' || !Number.isFinite(w))
        throw new QuarryError('BAD_INPUT', `weight of "${token}" is ${JSON.stringify(w)}, not a finite number`, where);
      const id = this.idOf(token);
      if (id < 0) continue;
      ids.push(id);
      vals.push(w);
    }
    return normalizeSparse(ids, vals, where.field);
  }
}

/** Reads Seismic JSONL documents or queries into a matrix, with their ids and the vocabulary. */
export function readSeismicJsonl(
  path: string,
  vocab = new TokenVocabulary(),
): { ids: string[]; matrix: SparseMatrix; vocab: TokenVocabulary } {
  const ids: string[] = [];
  const rows: SparseVector[] = [];
  forEachJsonObject(path, (rec, line) => {
    const id = rec.id ?? rec._id;
    if ((typeof id !== 'string' && typeof id !== 'number') || id === '')
      throw new QuarryError('BAD_INPUT', 'record has no "id"', { file: path, line });
    const v = rec.vector;
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new QuarryError('BAD_INPUT', 'expected "vector": {token: weight}', { file: path, line, field: 'vector' });
    ids.push(String(id));
    rows.push(vocab.encode(v as Record<string, unknown>, { file: path, line, field: 'vector' }));
  });
  if (rows.length === 0) throw new QuarryError('EMPTY', 'no vectors in file', { file: path });
  return { ids, matrix: sparseMatrixOf(rows, vocab.size), vocab };
}

function load(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw ioError(path, e);
  }
}

/** Reads Seismic's binary sparse format. */
export function readSeismicBinary(path: string): SparseMatrix {
  const buf = load(path);
  const bad = (why: string): never => {
    throw new QuarryError('BAD_INPUT', why, { file: path }, 'expected u32 count, then per vector u32 length, u32 ids, f32 values');
  };
  if (buf.length < 4) bad('file too short');
  const n = buf.readUInt32LE(0);
  let off = 4;
  const rows: SparseVector[] = [];
  for (let r = 0; r < n; r++) {
    if (off + 4 > buf.length) bad(`truncated at vector ${r}`);
    const len = buf.readUInt32LE(off);
    off += 4;
    if (off + 8 * len > buf.length) bad(`vector ${r}: length ${len} runs past the end of the file`);
    const ids = new Uint32Array(len);
    const vals = new Float32Array(len);
    for (let i = 0; i < len; i++) ids[i] = buf.readUInt32LE(off + 4 * i);
    for (let i = 0; i < len; i++) vals[i] = buf.readFloatLE(off + 4 * len + 4 * i);
    off += 8 * len;
    rows.push(normalizeSparse(ids, vals, `vector ${r}`));
  }
  if (off !== buf.length) bad(`${buf.length - off} bytes after the last vector`);
  return sparseMatrixOf(rows);
}

/** Reads a BigANN 2023 sparse-track `.csr` file. */
export function readCsr(path: string): SparseMatrix {
  const buf = load(path);
  if (buf.length < 24) throw new QuarryError('BAD_INPUT', 'file too short for a CSR header', { file: path });
  const rows = Number(buf.readBigInt64LE(0));
  const cols = Number(buf.readBigInt64LE(8));
  const nnz = Number(buf.readBigInt64LE(16));
  const expected = 24 + 8 * (rows + 1) + 4 * nnz + 4 * nnz;
  if (rows < 0 || cols < 0 || nnz < 0 || buf.length !== expected) {
    throw new QuarryError(
      'BAD_INPUT',
      `size ${buf.length} does not match header (rows ${rows}, cols ${cols}, nnz ${nnz}: expected ${expected})`,
      { file: path },
    );
  }
  const indptr = new Float64Array(rows + 1);
  for (let i = 0; i <= rows; i++) indptr[i] = Number(buf.readBigInt64LE(24 + 8 * i));
  const base = 24 + 8 * (rows + 1);
  const indices = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  for (let i = 0; i < nnz; i++) {
    const c = buf.readInt32LE(base + 4 * i);
    if (c < 0 || c >= cols) throw new QuarryError('BAD_INPUT', `entry ${i}: column ${c} outside 0..${cols - 1}`, { file: path });
    indices[i] = c;
    values[i] = buf.readFloatLE(base + 4 * nnz + 4 * i);
  }
  if (indptr[0] !== 0 || indptr[rows] !== nnz) throw new QuarryError('BAD_INPUT', 'indptr must start at 0 and end at nnz', { file: path });
  // Rows must be sorted by column for the indexes; sort any that are not.
  for (let r = 0; r < rows; r++) {
    const s = indptr[r]!;
    const e = indptr[r + 1]!;
    if (e < s) throw new QuarryError('BAD_INPUT', `indptr decreases at row ${r}`, { file: path });
    for (let i = s + 1; i < e; i++) {
      if (indices[i]! <= indices[i - 1]!) {
        const v = normalizeSparse(indices.subarray(s, e), values.subarray(s, e), `row ${r}`);
        if (v.ids.length !== e - s) throw new QuarryError('BAD_INPUT', `row ${r} repeats a column`, { file: path });
        indices.set(v.ids, s);
        values.set(v.values, s);
        break;
      }
    }
  }
  return { rows, dim: cols, indptr, indices, values };
}
