// Long crash test: SIGKILL a writer (ingest, commit, delete, merge) at
// random moments, N times, and count lost commits, collections that fail to
// open, partial commits and result differences against a clean rebuild.
// Usage: npm run bench -- crash [--kills 200] [--seed 1]
import { crashTest } from '../../test/helpers/crash-harness.js';
import { argNumber } from '../common/args.js';
import { printTable, writeJson } from '../report.js';

const kills = argNumber('kills', 200);
const seed = argNumber('seed', 1);
const started = performance.now();
const results = await crashTest(kills, seed);
const sum = (f: (r: (typeof results)[number]) => number): number => results.reduce((a, r) => a + f(r), 0);
const summary = {
  'kill points': results.length,
  'lost committed batches': sum((r) => r.lostCommitted),
  'failed to open': sum((r) => (r.failedToOpen ? 1 : 0)),
  'writer failures (not the kill)': sum((r) => (r.writerError !== null ? 1 : 0)),
  'partial commits visible': sum((r) => r.partialBatches),
  'result differences': sum((r) => r.resultDifferences),
  'batches committed in total': results.length > 0 ? results[results.length - 1]!.visibleBatches : 0,
  minutes: (performance.now() - started) / 60000,
};
printTable([summary]);
writeJson('crash', { kills, seed, summary, results });
