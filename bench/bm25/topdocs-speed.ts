// BM25 top-10 speed on SciFact through Snapshot.topDocs (analysis, search and id lookup,
// nothing else in the loop), for this checkout or another one (--root), so that two
// commits can be compared in one session with exactly the same work:
//   for r in ../before . ../before .; do node --import tsx bench/bm25/topdocs-speed.ts --root $r; done
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { argValue } from '../common/args.js';
import { dataset } from '../../test/helpers/shared-data.js';

const root = resolve(argValue('root', '.'));
const seconds = Number(argValue('seconds', '2'));
const { Collection, BEIR_FLAT_SCHEMA } = await import(join(root, 'src/collection/index.ts'));
const { forEachJsonObject } = await import(join(root, 'src/io/jsonl.ts'));
const { readQueries } = await import(join(root, 'src/io/beir.ts'));

const dir = mkdtempSync(join(tmpdir(), 'quarry-topdocs-'));
const c = Collection.create(join(dir, 'c'), BEIR_FLAT_SCHEMA);
const w = c.writer();
forEachJsonObject(dataset('scifact', 'corpus.jsonl'), (r: Record<string, unknown>) => w.add(r));
w.commit();
w.close();
const snap = c.reader();
const queries = [...readQueries(dataset('scifact', 'queries.jsonl'))].map(([, text]: [string, string]) => text).slice(0, 300);
for (let round = 0; round < 3; round++) {
  for (const mode of ['auto', 'exhaustive']) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      for (const q of queries) {
        const top = snap.topDocs(snap.queryTerms(q), 10, mode);
        for (const d of top.docs) snap.id(d);
        n++;
      }
    }
    console.log(`${root} round ${round + 1} ${mode}: ${Math.round(n / ((performance.now() - t0) / 1000))} queries/s`);
  }
}
snap.close();
rmSync(dir, { recursive: true, force: true });
