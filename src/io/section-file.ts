/**
 * Section files: the binary container of every segment file. A 32-byte
 * header (magic, kind, format version, table-of-contents length, payload
 * length, CRC-32 of everything after the header) is followed by a small JSON
 * table of contents and raw little-endian typed arrays aligned to 8 bytes.
 * Bulk data never passes through a JavaScript string.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { ioError } from './atomic-file.js';
import { isQuarryError, QuarryError } from '../core/quarry-error.js';

const MAGIC = 0x46595251; // "QRYF" little-endian
const HEADER_BYTES = 32;

/** Typed arrays a section may hold. */
export type SectionArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

const DTYPES = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
} as const;
type DType = keyof typeof DTYPES;

interface TocEntry {
  name: string;
  dtype: DType;
  offset: number;
  length: number;
}

function dtypeOf(a: SectionArray): DType {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Float32Array) return 'f32';
  return 'f64';
}

/** What a section file's writer reports: bytes written and the checksum, for the manifest. */
export interface WrittenFile {
  bytes: number;
  crc32: number;
}

/**
 * Writes named arrays to `path` (which must not exist yet) and fsyncs it.
 * `kind` is a 4-letter tag checked on read; `meta` is small JSON kept in the table of contents.
 */
export function writeSectionFile(
  path: string,
  kind: string,
  version: number,
  sections: Record<string, SectionArray>,
  meta: Record<string, unknown> = {},
): WrittenFile {
  if (kind.length !== 4) throw new Error(`section kind must have 4 letters: ${kind}`);
  const toc: TocEntry[] = [];
  let offset = 0;
  for (const [name, arr] of Object.entries(sections)) {
    offset = align8(offset);
    toc.push({ name, dtype: dtypeOf(arr), offset, length: arr.length });
    offset += arr.byteLength;
  }
  const tocBytes = Buffer.from(JSON.stringify({ meta, sections: toc }), 'utf8');
  const dataStart = align8(HEADER_BYTES + tocBytes.length);
  const payloadBytes = dataStart - HEADER_BYTES + offset;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'wx');
    let crc = 0;
    let pos = HEADER_BYTES;
    const put = (bytes: Uint8Array): void => {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd!, bytes, off, bytes.length - off, pos + off);
      pos += bytes.length;
      crc = crc32(bytes, crc);
    };
    put(tocBytes);
    put(new Uint8Array(dataStart - pos));
    for (const entry of toc) {
      const arr = sections[entry.name]!;
      const target = dataStart + entry.offset;
      if (target > pos) put(new Uint8Array(target - pos));
      // Write in chunks so that a multi-gigabyte array never needs one huge write call.
      const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
      for (let s = 0; s < bytes.length; s += 1 << 28) put(bytes.subarray(s, Math.min(bytes.length, s + (1 << 28))));
    }
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(MAGIC, 0);
    header.write(kind, 4, 'latin1');
    header.writeUInt32LE(version, 8);
    header.writeUInt32LE(tocBytes.length, 12);
    header.writeDoubleLE(payloadBytes, 16);
    header.writeUInt32LE(crc >>> 0, 24);
    writeSync(fd, header, 0, HEADER_BYTES, 0);
    fsyncSync(fd);
    return { bytes: HEADER_BYTES + payloadBytes, crc32: crc >>> 0 };
  } catch (e) {
    throw ioError(path, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * `a` in the narrowest unsigned type that holds its largest value (8, 16 or 32
 * bits), for a section read back with `getUint32`: small counts and offsets
 * take a quarter or half of their space on disk.
 */
export function narrowUint32(a: Uint32Array): Uint8Array | Uint16Array | Uint32Array {
  let max = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > max) max = a[i]!;
  if (max <= 0xff) return Uint8Array.from(a);
  if (max <= 0xffff) return Uint16Array.from(a);
  return a;
}

/** A section file loaded into memory. */
export interface SectionFile {
  kind: string;
  version: number;
  meta: Record<string, unknown>;
  /** The named array; throws a CORRUPT error naming the file if absent (or left on disk). */
  get<T extends SectionArray>(name: string, type: new (...args: never[]) => T): T;
  /** The named unsigned array as 32-bit values, widened if it was written narrower (see `narrowUint32`). */
  getUint32(name: string): Uint32Array;
  has(name: string): boolean;
  /** Where a section left on disk (see `onDisk`) lies in the file; CORRUPT if absent or of another type. */
  locate(name: string, type: new (...args: never[]) => SectionArray): SectionLocation;
}

/** A section's place in its file, for reading parts of it later. */
export interface SectionLocation {
  path: string;
  /** Byte offset of the section's first element in the file. */
  byteOffset: number;
  /** Number of elements. */
  length: number;
}

/** What a reader expects of a section file, and which sections it leaves on disk. */
export interface SectionReadOptions {
  /** The size the manifest recorded. */
  bytes?: number;
  /** Check the CRC-32 (default true). */
  verifyChecksum?: boolean;
  /**
   * Sections not read into memory: `locate` says where they are. The rest of the
   * file is read section by section (and the checksum, if verified, computed in
   * chunks), so opening never holds the whole file in memory at once.
   */
  onDisk?: readonly string[];
}

/** Throws CORRUPT naming `path`, with the usual way out. */
function corruptFile(path: string, why: string): never {
  throw new QuarryError('CORRUPT', why, { file: path }, 'restore the collection from a snapshot or re-index');
}

/** An unsigned section as 32-bit values, through the reader's `get`; another element type is damage. */
function readUint32(path: string, name: string, byName: ReadonlyMap<string, TocEntry>, get: SectionFile['get']): Uint32Array {
  const dtype = byName.get(name)?.dtype;
  if (dtype === undefined) return corruptFile(path, `missing section "${name}"`);
  if (dtype !== 'u8' && dtype !== 'u16' && dtype !== 'u32')
    return corruptFile(path, `section "${name}" has type ${dtype}, not an unsigned integer type`);
  const arr: Uint8Array | Uint16Array | Uint32Array = get(
    name,
    DTYPES[dtype] as new (...args: never[]) => Uint8Array | Uint16Array | Uint32Array,
  );
  return arr instanceof Uint32Array ? arr : Uint32Array.from(arr);
}

/** What a valid header says. */
interface Header {
  kind: string;
  version: number;
  tocLength: number;
  crc: number;
}

/** Checks a file's 32-byte header against its size, the expected kind and version, and the manifest's size. */
function checkHeader(
  path: string,
  header: Buffer,
  size: number,
  kind: string,
  maxVersion: number,
  expectBytes: number | undefined,
): Header {
  if (size < HEADER_BYTES || header.readUInt32LE(0) !== MAGIC) corruptFile(path, 'not a Quarry data file (bad magic number)');
  const fileKind = header.toString('latin1', 4, 8);
  if (fileKind !== kind) corruptFile(path, `expected a "${kind}" file, found "${fileKind}"`);
  const version = header.readUInt32LE(8);
  if (version > maxVersion) {
    throw new QuarryError(
      'CORRUPT',
      `format version ${version} is newer than this Quarry supports (${maxVersion})`,
      { file: path },
      'upgrade Quarry',
    );
  }
  const payloadBytes = header.readDoubleLE(16);
  if (HEADER_BYTES + payloadBytes !== size)
    corruptFile(path, `size is ${size} bytes, header says ${HEADER_BYTES + payloadBytes} (truncated or extended)`);
  if (expectBytes !== undefined && expectBytes !== size) corruptFile(path, `size is ${size} bytes, the manifest says ${expectBytes}`);
  return { kind: fileKind, version, tocLength: header.readUInt32LE(12), crc: header.readUInt32LE(24) };
}

/** Parses the table of contents. */
function parseToc(path: string, text: string): { meta: Record<string, unknown>; sections: TocEntry[] } {
  try {
    return JSON.parse(text) as { meta: Record<string, unknown>; sections: TocEntry[] };
  } catch {
    return corruptFile(path, 'table of contents is not valid JSON');
  }
}

/**
 * Reads a section file, checking magic, kind, version, size and (unless
 * `verifyChecksum` is false) the CRC-32. Damage is reported as CORRUPT with the file name.
 */
export function readSectionFile(path: string, kind: string, maxVersion: number, expect?: SectionReadOptions): SectionFile {
  if (expect?.onDisk !== undefined && expect.onDisk.length > 0)
    return readSectionFileInParts(path, kind, maxVersion, expect, new Set(expect.onDisk));
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw ioError(path, e);
  }
  const corrupt = (why: string): never => corruptFile(path, why);
  const {
    kind: fileKind,
    version,
    tocLength,
    crc: want,
  } = checkHeader(path, buf.subarray(0, HEADER_BYTES), buf.length, kind, maxVersion, expect?.bytes);
  if (expect?.verifyChecksum !== false) {
    const got = crc32(buf.subarray(HEADER_BYTES)) >>> 0;
    if (want !== got) corrupt(`checksum mismatch (stored ${want.toString(16)}, computed ${got.toString(16)})`);
  }
  const toc = parseToc(path, buf.toString('utf8', HEADER_BYTES, HEADER_BYTES + tocLength));
  const dataStart = align8(HEADER_BYTES + tocLength);
  const byName = new Map(toc.sections.map((s) => [s.name, s]));
  return {
    kind: fileKind,
    version,
    meta: toc.meta,
    has: (name) => byName.has(name),
    locate: () => corrupt('no section was left on disk'),
    getUint32(name: string): Uint32Array {
      return readUint32(path, name, byName, this.get);
    },
    get<T extends SectionArray>(name: string, type: new (...args: never[]) => T): T {
      const e = byName.get(name);
      if (e === undefined) return corrupt(`missing section "${name}"`);
      const ctor = DTYPES[e.dtype] as unknown as {
        new (b: ArrayBufferLike, o: number, n: number): SectionArray;
        BYTES_PER_ELEMENT: number;
      };
      if ((ctor as unknown) !== (type as unknown)) return corrupt(`section "${name}" has type ${e.dtype}`);
      const start = buf.byteOffset + dataStart + e.offset;
      const end = dataStart + e.offset + e.length * ctor.BYTES_PER_ELEMENT;
      if (end > buf.length) return corrupt(`section "${name}" runs past the end of the file`);
      if (start % ctor.BYTES_PER_ELEMENT === 0) return new ctor(buf.buffer, start, e.length) as T;
      const copy = new Uint8Array(e.length * ctor.BYTES_PER_ELEMENT);
      copy.set(buf.subarray(dataStart + e.offset, end));
      return new ctor(copy.buffer, 0, e.length) as T;
    },
  };
}

