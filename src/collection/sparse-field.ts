/**
 * A segment's learned-sparse field: a segment-local token vocabulary, the
 * documents' vectors as a CSR matrix, and the search structure (exact
 * inverted lists built on open, or a stored Seismic index).
 */
import { join } from 'node:path';
import { readSectionFile, writeSectionFile, type WrittenFile } from '../io/section-file.js';
import { TokenVocabulary } from '../io/sparse-files.js';
import { normalizeSparse, type SparseMatrix, type SparseVector } from '../io/sparse-matrix.js';
import { GrowableF32, GrowableU32 } from '../kernels/growable-arrays.js';
import { SparseExactIndex } from '../index/sparse-exact.js';
import { buildSeismic, readSeismic, SeismicIndex, writeSeismic, type SeismicSearchParams } from '../index/seismic/index.js';
import { Records, RecordsBuilder } from './stored-fields.js';
import { Bitset } from '../kernels/bitset.js';
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

  add(vector: ReadonlyMap<string, number>): void {
    const ids: number[] = [];
    const vals: number[] = [];
    for (const [token, w] of vector) {
      ids.push(this.vocab.idOf(token));
      vals.push(w);
    }
    const v = normalizeSparse(ids, vals);
    for (let i = 0; i < v.ids.length; i++) {
      this.indices.push(v.ids[i]!);
      this.values.push(v.values[i]!);
    }
    this.indptr.push(this.indices.length);
  }

  /** Writes vocabulary, matrix and (for seismic) the index into `folder`. */
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
    files[matrixFile(field)] = writeSectionFile(join(folder, matrixFile(field)), 'SPRM', 1, { indptr: m.indptr, indices: m.indices, values: m.values }, { rows: m.rows, dim: m.dim });
    if (spec.index === 'seismic') files[seismicFile(field)] = writeSeismic(join(folder, seismicFile(field)), buildSeismic(m, spec.params));
    return files;
  }
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
      const f = readSectionFile(join(folder, matrixFile(field)), 'SPRM', 1, expect(matrixFile(field)));
      this.exact = new SparseExactIndex({
        rows: Number(f.meta.rows),
        dim: Number(f.meta.dim),
        indptr: f.get('indptr', Float64Array),
        indices: f.get('indices', Uint32Array),
        values: f.get('values', Float32Array),
      });
      this.seismic = null;
    }
  }

  /** Row `d`'s vector as `{token: weight}` (Seismic's forward index keeps the values as stored: 16-bit or 32-bit). */
  documentVector(d: number): Map<string, number> {
    const tokens = this.vocab.tokens;
    const v = new Map<string, number>();
    if (this.exact !== null) {
      const m = this.exact.matrix;
      for (let k = m.indptr[d]!; k < m.indptr[d + 1]!; k++) v.set(tokens[m.indices[k]!]!, m.values[k]!);
    } else {
      const sd = this.seismic!.data;
      const f16 = sd.fwdValues instanceof Uint16Array;
      for (let k = sd.fwdStart[d]!; k < sd.fwdStart[d + 1]!; k++) v.set(tokens[sd.fwdTerms[k]!]!, f16 ? FLOAT16_TABLE[sd.fwdValues[k]!]! : sd.fwdValues[k]!);
    }
    return v;
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

  /** Top k of this segment: row numbers and scores. */
  search(weights: ReadonlyMap<string, number>, k: number, params: Partial<SeismicSearchParams>, deleted: Uint8Array | null = null): { ids: Int32Array; scores: Float32Array } {
    const q = this.query(weights);
    if (q.ids.length === 0) return { ids: new Int32Array(0), scores: new Float32Array(0) };
    if (this.seismic !== null) {
      let allow: Bitset | null = null;
      if (deleted !== null) {
        allow = new Bitset(deleted.length);
        for (let i = 0; i < deleted.length; i++) if (deleted[i] === 0) allow.add(i);
      }
      return this.seismic.search(q, k, { ...params, allow });
    }
    if (deleted === null) return this.exact!.search(q, k, 'pruned');
    // Exact lists do not know about deletes: ask for enough extra rows to fill k live ones.
    let extra = 0;
    for (const d of deleted) extra += d;
    const hits = this.exact!.search(q, k + extra, 'pruned');
    const ids: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < hits.ids.length && ids.length < k; i++) {
      if (deleted[hits.ids[i]!] === 0) {
        ids.push(hits.ids[i]!);
        scores.push(hits.scores[i]!);
      }
    }
    return { ids: Int32Array.from(ids), scores: Float32Array.from(scores) };
  }
}
