/**
 * A segment: an immutable folder of data files written once by a flush.
 * `SegmentBuilder` collects prepared documents and writes the folder;
 * `Segment` opens one, checking each file against the manifest.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ioError } from '../io/atomic-file.js';
import { fsyncDirectory } from '../io/atomic-file.js';
import type { WrittenFile } from '../io/section-file.js';
import type { InvertedField, InvertedFieldBuilder } from '../index/inverted/index.js';
import { INVERTED_FAMILY } from '../index/inverted/inverted-family.js';
import { createAnalyzer, type Analyzer } from '../text/analyzer.js';
import type { PreparedDocument } from './document.js';
import type { SegmentInfo } from './manifest.js';
import { MetadataColumnsBuilder, readMetadataColumns, type MetadataColumns } from './metadata-columns.js';
import { Records, RecordsBuilder } from './records.js';
import { denseFields, multiVectorFields, sparseFields, textFields, type CollectionSchema } from './schema.js';
import { MultiVectorFieldBuilder, openMultiVectorField } from './multivector-field.js';
import type { MultiVectorIndex } from '../index/multivector/index.js';
import { SparseField, SparseFieldBuilder } from './sparse-field.js';
import { readTombstones } from './tombstones.js';
import { Bitset } from '../kernels/bitset.js';
import { GrowableU32 } from '../kernels/growable-arrays.js';
import { buildDense, readDense, tuneDense, writeDense } from '../index/dense/dense-registry.js';
import { fieldCodebook } from './field-codebook.js';
import type { RecallCurve } from '../index/dense/recall-tuning.js';
import type { DenseIndex, DenseSearchOptions } from '../index/dense/dense-types.js';

const IDS = 'ids.bin';
const STORED = 'stored.bin';
const COLUMNS = 'columns.bin';
const invertedFile = (field: string): string => `${field}.${INVERTED_FAMILY.fileExtension}`;
const denseFile = (field: string): string => `${field}.vec`;

/** Rows of one dense field, appended as documents arrive. */
class DenseRows {
  data: Float32Array;
  rows = 0;

  constructor(readonly dim: number) {
    this.data = new Float32Array(dim * 1024);
  }

  push(v: Float32Array): void {
    if ((this.rows + 1) * this.dim > this.data.length) {
      const next = new Float32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data.set(v, this.rows++ * this.dim);
  }
}

/**
 * Terms and postings of a committed segment's text field, from its file's table of
 * contents alone (null when the segment has no such file, i.e. no document had the field).
 */
export function segmentTextCounts(
  dir: string,
  info: SegmentInfo,
  field: string,
): { terms: number; postings: number; positions: boolean } | null {
  const f = invertedFile(field);
  return info.files[f] === undefined ? null : INVERTED_FAMILY.counts(join(dir, info.name, f));
}

/**
 * The ids of a segment's documents, without opening its other files: what a
 * writer needs to map ids to documents on a large collection.
 */
export function readSegmentIds(dir: string, info: SegmentInfo): Records {
  return new Records(join(dir, info.name, IDS), 'IDS ', { bytes: info.files[IDS]?.bytes, verifyChecksum: false });
}

/** Analyzers of a schema's text fields. */
export function analyzersOf(schema: CollectionSchema): Map<string, Analyzer> {
  return new Map(textFields(schema).map(([name, spec]) => [name, createAnalyzer(spec.analyzer)]));
}

/** Collects documents for one new segment. */
export class SegmentBuilder {
  private readonly inverted = new Map<string, InvertedFieldBuilder>();
  private readonly ids = new RecordsBuilder();
  private readonly stored = new RecordsBuilder();
  private readonly columns: MetadataColumnsBuilder;
  private readonly dense = new Map<string, DenseRows>();
  private readonly sparse = new Map<string, SparseFieldBuilder>();
  private readonly multi = new Map<string, MultiVectorFieldBuilder>();
  private readonly terms: string[] = [];
  private readonly positions = new GrowableU32(256);
  private readonly collectTerm = (term: string, position: number): void => {
    this.terms.push(term);
    this.positions.push(position);
  };

