/**
 * What every index family declares about itself, whatever it indexes: its name, what
 * it is, and the parameters it takes when built and when searched. Each kind of field
 * adds its own build, write and read (dense-family.ts, sparse-family.ts, and the
 * single families of text and multi-vector fields).
 */
import type { ParamRanges, SearchParamRanges } from './param-ranges.js';

/** The kind of field an index family indexes. */
export type IndexedFieldKind = 'text' | 'dense' | 'sparse' | 'multivector';

/** An index family's description. */
export interface IndexFamilyInfo<Name extends string = string> {
  readonly kind: IndexedFieldKind;
  /** The name a schema gives (`"hnsw"`), or the family's own name where a kind has one family. */
  readonly name: Name;
  /** One line on what it is, for help texts and `quarry info`. */
  readonly summary: string;
  /** Build parameters a schema may give, with the values they may take. */
  readonly params: ParamRanges;
  /** Search parameters a query may give, with the values they may take. */
  readonly searchParams: SearchParamRanges;
}
