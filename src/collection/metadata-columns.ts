/**
 * Metadata fields as columns, for filters and facets: keyword fields as
 * dictionary ordinals (several per document allowed), numbers as float64
 * (NaN when missing), booleans as bytes (0 false, 1 true, 2 missing).
 */
import { readSectionFile, writeSectionFile, type WrittenFile } from '../io/section-file.js';
import type { MetadataValue } from './document.js';
import type { CollectionSchema } from './schema.js';

const KIND = 'COLS';

/** Builds the columns of one segment. */
export class MetadataColumnsBuilder {
  private readonly numbers = new Map<string, number[]>();
  private readonly booleans = new Map<string, number[]>();
  private readonly keywords = new Map<string, { dict: Map<string, number>; offsets: number[]; ords: number[] }>();
  private docs = 0;

  constructor(schema: CollectionSchema) {
    for (const [name, spec] of Object.entries(schema.fields)) {
      if (spec.type === 'number') this.numbers.set(name, []);
      else if (spec.type === 'boolean') this.booleans.set(name, []);
      else if (spec.type === 'keyword') this.keywords.set(name, { dict: new Map(), offsets: [0], ords: [] });
    }
  }

  /** An estimate of the bytes the builder holds (8 per value and column). */
  get allocatedBytes(): number {
    let values = this.docs * (this.numbers.size + this.booleans.size);
    for (const col of this.keywords.values()) values += col.ords.length + col.offsets.length + col.dict.size * 8;
    return values * 8;
  }

  get empty(): boolean {
    return this.numbers.size + this.booleans.size + this.keywords.size === 0;
  }

  add(values: ReadonlyMap<string, MetadataValue>): void {
    this.docs++;
    for (const [name, col] of this.numbers) col.push(values.has(name) ? (values.get(name) as number) : NaN);
    for (const [name, col] of this.booleans) col.push(values.has(name) ? (values.get(name) ? 1 : 0) : 2);
    for (const [name, col] of this.keywords) {
      const v = values.get(name);
      for (const s of v === undefined ? [] : Array.isArray(v) ? v : [v as string]) {
        let ord = col.dict.get(s);
        if (ord === undefined) col.dict.set(s, (ord = col.dict.size));
        col.ords.push(ord);
      }
      col.offsets.push(col.ords.length);
    }
  }

  write(path: string): WrittenFile {
    const sections: Record<string, Uint8Array | Uint32Array | Float64Array> = {};
    for (const [name, col] of this.numbers) sections[`n:${name}`] = Float64Array.from(col);
    for (const [name, col] of this.booleans) sections[`b:${name}`] = Uint8Array.from(col);
    const dictionaries: Record<string, string[]> = {};
    for (const [name, col] of this.keywords) {
      sections[`ko:${name}`] = Uint32Array.from(col.offsets);
      sections[`kv:${name}`] = Uint32Array.from(col.ords);
      dictionaries[name] = [...col.dict.keys()];
    }
    return writeSectionFile(path, KIND, 1, sections, { docs: this.docs, dictionaries });
  }
}

/** Columns read back from a segment. */
export interface MetadataColumns {
  numbers: Map<string, Float64Array>;
  booleans: Map<string, Uint8Array>;
  keywords: Map<string, { values: string[]; offsets: Uint32Array; ords: Uint32Array }>;
}

/** Reads the columns of a segment. */
export function readMetadataColumns(
  path: string,
  schema: CollectionSchema,
  expect?: { bytes?: number; verifyChecksum?: boolean },
): MetadataColumns {
  const f = readSectionFile(path, KIND, 1, expect);
  const dictionaries = (f.meta.dictionaries ?? {}) as Record<string, string[]>;
  const cols: MetadataColumns = { numbers: new Map(), booleans: new Map(), keywords: new Map() };
  for (const [name, spec] of Object.entries(schema.fields)) {
    if (spec.type === 'number') cols.numbers.set(name, f.get(`n:${name}`, Float64Array));
    else if (spec.type === 'boolean') cols.booleans.set(name, f.get(`b:${name}`, Uint8Array));
    else if (spec.type === 'keyword') {
      cols.keywords.set(name, {
        values: dictionaries[name] ?? [],
        offsets: f.get(`ko:${name}`, Uint32Array),
        ords: f.get(`kv:${name}`, Uint32Array),
      });
    }
  }
  return cols;
}
