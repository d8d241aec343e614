/** Locations of the read-only shared datasets used by integration tests. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Root of `../shared/datasets` relative to the repository (override with QUARRY_SHARED_DATASETS). */
export const DATASETS = process.env.QUARRY_SHARED_DATASETS ?? resolve(here, '../../../shared/datasets');

/** Absolute path of a file inside the shared datasets folder. */
export function dataset(...parts: string[]): string {
  return join(DATASETS, ...parts);
}

/** True when the shared datasets are present (they are on developer and CI machines). */
export const HAVE_DATASETS = existsSync(DATASETS);
