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
import { InvertedField, InvertedFieldBuilder, readInvertedField, writeInvertedField } from '../index/inverted/index.js';
import { createAnalyzer, type Analyzer } from '../text/analyzer.js';
import type { PreparedDocument } from './document.js';
import type { SegmentInfo } from './manifest.js';
import { MetadataColumnsBuilder, readMetadataColumns, type MetadataColumns } from './metadata-columns.js';
import { Records, RecordsBuilder } from './stored-fields.js';
import { textFields, type CollectionSchema } from './schema.js';

const IDS = 'ids.bin';
const STORED = 'stored.bin';
const COLUMNS = 'columns.bin';
const invertedFile = (field: string): string => `${field}.inv`;

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
  private readonly terms: string[] = [];

  constructor(
    private readonly schema: CollectionSchema,
    private readonly analyzers: ReadonlyMap<string, Analyzer>,
  ) {
    for (const [name] of textFields(schema)) this.inverted.set(name, new InvertedFieldBuilder());
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

  add(doc: PreparedDocument): void {
    for (const [name, builder] of this.inverted) {
      this.terms.length = 0;
      this.analyzers.get(name)!.forEachTerm(doc.texts.get(name) ?? '', (t) => this.terms.push(t));
      builder.addDocument(this.terms);
    }
    this.columns.add(doc.metadata);
    this.ids.add(doc.id);
    this.stored.add(JSON.stringify(doc.stored));
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
    for (const [field, builder] of this.inverted) files[invertedFile(field)] = writeInvertedField(join(folder, invertedFile(field)), builder.finish());
    if (!this.columns.empty) files[COLUMNS] = this.columns.write(join(folder, COLUMNS));
    files[IDS] = this.ids.write(join(folder, IDS), 'IDS ');
    files[STORED] = this.stored.write(join(folder, STORED), 'STOR');
    fsyncDirectory(folder);
    fsyncDirectory(dir);
    return { name, numDocs: this.numDocs, files };
  }
}

/** An opened, immutable segment. */
export class Segment {
  readonly fields = new Map<string, InvertedField>();
  readonly ids: Records;
  readonly stored: Records;
  readonly columns: MetadataColumns | null;

  constructor(
    dir: string,
    readonly info: SegmentInfo,
    schema: CollectionSchema,
    verifyChecksums: boolean,
  ) {
    const folder = join(dir, info.name);
    const expect = (f: string) => ({ bytes: info.files[f]?.bytes, verifyChecksum: verifyChecksums });
    for (const [field] of textFields(schema)) {
      const f = invertedFile(field);
      if (info.files[f] !== undefined) this.fields.set(field, new InvertedField(readInvertedField(join(folder, f), expect(f))));
    }
    this.ids = new Records(join(folder, IDS), 'IDS ', expect(IDS));
    this.stored = new Records(join(folder, STORED), 'STOR', expect(STORED));
    this.columns = info.files[COLUMNS] !== undefined ? readMetadataColumns(join(folder, COLUMNS), schema, expect(COLUMNS)) : null;
  }

  get numDocs(): number {
    return this.info.numDocs;
  }
}
