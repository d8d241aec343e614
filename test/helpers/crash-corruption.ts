/**
 * Corruption injected between the crash harness's kills: a flipped bit in a segment
 * file, a segment file cut short, or the newest manifest deleted. The damaged
 * collection must then be refused with an error (open, read or `check`), or still
 * hold exactly its documents; a writer run on it must refuse the damage or leave it
 * detectable, never rewrite it as a healthy segment (laundering).
 */
import { cpSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCollection, Collection } from '../../src/collection/index.js';
import { isQuarryError } from '../../src/core/quarry-error.js';
import { crashBatchDocs, expectedIds } from './crash-docs.js';

/** The kinds of damage, injected in turn. */
export const CORRUPTIONS = ['flip', 'truncate', 'manifest'] as const;
export type Corruption = (typeof CORRUPTIONS)[number];

/** What one injection came to. */
export interface CorruptionOutcome {
  kind: Corruption;
  file: string;
  /** Open, read or check refused the damaged collection with an error. */
  detected: boolean;
  /** It opened, passed check and answered with documents other than it holds. */
  silentLoss: boolean;
  /** It passed check although a file was damaged, and its documents were right (damage in bytes nothing reads, or a segment no generation names). */
  harmless: boolean;
  /**
   * The deleted manifest was a commit never acknowledged (killed before it returned), and the
   * collection opened at the commit before it, holding exactly what was acknowledged: what a
   * crash just before that commit would have left.
   */
  revertedToAcknowledged: boolean;
  /** A writer run afterwards left a collection that passes check with wrong documents. */
  laundered: boolean;
}

function segmentFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir))
    if (e.startsWith('seg-') && statSync(join(dir, e)).isDirectory())
      for (const f of readdirSync(join(dir, e))) if (statSync(join(dir, e, f)).size > 0) out.push(join(dir, e, f));
  return out.sort();
}

/** Damages the collection at `dir` as `kind` says, choosing with `random`; returns the file touched. */
export function injectCorruption(dir: string, kind: Corruption, random: () => number): string {
  const manifests = readdirSync(dir)
    .filter((f) => /^manifest-\d+\.json$/.test(f))
    .sort((a, b) => Number(/\d+/.exec(b)![0]) - Number(/\d+/.exec(a)![0]));
  const newest = join(dir, manifests[0]!);
  if (kind === 'manifest') {
    rmSync(newest);
    return newest;
  }
  // killed before the first segment was written: the newest manifest is the file to damage
  const segments = segmentFiles(dir);
  const files = segments.length > 0 ? segments : [newest];
  const file = files[Math.floor(random() * files.length)]!;
  const size = statSync(file).size;
  if (kind === 'truncate') truncateSync(file, Math.floor(size * random()));
  else {
    const bytes = readFileSync(file);
    bytes[Math.floor(random() * size)]! ^= 1 << Math.floor(random() * 8);
    writeFileSync(file, bytes);
  }
  return file;
}

/** Exactly batches 0..`last` (with the harness's deletes): ids, stored text, vectors (as cosine stores them) and each batch's postings. */
export function holdsBatches(dir: string, last: number): boolean {
  const want = expectedIds(last);
  const docs = new Map<string, Record<string, unknown>>();
  for (let b = 0; b <= last; b++) for (const d of crashBatchDocs(b)) if (want.has(d._id as string)) docs.set(d._id as string, d);
  const snap = Collection.open(dir).reader();
  try {
    if (snap.numDocs !== want.size) return false;
    const { ids, dim, rows } = snap.denseVectors('emb');
    if (ids.length !== want.size) return false;
    for (let r = 0; r < ids.length; r++) {
      const d = docs.get(ids[r]!);
      if (d === undefined) return false;
      const v = d.emb as number[];
      const n = Math.hypot(...v);
      for (let j = 0; j < dim; j++) if (Math.abs(rows[r * dim + j]! - v[j]! / n) > 1e-6) return false;
    }
    const total = snap.segments.reduce((n, seg) => n + seg.numDocs, 0);
    for (let doc = 0; doc < total; doc++) {
      if (snap.isDeleted(doc)) continue;
      const d = docs.get(snap.id(doc));
      if (d === undefined || snap.stored(doc).text !== d.text) return false;
    }
    for (let b = 0; b <= last; b++) {
      const hits = snap.search(`batch${b}`, { k: 100, includeStored: false }).map((h) => h.id);
      const expected = crashBatchDocs(b)
        .map((d) => d._id as string)
        .filter((id) => want.has(id));
      if (hits.length !== expected.length || expected.some((id) => !hits.includes(id))) return false;
    }
    return true;
  } finally {
    snap.close();
  }
}

/** Refused by open, read or check (a QuarryError), or else whether it holds exactly batches 0..last. */
export function inspect(dir: string, last: number): { refused: true } | { refused: false; exact: boolean } {
  try {
    checkCollection(dir);
    Collection.open(dir).reader().close(); // it opens at all
  } catch (e) {
    if (!isQuarryError(e)) throw e; // a crash, not a refusal: the harness reports it
    return { refused: true };
  }
  try {
    return { refused: false, exact: holdsBatches(dir, last) };
  } catch (e) {
    if (isQuarryError(e)) return { refused: true };
    return { refused: false, exact: false }; // it passed check yet its contents do not even parse
  }
}

/**
 * Damages the collection at `dir` (which holds batches 0..`last`, of which 0..`acknowledged`
 * were reported committed), judges what reading and one writer run make of it, and restores
 * it. `write(dir, first)` runs a writer from batch `first` and returns the last batch the
 * collection must then hold when it succeeded, or null when it refused.
 */
export async function corruptAndJudge(
  dir: string,
  kind: Corruption,
  random: () => number,
  last: number,
  acknowledged: number,
  write: (dir: string, first: number) => Promise<number | null>,
): Promise<CorruptionOutcome> {
  const backup = `${dir}.backup`;
  rmSync(backup, { recursive: true, force: true });
  cpSync(dir, backup, { recursive: true });
  try {
    const file = injectCorruption(dir, kind, random);
    const out: CorruptionOutcome = {
      kind,
      file,
      detected: false,
      silentLoss: false,
      harmless: false,
      revertedToAcknowledged: false,
      laundered: false,
    };
    const seen = inspect(dir, last);
    let holds = last;
    if (seen.refused) out.detected = true;
    else if (seen.exact) out.harmless = true;
    else if (kind === 'manifest' && last - 1 >= acknowledged && holdsBatches(dir, last - 1)) {
      out.revertedToAcknowledged = true;
      holds = last - 1;
    } else out.silentLoss = true;
    const after = await write(dir, holds + 1);
    if (after !== null) {
      const judged = inspect(dir, after);
      if (!judged.refused && !judged.exact) out.laundered = true;
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    cpSync(backup, dir, { recursive: true });
    rmSync(backup, { recursive: true, force: true });
  }
}
