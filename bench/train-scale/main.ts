// Training time and peak memory at scale: a synthetic corpus of Zipfian pseudo-words
// (bench/bm25/zipf-corpus.ts: vocabulary 50,000, about 60 words a passage, cut into
// capitalised sentences of about 12 words, with a 4-word title) written as JSONL, then
// `trainRetriever` with ICT only for one epoch, defaults otherwise (dim 256), on this
// machine's cores. Usage: npm run bench -- train-scale [--docs 1000000] [--tasks ict]
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainRetriever } from '../../src/train/train-retriever.js';
import { generateZipfCorpus } from '../bm25/zipf-corpus.js';
import { argList, argNumber } from '../common/args.js';
import { writeJson } from '../report.js';

const docs = argNumber('docs', 1_000_000);
const tasks = argList('tasks', ['ict']);
const work = mkdtempSync(join(tmpdir(), 'quarry-bench-train-scale-'));
const corpus = join(work, 'corpus.jsonl');
const out = createWriteStream(corpus);
const cap = (w: string): string => w[0]!.toUpperCase() + w.slice(1);
let pending = '';
const t0 = performance.now();
generateZipfCorpus({ docs, vocabulary: 50_000, meanLength: 64, seed: 7 }, (id, text) => {
  const words = text.split(' ');
  const title = words.slice(0, 4).join(' ');
  const sentences: string[] = [];
  for (let i = 4; i < words.length; i += 12) sentences.push(`${cap(words[i]!)} ${words.slice(i + 1, i + 12).join(' ')}.`);
  pending += JSON.stringify({ _id: id, title, text: sentences.join(' ') }) + '\n';
  if (pending.length > 1 << 20) {
    out.write(pending);
    pending = '';
  }
});
out.end(pending);
await once(out, 'finish');
console.log(`wrote ${docs.toLocaleString('en-US')} passages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const phases: { label: string; at: number }[] = [];
const started = performance.now();
const report = await trainRetriever({
  corpus,
  output: join(work, 'model'),
  tasks,
  pretrainEpochs: 1,
  progress: (label) => {
    phases.push({ label, at: (performance.now() - started) / 1000 });
    return { update: () => {}, stop: () => {} };
  },
  onEpoch: (r) => console.log(`${r.phase} epoch ${r.epoch}: loss ${r.loss.toFixed(4)} in ${r.seconds.toFixed(1)} s`),
});
const result = {
  docs,
  tasks,
  dim: report.dim,
  vocabulary: report.vocabulary,
  rows: report.rows,
  phasesStartedAt: phases,
  epochSeconds: report.epochs.map((e) => e.seconds),
  totalSeconds: report.seconds,
  peakRssMiB: Math.round(report.peakRss / 2 ** 20),
};
console.log(JSON.stringify(result, null, 2));
console.log(`wrote ${writeJson(`train-scale-${docs}`, result)}`);
rmSync(work, { recursive: true, force: true });
