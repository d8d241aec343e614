// Memory held while a segment builds, when documents have distinct long words (URLs, ids,
// chemical names): a token sliced from its document is, in V8, a view that keeps the whole
// document text alive, and a segment's vocabulary keeps each term's first occurrence until
// the segment is written. Three measurements of heap growth for the same documents:
//   1. a Map keyed by the sliced tokens themselves (what the vocabulary held before),
//   2. a Map keyed by detachedString copies (what it holds now),
//   3. the real writer, uncommitted, with long distinct words and, as the reference, short ones.
// Usage: node --expose-gc --import tsx bench/bm25/long-terms-memory.ts [--docs 50000] [--kb 10]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collection, parseSchema } from '../../src/collection/index.js';
import { detachedString } from '../../src/text/detached-string.js';
import { argNumber } from '../common/args.js';

const docs = argNumber('docs', 50_000);
const kb = argNumber('kb', 10);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const filler = 'the cat sat on the mat and looked around the room '.repeat(Math.max(1, Math.round((kb * 1024) / 2 / 51)));

/** Document i's text as an importer gets it (a fresh string from JSON), with one distinct word. */
function documentText(i: number, long: boolean): string {
  const word = long ? `longdistinctword${i.toString(36).padStart(6, '0')}` : `u${i.toString(36)}`;
  return (JSON.parse(JSON.stringify({ text: `${filler} ${word} ${filler}` })) as { text: string }).text;
}

/** What the current measurement keeps reachable (a module variable, so no optimizer drops it early). */
export let held: unknown = null;

/** Heap growth in MB after `fill` runs, its result still reachable. */
function heapGrowth(fill: () => unknown): number {
  gc!();
  const before = process.memoryUsage().heapUsed;
  held = fill();
  gc!();
  const grown = process.memoryUsage().heapUsed - before;
  held = null;
  return grown / 1e6;
}

/** The distinct word of a document, sliced from its text as the tokenizer slices tokens. */
function slicedWord(text: string): string {
  const start = filler.length + 1;
  return text.slice(start, text.indexOf(' ', start));
}

const schema = parseSchema({ id: '_id', fields: { contents: { type: 'text', from: ['text'] } }, store: [] });
/** Heap held by an uncommitted writer after adding the documents. */
function writerGrowth(long: boolean): number {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-long-terms-'));
  const w = Collection.create(join(dir, 'idx'), schema).writer({ flushDocs: docs + 1, flushPostings: 1e12 });
  const mb = heapGrowth(() => {
    for (let i = 0; i < docs; i++) w.add({ _id: String(i), text: documentText(i, long) });
    return w;
  });
  w.close();
  rmSync(dir, { recursive: true, force: true });
  return mb;
}

console.log(`${docs.toLocaleString('en-US')} documents of about ${kb} KB, each with one distinct word; heap growth in MB:`);
const sliced = heapGrowth(() => {
  const m = new Map<string, number>();
  for (let i = 0; i < docs; i++) m.set(slicedWord(documentText(i, true)), i);
  return m;
});
const copied = heapGrowth(() => {
  const m = new Map<string, number>();
  for (let i = 0; i < docs; i++) m.set(detachedString(slicedWord(documentText(i, true))), i);
  return m;
});
console.log(`  Map of the sliced long words:          ${sliced.toFixed(0)}`);
console.log(`  Map of detached copies of them:        ${copied.toFixed(0)}`);
const longWords = writerGrowth(true);
const shortWords = writerGrowth(false);
console.log(`  writer, uncommitted, long words:       ${longWords.toFixed(0)}`);
console.log(`  writer, uncommitted, short words:      ${shortWords.toFixed(0)} (reference: no word is a view)`);
console.log(`  long / short: ${(longWords / shortWords).toFixed(2)}x`);