/**
 * Fills `target` from `fd` at `position`; a file that ends first is reported as
 * damage naming `path` (it was truncated, possibly while being read).
 */
export function readFully(fd: number, target: Uint8Array, position: number, path: string): void {
  let off = 0;
  while (off < target.length) {
    const n = readSync(fd, target, off, target.length - off, position + off);
    if (n === 0) corruptFile(path, 'ends early (truncated while being read)');
    off += n;
  }
}

/**
 * Opens a section file for reading in pieces, checks its header, and runs `body`
 * with the descriptor, the file's size and the header; closes the file after, and
 * reports operating-system failures naming it.
 */
function withSectionFile<T>(
  path: string,
  kind: string,
  maxVersion: number,
  expectBytes: number | undefined,
  body: (fd: number, size: number, header: Header) => T,
): T {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(HEADER_BYTES);
    if (size >= HEADER_BYTES) readFully(fd, head, 0, path);
    return body(fd, size, checkHeader(path, head, size, kind, maxVersion, expectBytes));
  } catch (e) {
    throw ioError(path, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The table of contents of an open section file. */
function readToc(fd: number, path: string, tocLength: number): { meta: Record<string, unknown>; sections: TocEntry[] } {
  const bytes = Buffer.alloc(tocLength);
  readFully(fd, bytes, HEADER_BYTES, path);
  return parseToc(path, bytes.toString('utf8'));
}

/**
 * readSectionFile for a file with sections left on disk: the same checks, but the
 * file is read piece by piece through a descriptor instead of all at once.
 */
function readSectionFileInParts(
  path: string,
  kind: string,
  maxVersion: number,
  expect: SectionReadOptions,
  onDisk: ReadonlySet<string>,
): SectionFile {
  const corrupt = (why: string): never => corruptFile(path, why);
  return withSectionFile(path, kind, maxVersion, expect.bytes, (fd, size, { kind: fileKind, version, tocLength, crc: want }) => {
    const readAt = (target: Uint8Array, position: number): void => readFully(fd, target, position, path);
    if (expect.verifyChecksum !== false) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 23, Math.max(1, size - HEADER_BYTES)));
      let crc = 0;
      for (let pos = HEADER_BYTES; pos < size; pos += chunk.length) {
        const part = chunk.subarray(0, Math.min(chunk.length, size - pos));
        readAt(part, pos);
        crc = crc32(part, crc);
      }
      if (want !== crc >>> 0) corrupt(`checksum mismatch (stored ${want.toString(16)}, computed ${(crc >>> 0).toString(16)})`);
    }
    const toc = readToc(fd, path, tocLength);
    const dataStart = align8(HEADER_BYTES + tocLength);
    const byName = new Map(toc.sections.map((e) => [e.name, e]));
    const entry = (name: string, type: new (...args: never[]) => SectionArray): TocEntry & { bytes: number } => {
      const e = byName.get(name);
      if (e === undefined) return corrupt(`missing section "${name}"`);
      const ctor = DTYPES[e.dtype] as unknown as { BYTES_PER_ELEMENT: number } | undefined;
      if (ctor === undefined) return corrupt(`section "${name}" has an unknown type "${e.dtype}"`);
      if ((ctor as unknown) !== (type as unknown)) return corrupt(`section "${name}" has type ${e.dtype}`);
      const bytes = e.length * ctor.BYTES_PER_ELEMENT;
      if (dataStart + e.offset + bytes > size) return corrupt(`section "${name}" runs past the end of the file`);
      return { ...e, bytes };
    };
    // Every in-memory section is read now, so that the descriptor can be closed.
    const loaded = new Map<string, SectionArray>();
    for (const e of toc.sections) {
      if (onDisk.has(e.name)) continue;
      const ctor = DTYPES[e.dtype] as unknown as (new (n: number) => SectionArray) | undefined;
      if (ctor === undefined) return corrupt(`section "${e.name}" has an unknown type "${e.dtype}"`);
      const { bytes } = entry(e.name, ctor as never);
      const arr = new ctor(e.length);
      readAt(new Uint8Array(arr.buffer, 0, bytes), dataStart + e.offset);
      loaded.set(e.name, arr);
    }
    return {
      kind: fileKind,
      version,
      meta: toc.meta,
      has: (name) => byName.has(name),
      getUint32(name: string): Uint32Array {
        return readUint32(path, name, byName, this.get);
      },
      get<T extends SectionArray>(name: string, type: new (...args: never[]) => T): T {
        const arr = loaded.get(name);
        if (arr === undefined)
          return onDisk.has(name) && byName.has(name)
            ? corrupt(`section "${name}" was left on disk`)
            : corrupt(`missing section "${name}"`);
        if (!(arr instanceof type)) return corrupt(`section "${name}" has type ${byName.get(name)!.dtype}`);
        return arr;
      },
      locate(name: string, type: new (...args: never[]) => SectionArray): SectionLocation {
        const e = entry(name, type);
        return { path, byteOffset: dataStart + e.offset, length: e.length };
      },
    };
  });
}

