// Long crash test: SIGKILL a writer (ingest, commit, delete, merge) at
// random moments, N times, and count lost commits, collections that fail to
// open, partial commits and result differences against a clean rebuild.
// With --corrupt, after each kill point the collection is damaged in turn by a flipped bit in
// a segment file, a segment file cut short and a deleted newest manifest; reading must refuse
// it or still answer exactly, and a writer run on it must not launder the damage.
// Usage: npm run bench -- crash [--kills 200] [--seed 1] [--corrupt]
import { crashTest } from '../../test/helpers/crash-harness.js';
import { argNumber } from '../common/args.js';
import { printTable, writeJson } from '../report.js';

const kills = argNumber('kills', 200);
const seed = argNumber('seed', 1);
const started = performance.now();
const corrupt = process.argv.includes('--corrupt');
const results = await crashTest(kills, seed, 12, corrupt);
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
if (corrupt) {
  const judged = results.flatMap((r) => (r.corruption === undefined ? [] : [r.corruption]));
  Object.assign(summary, {
    'corruptions injected': judged.length,
    'refused (detected)': judged.filter((c) => c.detected).length,
    'harmless (unread bytes, answers exact)': judged.filter((c) => c.harmless).length,
    'reverted past an unacknowledged commit': judged.filter((c) => c.revertedToAcknowledged).length,
    'silent data loss': judged.filter((c) => c.silentLoss).length,
    laundered: judged.filter((c) => c.laundered).length,
  });
}
printTable([summary]);
writeJson(corrupt ? 'crash-corrupt' : 'crash', { kills, seed, corrupt, summary, results });
