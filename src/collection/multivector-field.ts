/**
 * A segment's multi-vector field: the token store (`<field>.mvec`) and,
 * when MUVERA encodings use a dense family, that family's index
 * (`<field>.mfde`; columnar encodings live inside the store).
 */
import { join } from 'node:path';
import type { RecallCurve } from '../index/dense/recall-tuning.js';
import { tuneMultiVector } from '../index/multivector/multivector-recall-tuning.js';
import type { WrittenFile } from '../io/section-file.js';
import { GrowableF32 } from '../kernels/growable-arrays.js';
import type { MultiVectorIndex } from '../index/multivector/index.js';
import { MULTIVECTOR_FAMILY } from '../index/multivector/multivector-family.js';
import type { MultiVectorFieldSpec } from './schema.js';

const storeFile = (f: string): string => `${f}.mvec`;
const fdeFile = (f: string): string => `${f}.mfde`;

/** Collects a segment's token vectors, document by document. */
export class MultiVectorFieldBuilder {
  private readonly tokens = new GrowableF32(1 << 16);
  private readonly offsets: number[] = [0];

  /** `fromStore`: tokens come from another store (a merge), already normalized and quantized. */
  constructor(
    private readonly spec: MultiVectorFieldSpec,
    private readonly fromStore = false,
  ) {}

  /** Bytes the builder holds (allocated capacity). */
  get allocatedBytes(): number {
    return this.tokens.data.byteLength + this.offsets.length * 8;
  }

  /** Adds one document's tokens (rows of dim; may be empty). */
  add(rows: Float32Array): void {
    for (let i = 0; i < rows.length; i++) this.tokens.push(rows[i]!);
    this.offsets.push(this.offsets.at(-1)! + rows.length / this.spec.dim);
  }

  /** Builds and writes the field into `folder`; a MUVERA field's measured recall curve goes into `tuning[field]`. */
  write(folder: string, field: string, tuning?: Record<string, RecallCurve>): Record<string, WrittenFile> {
    const index = MULTIVECTOR_FAMILY.build(this.tokens.view().slice(), Uint32Array.from(this.offsets), {
      dim: this.spec.dim,
      metric: this.spec.metric,
      storage: this.spec.storage,
      muvera: this.spec.muvera ?? null,
      prenormalized: this.fromStore,
    });
    const written = MULTIVECTOR_FAMILY.write(join(folder, storeFile(field)), join(folder, fdeFile(field)), index);
    const files: Record<string, WrittenFile> = { [storeFile(field)]: written.store! };
    if (written.fde !== null) files[fdeFile(field)] = written.fde;
    const curve = tuning === undefined ? undefined : tuneMultiVector(index);
    if (curve !== undefined) tuning![field] = curve;
    return files;
  }
}

/** Opens a segment's multi-vector field. */
export function openMultiVectorField(
  folder: string,
  field: string,
  spec: MultiVectorFieldSpec,
  files: Record<string, WrittenFile>,
  verifyChecksum: boolean,
): MultiVectorIndex {
  const expect = (path: string) => ({ bytes: files[path.slice(folder.length + 1)]?.bytes, verifyChecksum });
  return MULTIVECTOR_FAMILY.read(
    join(folder, storeFile(field)),
    files[fdeFile(field)] !== undefined ? join(folder, fdeFile(field)) : null,
    spec.muvera ?? null,
    expect,
  );
}

/** Document `doc`'s token rows as stored (dequantized for int8 and binary), for merges. */
export function documentTokens(index: MultiVectorIndex, doc: number): Float32Array {
  return index.documentRows(doc);
}
