/**
 * A section of a file read later, once the caller knows where its data will
 * live (typically kernel memory): opening an index then holds each large array
 * once, instead of a file buffer and a copy of it side by side.
 */
import { readSectionInto, type SectionArray, type SectionFile, type SectionLocation } from './section-file.js';

/** A typed-array class a deferred section can be read as. */
export interface SectionArrayType<T extends SectionArray> {
  new (length: number): T;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** A section left in its file (see `readSectionFile`'s `onDisk`), to be read into an array of the caller's choosing. */
export class DeferredArray<T extends SectionArray> {
  constructor(
    /** Where the section lies. */
    readonly at: SectionLocation,
    /** The array class its values are read as. */
    readonly type: SectionArrayType<T>,
  ) {}

  /** Number of elements. */
  get length(): number {
    return this.at.length;
  }

  /** Bytes of the values (so that kernel-memory plans can size it like an array). */
  get byteLength(): number {
    return this.at.length * this.type.BYTES_PER_ELEMENT;
  }

  /** Reads the values into `target`, which must have exactly `length` elements. */
  fill(target: T): void {
    readSectionInto(this.at, new Uint8Array(target.buffer, target.byteOffset, target.byteLength));
  }

  /** Reads the values into a new array. */
  read(): T {
    const out = new this.type(this.length);
    this.fill(out);
    return out;
  }
}

/** The values of an array or of a deferred section, as an array (read now when deferred). */
export function materialize<T extends SectionArray>(data: T | DeferredArray<T>): T {
  return data instanceof DeferredArray ? data.read() : data;
}

/** A section of `f` left on disk (named in its `onDisk`), deferred. */
export function deferSection<T extends SectionArray>(f: SectionFile, name: string, type: SectionArrayType<T>): DeferredArray<T> {
  return new DeferredArray(f.locate(name, type), type);
}
