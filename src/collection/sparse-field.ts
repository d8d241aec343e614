/**
 * A segment's learned-sparse field: a segment-local token vocabulary and the
 * search structure: the exact family's inverted lists (stored as such since
 * format 2, so that opening a segment is a read, not a transposition; format 1
 * files hold the forward rows and are transposed on open), or a Seismic index
 * (which keeps its own forward rows).
 */
import { join } from 'node:path';
import { QuarryError } from '../core/quarry-error.js';
import { readSectionFile, writeSectionFile, type WrittenFile } from '../io/section-file.js';
import { TokenVocabulary } from '../io/sparse-files.js';
import { normalizeSparse, type SparseMatrix, type SparseVector } from '../kernels/sparse-matrix.js';
import { GrowableF32, GrowableU32 } from '../kernels/growable-arrays.js';
import { SparseExactIndex } from '../index/sparse/exact/sparse-exact-index.js';
import {
  forwardRows,
  invertSparseMatrix,
  mergeInvertedLists,
  type SparseInvertedLists,
} from '../index/sparse/exact/sparse-inverted-lists.js';
import { buildSeismic, readSeismic, type SeismicIndex, writeSeismic, type SeismicSearchParams } from '../index/sparse/seismic/index.js';
import { Records, RecordsBuilder } from './records.js';
import { type Bitset } from '../kernels/bitset.js';
import { FLOAT16_TABLE } from '../kernels/float16.js';
import type { SparseFieldSpec } from './schema.js';

const vocabFile = (f: string): string => `${f}.voc`;
const matrixFile = (f: string): string => `${f}.spm`;
const seismicFile = (f: string): string => `${f}.seis`;

/** Collects a segment's sparse vectors. */
export class SparseFieldBuilder {
  private readonly vocab = new TokenVocabulary();
  private readonly indptr: number[] = [0];
  private readonly indices = new GrowableU32();
  private readonly values = new GrowableF32();

  /** Sort keys (term id x 2^20 + position), reused from document to document. */
  private keys = new Float64Array(256);
  private weights = new Float32Array(256);

  /**
   * Adds a document's vector: tokens are unique (a map) and weights already
   * checked finite and positive (parseSparseValue, or a stored vector), so the
   * row only needs its terms sorted, done on packed numeric keys.
   */
  add(vector: ReadonlyMap<string, number>): void {
    const n = vector.size;
    if (n > this.keys.length) {
      this.keys = new Float64Array(2 * n);
      this.weights = new Float32Array(2 * n);
    }
    if (n >= 1 << 20)
      throw new QuarryError('BAD_INPUT', `a sparse vector of ${n} entries is too long (at most ${(1 << 20) - 1})`, { field: 'vector' });
    let i = 0;
    for (const [token, w] of vector) {
      this.keys[i] = this.vocab.idOf(token) * 1048576 + i;
      this.weights[i] = w;
      i++;
    }
    const keys = this.keys.subarray(0, n).sort();
    for (let k = 0; k < n; k++) {
      const key = keys[k]!;
      const id = Math.floor(key / 1048576);
      this.indices.push(id);
      this.values.push(this.weights[key - id * 1048576]!);
    }
    this.indptr.push(this.indices.length);
  }

  /** Writes the vocabulary and the index (inverted lists, or Seismic) into `folder`. */
  write(folder: string, field: string, spec: SparseFieldSpec): Record<string, WrittenFile> {
    const files: Record<string, WrittenFile> = {};
    const vb = new RecordsBuilder();
    for (const t of this.vocab.tokens) vb.add(t);
    files[vocabFile(field)] = vb.write(join(folder, vocabFile(field)), 'VOCB');
    const m: SparseMatrix = {
      rows: this.indptr.length - 1,
      dim: this.vocab.size,
      indptr: Float64Array.from(this.indptr),
      indices: this.indices.view(),
      values: this.values.view(),
    };
    if (spec.index === 'seismic') files[seismicFile(field)] = writeSeismic(join(folder, seismicFile(field)), buildSeismic(m, spec.params));
    else files[matrixFile(field)] = writeExactLists(folder, field, invertSparseMatrix(m));
    return files;
  }
}

/** Writes an exact field's inverted lists (`<field>.spm`, SPRM format 2). */
function writeExactLists(folder: string, field: string, l: SparseInvertedLists): WrittenFile {
  const sections = {
    start: l.start,
    docs: l.docs,
    weights: l.weights,
    blockStart: l.blockStart,
    blockMax: l.blockMax,
    blockLast: l.blockLast,
  };
  return writeSectionFile(join(folder, matrixFile(field)), 'SPRM', 2, sections, { rows: l.rows, dim: l.dim });
}

/**
 * Merges exact sparse fields of segments into `folder` list by list: the
 * vocabulary is the union of the inputs' tokens that still have a live
 * posting, and each list the inputs' lists with documents renumbered by
 * `docMaps` (-1: deleted). Returns the files written.
 */