  constructor(
    private readonly schema: CollectionSchema,
    private readonly analyzers: ReadonlyMap<string, Analyzer>,
  ) {
    for (const [name, spec] of textFields(schema)) this.inverted.set(name, INVERTED_FAMILY.builder({ positions: spec.positions }));
    for (const [name, spec] of denseFields(schema)) this.dense.set(name, new DenseRows(spec.dim));
    for (const [name] of sparseFields(schema)) this.sparse.set(name, new SparseFieldBuilder());
    for (const [name, spec] of multiVectorFields(schema)) this.multi.set(name, new MultiVectorFieldBuilder(spec));
    this.columns = new MetadataColumnsBuilder(schema);
  }

  get numDocs(): number {
    return this.ids.count;
  }

  /** Postings collected so far over all fields (drives flushing). */
  get postings(): number {
    let n = 0;
    for (const b of this.inverted.values()) n += b.postings;
    return n;
  }

  /** An estimate of the memory the buffered documents take (drives flushing with the writer's `ramBufferMB`). */
  get allocatedBytes(): number {
    let n = this.ids.allocatedBytes + this.stored.allocatedBytes + this.columns.allocatedBytes;
    for (const b of this.inverted.values()) n += b.allocatedBytes;
    for (const rows of this.dense.values()) n += rows.data.byteLength;
    for (const b of this.sparse.values()) n += b.allocatedBytes;
    for (const b of this.multi.values()) n += b.allocatedBytes;
    return n;
  }

  add(doc: PreparedDocument): void {
    for (const [name, builder] of this.inverted) {
      this.terms.length = 0;
      this.positions.length = 0;
      this.analyzers.get(name)!.forEachTerm(doc.texts.get(name) ?? '', this.collectTerm);
      builder.addDocument(this.terms, this.positions.view());
    }
    for (const [name, rows] of this.dense) rows.push(doc.vectors.get(name)!);
    for (const [name, b] of this.sparse) b.add(doc.sparse.get(name)!);
    for (const [name, b] of this.multi) b.add(doc.multi.get(name)!);
    this.columns.add(doc.metadata);
    this.ids.add(doc.id);
    const stored = JSON.stringify(doc.stored);
    // Nothing stored is an empty record (read back as {}): an index that stores nothing pays nothing per document.
    this.stored.add(stored === '{}' ? '' : stored);
  }

  /** Writes the segment into `dir/name` (a new folder) and fsyncs it. */
  write(dir: string, name: string): SegmentInfo {
    const folder = join(dir, name);
    try {
      mkdirSync(folder);
    } catch (e) {
      throw ioError(folder, e);
    }
    const files: Record<string, WrittenFile> = {};
    const tuning: Record<string, RecallCurve> = {};
    for (const [field, builder] of this.inverted)
      files[invertedFile(field)] = INVERTED_FAMILY.write(join(folder, invertedFile(field)), builder);
    for (const [field, spec] of denseFields(this.schema)) {
      const rows = this.dense.get(field)!;
      const index = buildDense(
        spec.index,
        rows.data.subarray(0, rows.rows * spec.dim),
        spec.dim,
        spec.metric,
        spec.params,
        fieldCodebook(dir, field, spec),
      );
      files[denseFile(field)] = writeDense(join(folder, denseFile(field)), index);
      const curve = tuneDense(index);
      if (curve !== undefined) tuning[field] = curve;
    }
    for (const [field, spec] of sparseFields(this.schema)) Object.assign(files, this.sparse.get(field)!.write(folder, field, spec, tuning));
    for (const [field, b] of this.multi) Object.assign(files, b.write(folder, field, tuning));
    if (!this.columns.empty) files[COLUMNS] = this.columns.write(join(folder, COLUMNS));
    files[IDS] = this.ids.write(join(folder, IDS), 'IDS ');
    files[STORED] = this.stored.write(join(folder, STORED), 'STOR');
    fsyncDirectory(folder);
    fsyncDirectory(dir);
    return { name, numDocs: this.numDocs, files, ...(Object.keys(tuning).length > 0 ? { tuning } : {}) };
  }
}

/** An opened, immutable segment. */
export class Segment {
  readonly fields = new Map<string, InvertedField>();
  readonly dense = new Map<string, DenseIndex<DenseSearchOptions & Record<string, unknown>>>();
  readonly sparse = new Map<string, SparseField>();
  readonly multi = new Map<string, MultiVectorIndex>();
  readonly ids: Records;
  readonly stored: Records;
  readonly columns: MetadataColumns | null;
  /** 1 for deleted documents, or null when none are deleted. */
  readonly deleted: Uint8Array | null;

