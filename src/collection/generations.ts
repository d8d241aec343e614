/**
 * Clean-up of old generations. Readers load a snapshot's files fully when
 * they open it, so files can be removed once a newer generation is durable;
 * the previous generation is kept so that a reader opening concurrently with
 * a commit still finds its files.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listGenerations, manifestName, readManifest } from './manifest.js';
import { CODEBOOKS_FOLDER, codebookFileName } from '../learn/trained-codes/codebook-file.js';

/** Keeps the manifests of `current` and the one before; removes older ones and files no kept manifest references. */
export function removeOldGenerations(dir: string, current: number): void {
  const gens = listGenerations(dir);
  const keep = gens.filter((g) => g >= current - 1);
  const referenced = new Set<string>();
  const codebooks = new Set<string>();
  for (const g of keep) {
    const m = readManifest(dir, g);
    for (const [field, spec] of Object.entries(m.schema.fields))
      if (spec.type === 'dense' && spec.codebook !== undefined) codebooks.add(codebookFileName(field, spec.codebook.version));
    for (const s of m.segments) {
      referenced.add(s.name);
      if (s.deletes !== undefined) referenced.add(`${s.name}/${s.deletes.file}`);
    }
  }
  for (const g of gens) if (!keep.includes(g)) removeQuietly(join(dir, manifestName(g)));
  for (const entry of readdirSync(dir)) {
    if (!/^seg-\d+$/.test(entry)) continue;
    if (!referenced.has(entry)) {
      removeQuietly(join(dir, entry));
      continue;
    }
    for (const f of readdirSync(join(dir, entry))) {
      if (/^deletes-\d+\.bin$/.test(f) && !referenced.has(`${entry}/${f}`)) removeQuietly(join(dir, entry, f));
    }
  }
  // codebooks no kept schema names: replaced by a newer training, or left by one that never committed
  const folder = join(dir, CODEBOOKS_FOLDER);
  if (existsSync(folder))
    for (const f of readdirSync(folder)) if (f.endsWith('.safetensors') && !codebooks.has(f)) removeQuietly(join(folder, f));
}

/**
 * Removes a file or folder, ignoring failure. This runs after the new generation is
 * durable, so a file that cannot be removed now (held open elsewhere, a permission
 * problem) must not make the commit look failed; the next commit, or opening the
 * collection, removes what is left.
 */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // left for the next clean-up
  }
}
