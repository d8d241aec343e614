// Fuzzing at length: every target of bench/fuzz/targets.ts for a share of the time, each
// input under a deadline; prints executions, distinct crashes, hangs and 5xx answers per
// target (goal: 0 of each).
// Usage: npm run bench -- fuzz [--seconds 600] [--executions 1000000] [--deadline-ms 2000] [--seed 1]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argNumber } from '../common/args.js';
import { createFuzzTargets, fuzz, type FuzzReport } from './targets.js';

const seconds = argNumber('seconds', 600);
const executions = argNumber('executions', 1_000_000);
const deadlineMs = argNumber('deadline-ms', 2000);
const seed = argNumber('seed', 1);

const dir = mkdtempSync(join(tmpdir(), 'quarry-fuzz-'));
const { targets, close } = await createFuzzTargets(dir);
const reports: FuzzReport[] = [];
for (const target of targets) {
  const r = await fuzz(target, { executions: Math.ceil(executions / targets.length), seconds: seconds / targets.length, deadlineMs, seed });
  reports.push(r);
  console.log(
    `${r.target.padEnd(22)} ${r.executions.toLocaleString('en-US').padStart(10)} executions, ${r.crashes.size} distinct crashes, ${r.hangs} hangs over ${deadlineMs} ms, ${r.serverErrors} answers >= 500; slowest ${r.slowestMs.toFixed(0)} ms`,
  );
  for (const [crash, input] of r.crashes) console.log(`  crash: ${crash}\n    input: ${input}`);
}
const total = reports.reduce((a, r) => a + r.executions, 0);
const bad = reports.reduce((a, r) => a + r.crashes.size + r.hangs + r.serverErrors, 0);
console.log(`total ${total.toLocaleString('en-US')} executions; ${bad === 0 ? 'no crash, hang or 5xx' : `${bad} problems`}`);
await close();
rmSync(dir, { recursive: true, force: true });
process.exit(bad === 0 ? 0 : 1);