  constructor(
    dir: string,
    readonly info: SegmentInfo,
    schema: CollectionSchema,
    verifyChecksums: boolean,
    /** Deleted flags to use instead of the manifest's (a writer's uncommitted deletes). */
    deletedOverride?: Uint8Array,
    /**
     * The same segment (same files) as opened by an earlier snapshot: its loaded
     * fields are shared instead of read again; only the deleted flags are read.
     */
    reuse?: Segment,
  ) {
    this.holders = reuse?.holders ?? { count: 0 };
    if (reuse !== undefined) {
      for (const [k, v] of reuse.fields) this.fields.set(k, v);
      for (const [k, v] of reuse.dense) this.dense.set(k, v);
      for (const [k, v] of reuse.sparse) this.sparse.set(k, v);
      for (const [k, v] of reuse.multi) this.multi.set(k, v);
      this.ids = reuse.ids;
      this.stored = reuse.stored;
      this.columns = reuse.columns;
    } else {
      const folder = join(dir, info.name);
      const expect = (f: string) => ({ bytes: info.files[f]?.bytes, verifyChecksum: verifyChecksums });
      for (const [field] of textFields(schema)) {
        const f = invertedFile(field);
        if (info.files[f] !== undefined) this.fields.set(field, INVERTED_FAMILY.read(join(folder, f), expect(f)));
      }
      for (const [field, spec] of denseFields(schema)) {
        const f = denseFile(field);
        if (info.files[f] !== undefined)
          this.dense.set(field, readDense(join(folder, f), { ...expect(f), floatsOnDisk: spec.floats === 'disk' }));
      }
      for (const [field, spec] of sparseFields(schema))
        this.sparse.set(field, new SparseField(folder, field, spec, info.files, verifyChecksums));
      for (const [field, spec] of multiVectorFields(schema)) {
        if (info.files[`${field}.mvec`] !== undefined)
          this.multi.set(field, openMultiVectorField(folder, field, spec, info.files, verifyChecksums));
      }
      this.ids = new Records(join(folder, IDS), 'IDS ', expect(IDS));
      this.stored = new Records(join(folder, STORED), 'STOR', expect(STORED));
      this.columns = info.files[COLUMNS] !== undefined ? readMetadataColumns(join(folder, COLUMNS), schema, expect(COLUMNS)) : null;
    }
    this.deleted =
      deletedOverride ??
      (info.deletes !== undefined && info.deletes.count > 0 ? readTombstones(dir, info.name, info.deletes, verifyChecksums) : null);
  }

  /** Documents stored in the segment, deleted ones included (document numbers run 0 .. numDocs - 1). */
  get numDocs(): number {
    return this.info.numDocs;
  }

  /** Documents not deleted. */
  get liveDocs(): number {
    return this.info.numDocs - (this.info.deletes?.count ?? 0);
  }

  private live: Bitset | null = null;
  /** Snapshots holding this segment's open files; shared with the segments made from it (`reuse`). */
  private readonly holders: { count: number };

  /** Counts one more snapshot holding the segment. */
  retain(): void {
    this.holders.count++;
  }

  /** Counts one snapshot fewer; the last one closes the segment's files. */
  release(): void {
    if (--this.holders.count === 0) this.close();
  }

  /**
   * Releases what the segment holds open: the files of rescoring floats left on
   * disk (dense fields' and MUVERA encodings'). Called by a merge for its inputs
   * (a worker thread ends without collecting garbage) and by the last snapshot
   * holding a segment when it is closed (see {@link Segment.release}).
   */
  close(): void {
    for (const index of this.dense.values()) index.close();
    for (const mv of this.multi.values()) mv.fde?.close();
  }

  /** An allow-list of live documents (computed once), or null when nothing is deleted. */
  liveBitset(): Bitset | null {
    if (this.deleted === null) return null;
    this.live ??= Bitset.unflagged(this.deleted);
    return this.live;
  }
}
