/** Checking a collection's files and copying a committed generation (snapshots). */
import { copyFileSync, existsSync, linkSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fsyncDirectory, ioError } from '../io/atomic-file.js';
import { QuarryError } from '../core/quarry-error.js';
import { listGenerations, readLatestManifest, readManifest, writeManifest } from './manifest.js';
import { Snapshot } from './snapshot/snapshot.js';
import { CALIBRATION_FILE } from './calibration-file.js';
import { ADAPTERS_FOLDER, listFieldAdapters } from '../learn/drift/drift-adapter-file.js';

/** What `checkCollection` verified. */
export interface CheckReport {
  generation: number;
  segments: number;
  files: number;
  documents: number;
}

/**
 * Verifies the newest generation: every referenced file exists with the
 * recorded size, header and CRC-32. Throws CORRUPT naming the first damaged
 * file. Older manifests must at least parse.
 */
export function checkCollection(dir: string): CheckReport {
  const m = readLatestManifest(dir);
  for (const g of listGenerations(dir)) readManifest(dir, g);
  const snap = new Snapshot(dir, m, true);
  let files = 0;
  for (const s of m.segments) files += Object.keys(s.files).length + (s.deletes !== undefined ? 1 : 0);
  return { generation: m.generation, segments: m.segments.length, files, documents: snap.numDocs };
}

/**
 * Copies the newest committed generation of `dir` into `dest` (which must
 * not exist): segment files are hard-linked when possible (they never
 * change), copied otherwise, with the calibration and drift adapters
 * (copied: they can be refitted in place); the manifest is written last.
 */
export function snapshotCollection(dir: string, dest: string): { generation: number; files: number; linked: boolean } {
  const m = readLatestManifest(dir);
  if (existsSync(dest)) throw new QuarryError('ALREADY_EXISTS', 'snapshot destination exists', { file: dest }, 'choose a new folder');
  try {
    mkdirSync(dest, { recursive: true });
  } catch (e) {
    throw ioError(dest, e);
  }
  let files = 0;
  let linked = true;
  for (const s of m.segments) {
    mkdirSync(join(dest, s.name));
    const names = [...Object.keys(s.files), ...(s.deletes !== undefined ? [s.deletes.file] : [])];
    for (const f of names) {
      const from = join(dir, s.name, f);
      const to = join(dest, s.name, f);
      try {
        linkSync(from, to);
      } catch {
        linked = false;
        try {
          copyFileSync(from, to);
        } catch (e) {
          throw ioError(from, e);
        }
      }
      files++;
    }
    fsyncDirectory(join(dest, s.name));
  }
  // What was fitted on the collection goes with it: the relevance calibration and the drift adapters.
  const sideFiles = [CALIBRATION_FILE, ...listFieldAdapters(dir).map((name) => join(ADAPTERS_FOLDER, `${name}.safetensors`))];
  for (const f of sideFiles) {
    const from = join(dir, f);
    if (!existsSync(from)) continue;
    try {
      mkdirSync(dirname(join(dest, f)), { recursive: true });
      copyFileSync(from, join(dest, f));
    } catch (e) {
      throw ioError(from, e);
    }
    files++;
  }
  writeManifest(dest, m);
  return { generation: m.generation, files, linked };
}
