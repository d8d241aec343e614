/**
 * Merging segments into one, dropping deleted documents (Lucene's merge):
 * postings are merged term by term with documents renumbered, norms,
 * stored records, ids and metadata columns are concatenated, dense indexes
 * are rebuilt over the concatenated rows and sparse fields over the
 * concatenated vectors. The result is a new segment folder; the inputs are
 * not changed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirectory, ioError } from '../io/atomic-file.js';
import { QuarryError } from '../core/quarry-error.js';
import type { WrittenFile } from '../io/section-file.js';
import { GrowableU32 } from '../kernels/growable-arrays.js';
import { buildDense, tuneDense, writeDense } from '../index/dense/dense-registry.js';
import { fieldCodebook } from './field-codebook.js';
import type { RecallCurve } from '../index/dense/recall-tuning.js';
import { InvertedFieldEncoder, NO_MORE_DOCS, PositionsReader, PostingsCursor, writeInvertedField } from '../index/inverted/index.js';
import type { MetadataValue } from './document.js';
import type { SegmentInfo } from './manifest.js';
import { MetadataColumnsBuilder } from './metadata-columns.js';
import { denseFields, multiVectorFields, sparseFields, textFields, type CollectionSchema } from './schema.js';
import { documentTokens, MultiVectorFieldBuilder } from './multivector-field.js';
import type { Segment } from './segment.js';
import { mergeSparseIndexes, SparseFieldBuilder } from './sparse-field.js';
import { RecordsBuilder } from './records.js';

/** Merges `segments` (in order) into a new segment `name` under `dir`. */
export function mergeSegments(dir: string, name: string, segments: readonly Segment[], schema: CollectionSchema): SegmentInfo {
  const folder = join(dir, name);
  try {
    mkdirSync(folder);
  } catch (e) {
    throw ioError(folder, e);
  }
  // New document numbers: live documents in segment order.
  const remap = segments.map((s) => {
    const m = new Int32Array(s.numDocs).fill(-1);
    return m;
  });
  let total = 0;
  segments.forEach((s, i) => {
    for (let d = 0; d < s.numDocs; d++) if (s.deleted === null || s.deleted[d] === 0) remap[i]![d] = total++;
  });
  const files: Record<string, WrittenFile> = {};

  // Text fields: term-by-term postings merge.
  for (const [field] of textFields(schema)) {
    // Each input's terms are sorted in the same order as the union: one cursor per input walks them.
    const termLists = segments.map((s) => {
      const f = s.fields.get(field);
      return f === undefined ? [] : Array.from({ length: f.numTerms }, (_, t) => f.term(t));
    });
    const sorted = [...new Set(termLists.flat())].sort();
    const nextTerm = new Uint32Array(segments.length);
    const norms = new Uint8Array(total);
    let docCount = 0;
    let sumTotalTermFreq = 0;
    segments.forEach((s, i) => {
      const f = s.fields.get(field);
      for (let d = 0; d < s.numDocs; d++) {
        const nd = remap[i]![d]!;
        if (nd < 0 || f === undefined) continue;
        norms[nd] = f.data.norms[d]!;
        if (norms[nd] !== 0) docCount++;
      }
    });
    // Positions survive a merge when every input that has the field kept them.
    const present = segments.map((s) => s.fields.get(field)).filter((f) => f !== undefined);
    const withPositions = present.length > 0 && present.every((f) => f.data.positions !== undefined);
    // Term by term: one term's postings at a time are gathered uncompressed, then encoded.
    let packedWords = 0;
    let positionWords = 0;
    for (const f of present) {
      packedWords += f.data.packed.length;
      positionWords += f.data.positions?.length ?? 0;
    }
    const encoder = new InvertedFieldEncoder(norms, withPositions, { packedWords, positionWords });
    const docs = new GrowableU32();
    const freqs = new GrowableU32();
    const positions = withPositions ? new GrowableU32() : null;
    const cursor = new PostingsCursor();
    const reader = new PositionsReader(cursor);
    for (const term of sorted) {
      docs.length = 0;
      freqs.length = 0;
      if (positions !== null) positions.length = 0;
      segments.forEach((s, i) => {
        const f = s.fields.get(field);
        const id = nextTerm[i]!;
        if (f === undefined || termLists[i]![id] !== term) return;
        nextTerm[i] = id + 1;
        cursor.reset(f.data, id);
        if (positions !== null) reader.reset(f.data);
        for (; cursor.doc !== NO_MORE_DOCS; cursor.next()) {
          const nd = remap[i]![cursor.doc]!;
          if (nd < 0) continue;
          const fr = cursor.freq();
          docs.push(nd);
          freqs.push(fr);
          sumTotalTermFreq += fr;
          if (positions !== null) {
            const count = reader.read();
            const ps = reader.positions;
            for (let j = 0; j < count; j++) positions.push(ps[j]!);
          }
        }
      });
      // Terms that only deleted documents had end up with no postings; they are dropped.
      if (docs.length > 0) encoder.addTerm(term, docs.data, freqs.data, docs.length, positions?.data);
    }
    const data = encoder.finish(docCount, sumTotalTermFreq);
    files[`${field}.inv`] = writeInvertedField(join(folder, `${field}.inv`), data);
  }

  // Dense fields: rebuild over the live rows, and measure the new index's recall curve.
  const tuning: Record<string, RecallCurve> = {};
  for (const [field, spec] of denseFields(schema)) {
    const rows = new Float32Array(total * spec.dim);
    segments.forEach((s, i) => {
      const index = s.dense.get(field);
      const src = index === undefined ? null : index.floatRows();
      if (src === null)
        throw new QuarryError('BAD_ARGUMENT', `dense field "${field}" of ${s.info.name} kept no float rows to merge`, { field });
      for (let d = 0; d < s.numDocs; d++) {
        const nd = remap[i]![d]!;
        if (nd >= 0) rows.set(src.subarray(d * spec.dim, (d + 1) * spec.dim), nd * spec.dim);
      }
    });
    // a trained codebook re-encodes the merged rows: their codes are those the codebook gives them
    const index = buildDense(spec.index, rows, spec.dim, spec.metric, spec.params, fieldCodebook(dir, field, spec));
    files[`${field}.vec`] = writeDense(join(folder, `${field}.vec`), index);
    const curve = tuneDense(index);
    if (curve !== undefined) tuning[field] = curve;
  }

  // Sparse fields: exact ones merge their inverted lists term by term; Seismic ones
  // concatenate the vectors (tokens re-mapped to a merged vocabulary) and build again.
  for (const [field, spec] of sparseFields(schema)) {
    const inputs = segments.map((s) => s.sparse.get(field)!);
    const merged = mergeSparseIndexes(folder, field, spec, inputs, remap, total);
    if (merged !== null) {
      Object.assign(files, merged);
      continue;
    }
    const b = new SparseFieldBuilder();
    segments.forEach((s, i) => {
      const vectorOf = s.sparse.get(field)!.documentVectors();
      for (let d = 0; d < s.numDocs; d++) {
        if (remap[i]![d]! < 0) continue;
        b.add(vectorOf(d));
      }
    });
    Object.assign(files, b.write(folder, field, spec, tuning));
  }

  // Multi-vector fields: concatenate the live documents' tokens (int8 stores are dequantized) and rebuild.
  for (const [field, spec] of multiVectorFields(schema)) {
    const b = new MultiVectorFieldBuilder(spec, true);
    segments.forEach((s, i) => {
      const mv = s.multi.get(field);
      for (let d = 0; d < s.numDocs; d++) {
        if (remap[i]![d]! < 0) continue;
        b.add(mv === undefined ? new Float32Array(0) : documentTokens(mv, d));
      }
    });
    Object.assign(files, b.write(folder, field, tuning));
  }

  // Metadata columns, ids and stored records.
  const columns = new MetadataColumnsBuilder(schema);
  const ids = new RecordsBuilder();
  const stored = new RecordsBuilder();
  segments.forEach((s, i) => {
    for (let d = 0; d < s.numDocs; d++) {
      if (remap[i]![d]! < 0) continue;
      const values = new Map<string, MetadataValue>();
      if (s.columns !== null) {
        for (const [n, col] of s.columns.numbers) if (!Number.isNaN(col[d]!)) values.set(n, col[d]!);
        for (const [n, col] of s.columns.booleans) if (col[d] !== 2) values.set(n, col[d] === 1);
        for (const [n, col] of s.columns.keywords) {
          const vs: string[] = [];
          for (let k = col.offsets[d]!; k < col.offsets[d + 1]!; k++) vs.push(col.values[col.ords[k]!]!);
          if (vs.length === 1) values.set(n, vs[0]!);
          else if (vs.length > 1) values.set(n, vs);
        }
      }
      columns.add(values);
      ids.add(s.ids.text(d));
      const text = s.stored.text(d);
      stored.add(text === '{}' ? '' : text); // segments written before empty records were empty
    }
  });
  if (!columns.empty) files['columns.bin'] = columns.write(join(folder, 'columns.bin'));
  files['ids.bin'] = ids.write(join(folder, 'ids.bin'), 'IDS ');
  files['stored.bin'] = stored.write(join(folder, 'stored.bin'), 'STOR');
  fsyncDirectory(folder);
  fsyncDirectory(dir);
  return { name, numDocs: total, files, ...(Object.keys(tuning).length > 0 ? { tuning } : {}) };
}
