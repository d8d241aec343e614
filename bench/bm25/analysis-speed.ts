// The per-token work of indexing English text, with and without the analyzer's stem cache:
// SciFact's documents (title + "\n" + text) through the `english` analyzer (UAX #29 tokens,
// possessives, lower case, stopwords, Porter), each term counted in a vocabulary Map as a
// segment builder does. Rounds alternate between the two analyzers in one process; the
// terms are checked to be identical. Prints tokens per second per round and the ratio of
// the medians.
// Usage: node --import tsx bench/bm25/analysis-speed.ts [--rounds 6]
import { createAnalyzer, type Analyzer } from '../../src/text/analyzer.js';
import { argNumber } from '../common/args.js';
import { loadDataset } from './datasets.js';

const rounds = argNumber('rounds', 6);
const texts: string[] = [];
loadDataset('scifact', 0).forEachDoc((_, text) => texts.push(text));

/** Analyzes every text into a fresh vocabulary; returns the vocabulary, tokens and seconds. */
function pass(analyzer: Analyzer): { vocabulary: Map<string, number>; tokens: number; seconds: number } {
  const vocabulary = new Map<string, number>();
  let tokens = 0;
  const t0 = performance.now();
  for (const text of texts) {
    analyzer.forEachTerm(text, (term) => {
      vocabulary.set(term, (vocabulary.get(term) ?? 0) + 1);
      tokens++;
    });
  }
  return { vocabulary, tokens, seconds: (performance.now() - t0) / 1000 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const variants: [string, Analyzer][] = [
  ['Porter on every token', createAnalyzer('english', { stemCache: 0 })],
  ['stem cache (default)', createAnalyzer('english')],
];
const rates = variants.map(() => [] as number[]);
let reference: Map<string, number> | null = null;
for (let r = 0; r < rounds; r++) {
  variants.forEach(([, analyzer], v) => {
    const { vocabulary, tokens, seconds } = pass(analyzer);
    if (reference === null) reference = vocabulary;
    else if (vocabulary.size !== reference.size || [...vocabulary].some(([t, c]) => reference!.get(t) !== c))
      throw new Error('the analyzers gave different terms');
    rates[v]!.push(tokens / seconds);
  });
}
console.log(
  `SciFact, ${texts.length.toLocaleString('en-US')} documents, ${reference!.size.toLocaleString('en-US')} distinct terms; ${rounds} alternating rounds`,
);
variants.forEach(([name], v) =>
  console.log(
    `  ${name.padEnd(22)} median ${(median(rates[v]!) / 1e6).toFixed(2)} M tokens/s (rounds ${rates[v]!.map((x) => (x / 1e6).toFixed(2)).join(', ')})`,
  ),
);
console.log(`  ratio of the medians: ${(median(rates[1]!) / median(rates[0]!)).toFixed(2)}x`);
