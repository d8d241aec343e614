/** The inverted family of text fields: BM25 scored as Lucene's BM25Similarity, exact top k by MaxScore with block maxima. */
import type { WrittenFile } from '../../io/section-file.js';
import type { IndexFamilyInfo } from '../index-family.js';
import { InvertedFieldBuilder } from './build.js';
import { readInvertedField, readInvertedFieldCounts, writeInvertedField } from './format.js';
import { InvertedField } from './inverted-field.js';

/** The inverted family: how a segment builds, writes and reads a text field (`<field>.inv`). */
export interface InvertedFamily extends IndexFamilyInfo<'bm25'> {
  readonly kind: 'text';
  readonly fileExtension: string;
  /** A builder that collects a segment's analyzed documents. */
  builder(options: { positions: boolean }): InvertedFieldBuilder;
  write(path: string, builder: InvertedFieldBuilder): WrittenFile;
  read(path: string, options: { bytes?: number; verifyChecksum?: boolean }): InvertedField;
  /** Terms and postings of a written field, from its table of contents alone. */
  counts(path: string): { terms: number; postings: number; positions: boolean };
}

/** The inverted family's definition. */
export const INVERTED_FAMILY: InvertedFamily = {
  kind: 'text',
  name: 'bm25',
  summary: 'BM25 as Lucene scores it, exact top k by MaxScore over blocks of 128 postings',
  fileExtension: 'inv',
  params: { k1: { min: 0, minExclusive: true, integer: false }, b: { min: 0, max: 1, integer: false } },
  searchParams: {},
  builder: (options) => new InvertedFieldBuilder(options),
  write: (path, builder) => writeInvertedField(path, builder.finish()),
  read: (path, options) => new InvertedField(readInvertedField(path, options)),
  counts: readInvertedFieldCounts,
};
