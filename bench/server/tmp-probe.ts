import { Collection } from '../../src/collection/index.js';
import { highlight, queryTermSet } from '../../src/search/highlight.js';
import { readQueries } from '../../src/io/beir.js';
const snap = Collection.open('/tmp/sb/data/scifact').reader();
const qs = [...readQueries('../shared/datasets/scifact/queries.jsonl').values()].slice(0, 300);
const an = snap.analyzers.get('contents')!;
for (let pass = 0; pass < 3; pass++) {
  let tq = 0, th = 0, tj = 0;
  for (const q of qs) {
    let t = performance.now();
    const r = snap.query({ retrieve: [{ field: 'contents', text: q }], k: 10 });
    tq += performance.now() - t; t = performance.now();
    const terms = queryTermSet(q, an);
    const hs = r.hits.map((h) => ({ t: highlight(String(h.stored!.title), an, terms, { maxWords: 60 }), x: highlight(String(h.stored!.text), an, terms, { maxWords: 60 }) }));
    th += performance.now() - t; t = performance.now();
    JSON.stringify({ r, hs });
    tj += performance.now() - t;
  }
  console.log(`query ${(tq / 300).toFixed(3)} ms, highlight ${(th / 300).toFixed(3)} ms, json ${(tj / 300).toFixed(3)} ms`);
}