export function mergeExactSparseFields(
  folder: string,
  field: string,
  inputs: readonly SparseField[],
  docMaps: readonly Int32Array[],
  rows: number,
): Record<string, WrittenFile> {
  const vocab = new TokenVocabulary();
  const parts = inputs.map((f, i) => {
    const termMap = new Int32Array(f.vocab.tokens.length);
    f.vocab.tokens.forEach((t, k) => (termMap[k] = vocab.idOf(t)));
    return { lists: f.exact!.lists, termMap, docMap: docMaps[i]! };
  });
  // Tokens only deleted documents had come back without a list and are dropped, as text merges drop such terms.
  const { lists, terms } = mergeInvertedLists(parts, vocab.size, rows);
  const tokens = Array.from(terms, (m) => vocab.tokens[m]!);
  const files: Record<string, WrittenFile> = {};
  const vb = new RecordsBuilder();
  for (const t of tokens) vb.add(t);
  files[vocabFile(field)] = vb.write(join(folder, vocabFile(field)), 'VOCB');
  files[matrixFile(field)] = writeExactLists(folder, field, lists);
  return files;
}

/** A segment's sparse field, opened. */
export class SparseField {
  readonly vocab: TokenVocabulary;
  readonly exact: SparseExactIndex | null;
  readonly seismic: SeismicIndex | null;

  constructor(folder: string, field: string, spec: SparseFieldSpec, files: Record<string, WrittenFile>, verifyChecksum: boolean) {
    const expect = (f: string) => ({ bytes: files[f]?.bytes, verifyChecksum });
    const words = new Records(join(folder, vocabFile(field)), 'VOCB', expect(vocabFile(field)));
    const tokens: string[] = [];
    for (let i = 0; i < words.count; i++) tokens.push(words.text(i));
    this.vocab = new TokenVocabulary(tokens, true);
    if (spec.index === 'seismic') {
      this.seismic = readSeismic(join(folder, seismicFile(field)), expect(seismicFile(field)));
      this.exact = null;
    } else {
      const f = readSectionFile(join(folder, matrixFile(field)), 'SPRM', 2, expect(matrixFile(field)));
      const rows = Number(f.meta.rows);
      const dim = Number(f.meta.dim);
      if (f.version === 1) {
        // Forward rows: transpose them, then let them go (rows are read back from the lists).
        const m = {
          rows,
          dim,
          indptr: f.get('indptr', Float64Array),
          indices: f.get('indices', Uint32Array),
          values: f.get('values', Float32Array),
        };
        this.exact = new SparseExactIndex(invertSparseMatrix(m));
      } else {
        this.exact = new SparseExactIndex({
          rows,
          dim,
          start: f.get('start', Float64Array),
          docs: f.get('docs', Uint32Array),
          weights: f.get('weights', Float32Array),
          blockStart: f.get('blockStart', Uint32Array),
          blockMax: f.get('blockMax', Float32Array),
          blockLast: f.get('blockLast', Uint32Array),
        });
      }
      this.seismic = null;
    }
  }

  /**
   * Row `d`'s vector as `{token: weight}` (Seismic's forward index keeps the
   * values as stored: 16-bit or 32-bit). Exact lists are searched term by term:
   * fine for a few documents; reading them all takes {@link documentVectors}.
   */
  documentVector(d: number): Map<string, number> {
    const tokens = this.vocab.tokens;
    const v = new Map<string, number>();
    if (this.exact !== null) {
      const r = this.exact.row(d);
      for (let k = 0; k < r.ids.length; k++) v.set(tokens[r.ids[k]!]!, r.values[k]!);
    } else {
      const sd = this.seismic!.data;
      const f16 = sd.fwdValues instanceof Uint16Array;
      for (let k = sd.fwdStart[d]!; k < sd.fwdStart[d + 1]!; k++)
        v.set(tokens[sd.fwdTerms[k]!]!, f16 ? FLOAT16_TABLE[sd.fwdValues[k]!]! : sd.fwdValues[k]!);
    }
    return v;
  }

  /** Every row's vector by row number, for reading the whole field (merges into a Seismic field): exact lists are turned back into rows once. */
  documentVectors(): (d: number) => Map<string, number> {
    if (this.exact === null) return (d) => this.documentVector(d);
    const tokens = this.vocab.tokens;
    const m = this.exact.matrix ?? forwardRows(this.exact.lists);
    return (d) => {
      const v = new Map<string, number>();
      for (let k = m.indptr[d]!; k < m.indptr[d + 1]!; k++) v.set(tokens[m.indices[k]!]!, m.values[k]!);
      return v;
    };
  }

  /** Maps a `{token: weight}` query to this segment's ids (unknown tokens cannot match and are dropped). */
  query(weights: ReadonlyMap<string, number>): SparseVector {
    const ids: number[] = [];
    const vals: number[] = [];
    for (const [t, w] of weights) {
      const id = this.vocab.ids.get(t);
      if (id !== undefined) {
        ids.push(id);
        vals.push(w);
      }
    }
    return normalizeSparse(ids, vals, 'query');
  }

  /**
   * Top k of this segment: row numbers and scores. Rows to leave out are given
   * as the exact lists skip them, `excluded` flags (1 = skip), and as Seismic
   * does, an `allowed` set (null = every row); each family reads its own.
   */
  search(
    weights: ReadonlyMap<string, number>,
    k: number,
    params: Partial<SeismicSearchParams>,
    excluded: Uint8Array | null = null,
    allowed: Bitset | null = null,
  ): { ids: Int32Array; scores: Float32Array } {
    const q = this.query(weights);
    if (q.ids.length === 0) return { ids: new Int32Array(0), scores: new Float32Array(0) };
    if (this.seismic !== null) return this.seismic.search(q, k, { ...params, allow: allowed });
    return this.exact!.search(q, k, 'pruned', excluded);
  }
}
