/** Benchmark result files (`bench/out/*.json`) for the evaluation page. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryError } from '../core/quarry-error.js';

/** One result file: its name and parsed content. */
export interface BenchResultFile {
  name: string;
  modified: string;
  data: unknown;
}

/** Reads every `*.json` file of `dir` (not recursively), skipping unreadable ones with a note. */
export function readBenchResults(dir: string): (BenchResultFile | { name: string; error: string })[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    throw new QuarryError(
      'NOT_FOUND',
      'benchmark folder cannot be read',
      { file: dir },
      'run a benchmark first (npm run bench -- dense) or point --bench at its output folder',
    );
  }
  return names.map((name) => {
    const p = join(dir, name);
    try {
      return { name, modified: statSync(p).mtime.toISOString(), data: JSON.parse(readFileSync(p, 'utf8')) as unknown };
    } catch (e) {
      return { name, error: e instanceof Error ? e.message : String(e) };
    }
  });
}
