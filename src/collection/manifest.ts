/**
 * The manifest: the JSON record of one committed generation (schema, segment
 * list with file sizes and checksums). A commit writes `manifest-<gen>.json`
 * atomically, with a CRC-32 of its own text, then `LATEST` (the generation just
 * committed); the highest generation on disk is the current one, and a `LATEST`
 * naming a generation whose manifest is gone means a commit was lost: the
 * collection is refused rather than read as an older (or empty) one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { writeFileAtomic } from '../io/atomic-file.js';
import { QuarryError } from '../core/quarry-error.js';
import type { WrittenFile } from '../io/section-file.js';
import { parseSchema, type CollectionSchema } from './schema.js';
import type { RecallCurve } from '../index/dense/recall-tuning.js';
import type { TombstoneInfo } from './tombstones.js';

/** Current manifest format. */
export const MANIFEST_FORMAT = 1;

/** One segment as recorded in the manifest. */
export interface SegmentInfo {
  name: string;
  numDocs: number;
  /** Data files of the segment with their sizes and CRC-32s. */
  files: Record<string, WrittenFile>;
  /** Tombstones of deleted documents, when any. */
  deletes?: TombstoneInfo;
  /** Per dense field with an approximate index: the recall of its search settings, measured when the segment was built. */
  tuning?: Record<string, RecallCurve>;
}

/** One committed generation of a collection. */
export interface Manifest {
  format: number;
  generation: number;
  schema: CollectionSchema;
  segments: SegmentInfo[];
  /** Number for the next new segment folder. */
  nextSegment: number;
  committedAt: string;
}

const MANIFEST_RE = /^manifest-(\d+)\.json$/;

/** The file naming the generation of the last commit. */
export const LATEST_FILE = 'LATEST';

/** Segment folders are named `seg-<n>`: a manifest can name nothing outside the collection. */
const SEGMENT_NAME = /^seg-\d+$/;
/** Files inside a segment folder: plain names. */
const SEGMENT_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** File name of a generation's manifest. */
export function manifestName(generation: number): string {
  return `manifest-${generation}.json`;
}

/** Generations present in `dir`, newest first. */
export function listGenerations(dir: string): number[] {
  // a plain file where a collection might be (a README in a data folder) holds no generations
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .map((f) => MANIFEST_RE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
}

/** Reads the newest manifest of a collection folder. */
export function readLatestManifest(dir: string): Manifest {
  const gens = listGenerations(dir);
  if (gens.length === 0) {
    throw new QuarryError(
      'NOT_FOUND',
      'not a Quarry collection (no manifest)',
      { file: dir },
      'create it with `quarry index DIR --corpus FILE`',
    );
  }
  const latest = latestCommitted(dir);
  if (latest !== null && latest > gens[0]!) {
    throw new QuarryError(
      'CORRUPT',
      `${manifestName(latest)} is missing: the last commit was generation ${latest}, the newest manifest left is ${gens[0]}`,
      { file: join(dir, manifestName(latest)) },
      `restore the collection from a snapshot (quarry snapshot); to go back to generation ${gens[0]} on purpose, delete ${join(dir, LATEST_FILE)}`,
    );
  }
  return readManifest(dir, gens[0]!);
}

/** The generation `LATEST` names, or null when there is none (collections written before it). */
function latestCommitted(dir: string): number | null {
  const path = join(dir, LATEST_FILE);
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8').trim();
  if (!/^\d+$/.test(text))
    throw new QuarryError('CORRUPT', `does not hold a generation number: ${JSON.stringify(text.slice(0, 40))}`, { file: path });
  return Number(text);
}

/** Reads and checks one generation's manifest. */
export function readManifest(dir: string, generation: number): Manifest {
  const path = join(dir, manifestName(generation));
  let m: Manifest & { crc32?: unknown };
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Manifest & { crc32?: unknown };
  } catch (e) {
    throw new QuarryError(
      'CORRUPT',
      `manifest is unreadable: ${(e as Error).message}`,
      { file: path },
      'restore the collection from a snapshot',
    );
  }
  if (m.format !== MANIFEST_FORMAT) {
    throw new QuarryError('CORRUPT', `manifest format ${String(m.format)} is not supported (expected ${MANIFEST_FORMAT})`, { file: path });
  }
  // manifests written before checksums have none; every commit since writes one
  if (m.crc32 !== undefined) {
    const { crc32: stored, ...body } = m;
    if (stored !== manifestChecksum(body as Manifest))
      throw new QuarryError(
        'CORRUPT',
        'manifest checksum mismatch: the file was changed after it was written',
        { file: path },
        'restore the collection from a snapshot',
      );
    m = body as Manifest;
  }
  if (m.generation !== generation || !Array.isArray(m.segments))
    throw new QuarryError('CORRUPT', 'manifest is inconsistent', { file: path });
  for (const seg of m.segments) {
    const files = [...Object.keys(seg.files ?? {}), ...(seg.deletes !== undefined ? [seg.deletes.file] : [])];
    if (typeof seg.name !== 'string' || !SEGMENT_NAME.test(seg.name) || files.some((f) => typeof f !== 'string' || !SEGMENT_FILE.test(f)))
      throw new QuarryError('CORRUPT', `manifest names a segment or file outside the collection: ${JSON.stringify(seg.name)}`, {
        file: path,
      });
  }
  m.schema = parseSchema(m.schema, path);
  return m;
}

/** The CRC-32 of a manifest's text as written without its checksum. */
function manifestChecksum(m: Manifest): number {
  return crc32(JSON.stringify(m, null, 1)) >>> 0;
}

/** Durably writes a manifest as the newest generation. */
export function writeManifest(dir: string, m: Manifest): void {
  writeFileAtomic(join(dir, manifestName(m.generation)), JSON.stringify({ ...m, crc32: manifestChecksum(m) }, null, 1) + '\n');
  // after the manifest: a crash between the two leaves LATEST behind, never ahead
  writeFileAtomic(join(dir, LATEST_FILE), `${m.generation}\n`);
}

/**
 * Checks that every file a manifest names is there (a stat each, no reading): a writer
 * opening on a collection whose files were deleted would otherwise commit a generation
 * that names them again. Damaged contents are found where they are read: opening a
 * snapshot, and merges, verify sizes and checksums.
 */
export function checkSegmentFilesPresent(dir: string, m: Manifest): void {
  for (const seg of m.segments) {
    const files = [...Object.keys(seg.files), ...(seg.deletes !== undefined ? [seg.deletes.file] : [])];
    for (const f of files) {
      const path = join(dir, seg.name, f);
      if (!existsSync(path))
        throw new QuarryError(
          'CORRUPT',
          'is missing',
          { file: path },
          `manifest-${m.generation}.json names it; restore the collection from a snapshot`,
        );
    }
  }
}
