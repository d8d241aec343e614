// BM25 top-10 speed on SciFact (analysis, search and id lookup, nothing else in the loop),
// for this checkout and, with --compare, another one loaded into the same process, their
// rounds alternating so that both see the same machine state and warm-up:
//   node --import tsx bench/bm25/topdocs-speed.ts --compare ../before [--via topdocs|query] [--rounds 6]
// `--via query` runs the same search as a one-leg query spec with a 10 s deadline (where
// the checkout has deadlines; older ones ignore the option).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { argValue } from '../common/args.js';
import { dataset } from '../../test/helpers/shared-data.js';

const seconds = Number(argValue('seconds', '2'));
const rounds = Number(argValue('rounds', '6'));
const via = argValue('via', 'topdocs');
const roots = [resolve('.'), ...(argValue('compare', '') === '' ? [] : [resolve(argValue('compare', ''))])];
const dir = mkdtempSync(join(tmpdir(), 'quarry-topdocs-'));

interface Side {
  root: string;
  run: (q: string, mode: string) => void;
  close: () => void;
}

async function open(root: string, i: number): Promise<Side> {
  const { Collection, BEIR_FLAT_SCHEMA } = await import(join(root, 'src/collection/index.ts'));
  const { forEachJsonObject } = await import(join(root, 'src/io/jsonl.ts'));
  const c = Collection.create(join(dir, `c${i}`), BEIR_FLAT_SCHEMA);
  const w = c.writer();
  forEachJsonObject(dataset('scifact', 'corpus.jsonl'), (r: Record<string, unknown>) => w.add(r));
  w.commit();
  w.close();
  const snap = c.reader();
  const run =
    via === 'query'
      ? (q: string, mode: string): void =>
          void snap.query({ retrieve: [{ field: 'contents', text: q, mode }], k: 10 }, { includeStored: false, timeoutMs: 10_000 })
      : (q: string, mode: string): void => {
          const top = snap.topDocs(snap.queryTerms(q), 10, mode);
          for (const d of top.docs) snap.id(d);
        };
  return { root, run, close: () => snap.close() };
}

const { readQueries } = await import('../../src/io/beir.js');
const queries = [...readQueries(dataset('scifact', 'queries.jsonl'))].map(([, text]) => text).slice(0, 300);
const sides: Side[] = [];
for (const [i, root] of roots.entries()) sides.push(await open(root, i));
const results = new Map<string, number[]>();
for (let round = 0; round < rounds; round++) {
  for (const mode of ['auto', 'exhaustive']) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < seconds * 1000) {
        for (const q of queries) {
          side.run(q, mode);
          n++;
        }
      }
      const qps = Math.round(n / ((performance.now() - t0) / 1000));
      const key = `${side.root} ${via} ${mode}`;
      results.set(key, [...(results.get(key) ?? []), qps]);
      console.log(`round ${round + 1} ${key}: ${qps} queries/s`);
    }
  }
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
for (const [key, xs] of results) console.log(`median ${key}: ${Math.round(median(xs))} queries/s`);
for (const s of sides) s.close();
rmSync(dir, { recursive: true, force: true });
