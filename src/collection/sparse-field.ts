/**
 * A segment's learned-sparse field: a segment-local token vocabulary and the index
 * of the field's family (see index/sparse/sparse-registry.ts), written as
 * `<field>.voc` and `<field>.<family extension>`.
 */
import { join } from 'node:path';
import { QuarryError } from '../core/quarry-error.js';
import type { WrittenFile } from '../io/section-file.js';
import { TokenVocabulary } from '../io/sparse-files.js';
import { normalizeSparse, type SparseMatrix, type SparseVector } from '../kernels/sparse-matrix.js';
import { GrowableF32, GrowableU32 } from '../kernels/growable-arrays.js';
import type { Bitset } from '../kernels/bitset.js';
import type { SparseFamily, SparseHits, SparseIndex } from '../index/sparse/sparse-family.js';
import { sparseFamily, tuneSparse } from '../index/sparse/sparse-registry.js';
import type { RecallCurve } from '../index/dense/recall-tuning.js';
import { Records, RecordsBuilder } from './records.js';
import type { SparseFieldSpec } from './schema.js';
import { checkDeadline } from '../core/deadline.js';

const vocabFile = (f: string): string => `${f}.voc`;
const indexFile = (f: string, family: SparseFamily): string => `${f}.${family.fileExtension}`;

/** Writes a segment-local vocabulary. */
function writeVocabulary(folder: string, field: string, tokens: Iterable<string>): WrittenFile {
  const vb = new RecordsBuilder();
  for (const t of tokens) vb.add(t);
  return vb.write(join(folder, vocabFile(field)), 'VOCB');
}

/** Collects a segment's sparse vectors. */
export class SparseFieldBuilder {
  private readonly vocab = new TokenVocabulary();
  private readonly indptr: number[] = [0];
  private readonly indices = new GrowableU32();
  private readonly values = new GrowableF32();

  /** Sort keys (term id x 2^20 + position), reused from document to document. */
  private keys = new Float64Array(256);
  private weights = new Float32Array(256);

  /** Bytes the builder holds (allocated capacity; the token vocabulary at about 64 bytes a token). */
  get allocatedBytes(): number {
    return this.indices.data.byteLength + this.values.data.byteLength + this.indptr.length * 8 + this.vocab.size * 64;
  }

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

  /** Writes the vocabulary and the family's index into `folder`. */
  /** Writes the field's files; an approximate family's measured recall curve goes into `tuning[field]`. */
  write(folder: string, field: string, spec: SparseFieldSpec, tuning?: Record<string, RecallCurve>): Record<string, WrittenFile> {
    const family = sparseFamily(spec.index);
    const m: SparseMatrix = {
      rows: this.indptr.length - 1,
      dim: this.vocab.size,
      indptr: Float64Array.from(this.indptr),
      indices: this.indices.view(),
      values: this.values.view(),
    };
    const index = family.build(m, spec.params);
    const files = {
      [vocabFile(field)]: writeVocabulary(folder, field, this.vocab.tokens),
      [indexFile(field, family)]: family.write(join(folder, indexFile(field, family)), index),
    };
    const curve = tuning === undefined ? undefined : tuneSparse(index, m);
    if (curve !== undefined) tuning![field] = curve;
    return files;
  }
}

/**
 * Merges a sparse field of segments into `folder` without going through rows, when its
 * family can (exact lists merge list by list): the vocabulary is the union of the
 * inputs' tokens that still have a live posting, each input's rows renumbered by
 * `docMaps` (-1: deleted). Returns the files written, or null when the family merges
 * by rebuilding from rows.
 */
export function mergeSparseIndexes(
  folder: string,
  field: string,
  spec: SparseFieldSpec,
  inputs: readonly SparseField[],
  docMaps: readonly Int32Array[],
  rows: number,
): Record<string, WrittenFile> | null {
  const family = sparseFamily(spec.index);
  if (family.merge === undefined || inputs.some((f) => f.index.family !== family.name)) return null;
  const vocab = new TokenVocabulary();
  const parts = inputs.map((f, i) => {
    const termMap = new Int32Array(f.vocab.tokens.length);
    f.vocab.tokens.forEach((t, k) => (termMap[k] = vocab.idOf(t)));
    return { index: f.index, termMap, docMap: docMaps[i]! };
  });
  // Tokens only deleted documents had come back without a list and are dropped, as text merges drop such terms.
  const { index, terms } = family.merge(parts, vocab.size, rows);
  return {
    [vocabFile(field)]: writeVocabulary(
      folder,
      field,
      Array.from(terms, (m) => vocab.tokens[m]!),
    ),
    [indexFile(field, family)]: family.write(join(folder, indexFile(field, family)), index),
  };
}

/** A segment's sparse field, opened. */
export class SparseField {
  readonly vocab: TokenVocabulary;
  readonly family: SparseFamily;
  readonly index: SparseIndex;

  constructor(folder: string, field: string, spec: SparseFieldSpec, files: Record<string, WrittenFile>, verifyChecksum: boolean) {
    const expect = (f: string) => ({ bytes: files[f]?.bytes, verifyChecksum });
    const words = new Records(join(folder, vocabFile(field)), 'VOCB', expect(vocabFile(field)));
    const tokens: string[] = [];
    for (let i = 0; i < words.count; i++) tokens.push(words.text(i));
    this.vocab = new TokenVocabulary(tokens, true);
    this.family = sparseFamily(spec.index);
    const file = indexFile(field, this.family);
    this.index = this.family.read(join(folder, file), expect(file));
  }

  /**
   * Row `d`'s vector as `{token: weight}` (Seismic's forward index keeps the values as
   * stored: 16-bit or 32-bit). Exact lists are searched term by term: fine for a few
   * documents; reading them all takes {@link documentVectors}.
   */
  documentVector(d: number): Map<string, number> {
    const tokens = this.vocab.tokens;
    const v = new Map<string, number>();
    const r = this.index.row(d);
    for (let k = 0; k < r.ids.length; k++) v.set(tokens[r.ids[k]!]!, r.values[k]!);
    return v;
  }

  /** Every row's vector by row number, for reading the whole field (merges that rebuild from rows): the rows are read once. */
  documentVectors(): (d: number) => Map<string, number> {
    const tokens = this.vocab.tokens;
    const m = this.index.forwardRows();
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
      checkDeadline();
      const id = this.vocab.ids.get(t);
      if (id !== undefined) {
        ids.push(id);
        vals.push(w);
      }
    }
    return normalizeSparse(ids, vals, 'query');
  }

  /**
   * Top k of this segment: row numbers and scores. Rows to leave out are given in the
   * form the family's traversal reads (`family.filterForm`): `excluded` flags (1 =
   * skip) for exact lists, an `allowed` set (null = every row) for Seismic.
   */
  search(
    weights: ReadonlyMap<string, number>,
    k: number,
    params: Readonly<Record<string, unknown>>,
    excluded: Uint8Array | null = null,
    allowed: Bitset | null = null,
  ): SparseHits {
    const q = this.query(weights);
    if (q.ids.length === 0) return { ids: new Int32Array(0), scores: new Float32Array(0) };
    return this.index.searchRows(q, k, params, { excluded, allowed });
  }
}
