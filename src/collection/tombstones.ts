/**
 * Deleted documents of a segment (tombstones). Segments never change; each
 * commit that deletes from a segment writes a new tombstone file
 * `deletes-<generation>.bin` in the segment folder, recorded in the
 * manifest, so older generations keep their own view.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readSectionFile, writeSectionFile, type WrittenFile } from '../io/section-file.js';

/** The manifest's record of a segment's tombstones. */
export interface TombstoneInfo {
  file: string;
  count: number;
  bytes: number;
  crc32: number;
}

/** Writes the deleted flags (1 = deleted) of a segment as a new tombstone file. */
export function writeTombstones(dir: string, segment: string, generation: number, deleted: Uint8Array): TombstoneInfo {
  const file = `deletes-${generation}.bin`;
  // A file of this name can only be left by a commit that failed before its manifest: replace it.
  rmSync(join(dir, segment, file), { force: true });
  let count = 0;
  for (const d of deleted) count += d;
  const w: WrittenFile = writeSectionFile(join(dir, segment, file), 'DELS', 1, { deleted }, { count });
  return { file, count, bytes: w.bytes, crc32: w.crc32 };
}

/** Reads a segment's tombstones. */
export function readTombstones(dir: string, segment: string, info: TombstoneInfo, verifyChecksum: boolean): Uint8Array {
  return readSectionFile(join(dir, segment, info.file), 'DELS', 1, { bytes: info.bytes, verifyChecksum })
    .get('deleted', Uint8Array)
    .slice();
}
