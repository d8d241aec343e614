// How long the request thread spends validating a query spec before a search starts (the
// server validates on the thread that answers /health; search threads validate again):
// a hybrid spec with a 300-dimensional vector, a filter of 1,000 and of 10,000 conditions,
// and a 1,000-word fuzzy query. Each case is validated repeatedly for at least a second after a
// warm-up; the median of 5 such rounds is reported.
// Usage: npm run bench -- spec-validation
import { checkQuerySpecSize, parseQuerySpec } from '../../src/search/query-spec.js';
import { printTable, writeJson } from '../report.js';

const vector = Array.from({ length: 300 }, (_, i) => Math.sin(i) / 10);
const or = (n: number): unknown => ({ or: Array.from({ length: n }, (_, i) => ({ tag: `t${i}` })) });
const cases: Record<string, unknown> = {
  'hybrid, 300-d vector': {
    retrieve: [
      { field: 'contents', text: 'statins lower cholesterol', k: 100 },
      { field: 'emb', vector, k: 100 },
    ],
    fuse: { method: 'rrf', k: 60 },
    k: 10,
  },
  'filter of 1,000 conditions': { retrieve: [{ field: 'text', text: 'shared' }], filter: { where: or(1000) } },
  'filter of 10,000 conditions': { retrieve: [{ field: 'text', text: 'shared' }], filter: { where: or(10_000) } },
  '1,000 fuzzy words': {
    retrieve: [{ field: 'text', text: Array.from({ length: 1000 }, (_, i) => `w${i}x~2`).join(' '), syntax: 'lucene' }],
  },
};

function msPerValidation(spec: unknown): number {
  const once = (): void => {
    checkQuerySpecSize(spec, 'body');
    parseQuerySpec(spec);
  };
  for (let i = 0; i < 5; i++) once();
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 1000) {
      once();
      n++;
    }
    rounds.push((performance.now() - start) / n);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

const rows = Object.entries(cases).map(([name, spec]) => ({ spec: name, 'ms per validation': msPerValidation(spec) }));
printTable(rows);
writeJson('spec-validation', { node: process.version, rows });
