/**
 * The manifest: the JSON record of one committed generation (schema, segment
 * list with file sizes and checksums). A commit writes `manifest-<gen>.json`
 * atomically; the highest generation on disk is the current one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-file.js';
import { QuarryError } from '../core/quarry-error.js';
import type { WrittenFile } from '../io/section-file.js';
import { parseSchema, type CollectionSchema } from './schema.js';
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
  return readManifest(dir, gens[0]!);
}

/** Reads and checks one generation's manifest. */
export function readManifest(dir: string, generation: number): Manifest {
  const path = join(dir, manifestName(generation));
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
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
  if (m.generation !== generation || !Array.isArray(m.segments))
    throw new QuarryError('CORRUPT', 'manifest is inconsistent', { file: path });
  m.schema = parseSchema(m.schema, path);
  return m;
}

/** Durably writes a manifest as the newest generation. */
export function writeManifest(dir: string, m: Manifest): void {
  writeFileAtomic(join(dir, manifestName(m.generation)), JSON.stringify(m, null, 1) + '\n');
}