/**
 * Reads a section left on disk (see `onDisk` and `locate`) into `target`, which
 * must be its exact size: lets a caller place large data where it will live
 * (e.g. kernel memory) without an intermediate copy.
 */
export function readSectionInto(at: SectionLocation, target: Uint8Array): void {
  let fd: number | undefined;
  try {
    fd = openSync(at.path, 'r');
    readFully(fd, target, at.byteOffset, at.path);
  } catch (e) {
    throw isQuarryError(e) ? e : ioError(at.path, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A section file's meta and section lengths, read from its header and table of
 * contents only (no data, no checksum): cheap figures about a large file.
 */
export function readSectionTableOfContents(
  path: string,
  kind: string,
  maxVersion: number,
): { meta: Record<string, unknown>; sections: { name: string; length: number }[] } {
  return withSectionFile(path, kind, maxVersion, undefined, (fd, _size, { tocLength }) => {
    const toc = readToc(fd, path, tocLength);
    return { meta: toc.meta, sections: toc.sections.map((e) => ({ name: e.name, length: e.length })) };
  });
}

/** The 4-letter kind of a section file, read from its header only. */
export function peekSectionKind(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(8);
    readSync(fd, head, 0, 8, 0);
    if (head.readUInt32LE(0) !== MAGIC) throw new QuarryError('CORRUPT', 'not a Quarry data file (bad magic number)', { file: path });
    return head.toString('latin1', 4, 8);
  } catch (e) {
    throw ioError(path, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
