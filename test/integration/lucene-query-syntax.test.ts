// Structured queries score exactly as Lucene 8.7 scores them: the fixture holds
// Lucene's top 10 (classic QueryParser with leading wildcards allowed, EnglishAnalyzer, BM25 0.9/0.4) for 1,134
// phrase, sloppy-phrase (with repeated words), required/excluded, AND/OR, prefix, fuzzy, wildcard (leading too),
// term-range, regular-expression (with &, ~ and <n-m>), *:*, group, boost and escaped-text queries on the bundled CACM collection, written by
// bench/bm25/query-syntax-parity.ts; every list must match id for id and float for float.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_CACM } from '../../src/cli/bundled-data.js';
import { parseSchema } from '../../src/collection/index.js';
import { forEachBeirDocument } from '../../src/io/beir.js';
import { buildCollection } from '../helpers/build-collection.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('Lucene classic query syntax parity (CACM)', () => {
  it("gives Lucene 8.7's top 10, ids and float scores, for all 1,134 queries", () => {
    const docs: { _id: string; body: string }[] = [];
    forEachBeirDocument(join(BUNDLED_CACM, 'corpus.jsonl'), (d) =>
      docs.push({ _id: d.id, body: `${d.title} ${d.text}`.replace(/[\t\r\n]+/g, ' ') }),
    );
    const snap = buildCollection(
      tempDir(),
      docs,
      parseSchema({ id: '_id', fields: { contents: { type: 'text', from: ['body'] } } }),
    ).reader();
    const queries: [string, string][] = [];
    const want = new Map<string, string[]>();
    for (const line of readFileSync(join(import.meta.dirname, '../fixtures/lucene-query-syntax-cacm.tsv'), 'utf8').split('\n')) {
      if (line.startsWith('#query\t')) {
        const [, qid, text] = line.split('\t');
        queries.push([qid!, text!]);
        want.set(qid!, []);
      } else if (line !== '' && !line.startsWith('#')) {
        const [qid, id, score] = line.split('\t');
        want.get(qid!)!.push(`${id} ${Math.fround(Number(score))}`);
      }
    }
    expect(queries.length).toBe(1134);
    const differing = queries.filter(([qid, text]) => {
      const got = snap.search(text, { k: 10, syntax: 'lucene', includeStored: false }).map((h) => `${h.id} ${h.score}`);
      return JSON.stringify(got) !== JSON.stringify(want.get(qid));
    });
    expect(differing).toEqual([]);
  });
});
