/**
 * The crash harness: runs the crash writer in a child process, kills it with
 * SIGKILL after a random delay, reopens the collection and checks that every
 * commit reported before the kill is present, no partial batch is visible,
 * and searches equal a clean rebuild of exactly the visible documents. With
 * `corrupt`, each kill point also damages the collection (see crash-corruption.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Collection } from '../../src/collection/index.js';
import { CRASH_BATCH_SIZE, CRASH_SCHEMA, crashBatchDocs, expectedIds } from './crash-docs.js';
import { CORRUPTIONS, corruptAndJudge, type CorruptionOutcome } from './crash-corruption.js';

const WRITER = resolve(dirname(fileURLToPath(import.meta.url)), 'crash-writer.ts');

/** Outcome of one kill point. */
export interface KillResult {
  killedAfterMs: number;
  lastReported: number;
  visibleBatches: number;
  lostCommitted: number;
  partialBatches: number;
  failedToOpen: boolean;
  resultDifferences: number;
  /** What the writer printed when it failed by itself (it should only ever die by the kill). */
  writerError: string | null;
  /** With corruption injected after this kill point: what reading and a writer made of it. */
  corruption?: CorruptionOutcome;
}

function runWriter(dir: string, first: number, count: number, killAfterMs: number): Promise<{ last: number; error: string | null }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(first), String(count)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = first - 1;
    let buf = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const m = /^committed (\d+)$/.exec(buf.slice(0, nl));
        if (m) last = Number(m[1]);
        buf = buf.slice(nl + 1);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ last, error: signal === 'SIGKILL' || code === 0 ? null : `exit ${String(code)}: ${stderr.trim().slice(-2000)}` });
    });
  });
}

/** Runs `kills` kill points against one collection (each continues where the last stopped). */
export async function crashTest(kills: number, seed = 1, batchesPerRun = 12, corrupt = false): Promise<KillResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'quarry-crash-'));
  const dir = join(root, 'c');
  let s = seed >>> 0 || 1;
  const random = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const out: KillResult[] = [];
  let next = 0;
  /** The last batch a writer reported committed, over all runs. */
  let acknowledged = -1;
  try {
    for (let k = 0; k < kills; k++) {
      const delay = 150 + Math.floor(random() * 2500);
      const { last: lastReported, error } = await runWriter(dir, next, batchesPerRun, delay);
      const res: KillResult = {
        killedAfterMs: delay,
        lastReported,
        visibleBatches: 0,
        lostCommitted: 0,
        partialBatches: 0,
        failedToOpen: false,
        resultDifferences: 0,
        writerError: error,
      };
      if (!Collection.exists(dir)) {
        // Killed before the first commit of a new collection: nothing was promised.
        res.lostCommitted = lastReported >= 0 ? 1 : 0;
        out.push(res);
        continue;
      }
      let snap;
      try {
        snap = Collection.open(dir).reader();
      } catch {
        res.failedToOpen = true;
        out.push(res);
        break;
      }
      // Which batches are visible? A batch is all-or-nothing.
      const present = new Set<string>();
      for (const seg of snap.segments)
        for (let d = 0; d < seg.numDocs; d++) if (seg.deleted === null || seg.deleted[d] === 0) present.add(seg.ids.text(d));
      let lastVisible = -1;
      for (let b = 0; ; b++) {
        const ids = crashBatchDocs(b).map((d) => d._id as string);
        const n = ids.filter((id) => present.has(id)).length;
        if (n === 0) break;
        if (n < CRASH_BATCH_SIZE - 1) res.partialBatches++;
        lastVisible = b;
      }
      res.visibleBatches = lastVisible + 1;
      if (lastVisible < lastReported) res.lostCommitted = lastReported - lastVisible;
      const want = expectedIds(lastVisible);
      if (want.size !== present.size || [...want].some((id) => !present.has(id))) res.partialBatches++;
      // Same results as a clean rebuild of the visible documents: the full sets of
      // matching documents (scores differ legitimately while deleted documents still
      // count in BM25 statistics, as in Lucene, so top-k cut-offs are not compared).
      const cleanDir = join(root, `clean-${k}`);
      const clean = Collection.create(cleanDir, CRASH_SCHEMA);
      const w = clean.writer();
      for (let b = 0; b <= lastVisible; b++) for (const d of crashBatchDocs(b)) if (want.has(d._id as string)) w.add(d);
      w.commit();
      w.close();
      const cs = clean.reader();
      const all = Math.max(1, cs.numDocs);
      for (const q of ['river stone', 'ember batch3', 'harbor island frost']) {
        const a = snap
          .search(q, { k: all, includeStored: false })
          .map((h) => h.id)
          .sort()
          .join();
        const b = cs
          .search(q, { k: all, includeStored: false })
          .map((h) => h.id)
          .sort()
          .join();
        if (a !== b) res.resultDifferences++;
      }
      rmSync(cleanDir, { recursive: true, force: true });
      next = lastVisible + 1;
      acknowledged = Math.max(acknowledged, lastReported);
      if (corrupt) {
        // damage the healthy collection, judge what reading and one more writer run make of
        // it, and restore it for the next kill point
        res.corruption = await corruptAndJudge(
          dir,
          CORRUPTIONS[k % CORRUPTIONS.length]!,
          random,
          lastVisible,
          Math.max(acknowledged, lastReported),
          async (d, from) => {
            const r = await runWriter(d, from, 3, 120_000);
            return r.error === null && r.last === from + 2 ? from + 2 : null;
          },
        );
      }
      out.push(res);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return out;
}
