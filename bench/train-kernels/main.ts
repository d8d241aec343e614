// Static-encoder training with the WebAssembly SIMD kernels against the TypeScript loops:
// the same model (SciFact's vocabulary, dim 256, seeded), the same ICT + BFS pre-training
// epoch, the same batches; each side first runs one epoch as warm-up, then the sides
// alternate for `--rounds` epochs each. Reports examples per second and the ratio.
// Usage: npm run bench -- train-kernels [--rounds 3] [--dim 256]
import { join } from 'node:path';
import { trainStaticEncoder } from '../../src/learn/retriever-training/train-static-encoder.js';
import { stemTiedRows } from '../../src/learn/static-encoder/stem-tied-rows.js';
import { StaticEncoderModel } from '../../src/learn/static-encoder/static-encoder-model.js';
import { TokenizedTextsBuilder, tokenIdf, type TokenizedTexts } from '../../src/learn/static-encoder/tokenized-texts.js';
import { WordCounter } from '../../src/learn/static-encoder/word-vocabulary.js';
import { WordPieceTokenizer } from '../../src/text/wordpiece-tokenizer.js';
import { documentSegments, forEachTrainingDocument } from '../../src/train/training-corpus.js';
import { kernelBackend } from '../../src/kernels/wasm/kernel-module.js';
import { argNumber } from '../common/args.js';
import { printTable, writeJson } from '../report.js';
import { SHARED } from '../bm25/datasets.js';

const rounds = argNumber('rounds', 3);
const dim = argNumber('dim', 256);
const corpusPath = join(SHARED, 'scifact/corpus.jsonl');
const counter = new WordCounter();
forEachTrainingDocument(corpusPath, (d) => (counter.add(d.title), counter.add(d.text)));
const json = counter.tokenizerJson();
const tokenizer = new WordPieceTokenizer(json);
const rows = stemTiedRows(tokenizer.vocab, Math.max(...tokenizer.vocab.values()) + 1);
const builder = new TokenizedTextsBuilder(tokenizer, rows.mapping);
forEachTrainingDocument(corpusPath, (d) => builder.add(documentSegments(d)));
const corpus: TokenizedTexts = builder.build();
const idf = tokenIdf(corpus, rows.rows);

/** Seconds of one pre-training epoch with or without the kernels. */
async function epoch(kernels: boolean): Promise<number> {
  const model = StaticEncoderModel.random(rows.rows, dim, { seed: 1, weights: idf });
  const r = await trainStaticEncoder(model, corpus, null, null, { pretrainEpochs: 1, kernels, seed: 1 });
  return r.epochs[0]!.seconds;
}

console.log(`kernels: ${kernelBackend()}; ${corpus.count} documents, ${rows.rows} rows of ${dim}`);
await epoch(true);
await epoch(false);
const times: Record<'simd' | 'ts', number[]> = { simd: [], ts: [] };
for (let r = 0; r < rounds; r++) {
  times.simd.push(await epoch(true));
  times.ts.push(await epoch(false));
}
const examples = 2 * corpus.count;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rowsOut = (['simd', 'ts'] as const).map((side) => ({
  side: side === 'simd' ? 'WebAssembly SIMD' : 'TypeScript',
  'median epoch s': median(times[side]).toFixed(2),
  'examples/s': Math.round(examples / median(times[side])),
  epochs: times[side].map((t) => t.toFixed(2)).join(' '),
}));
printTable(rowsOut);
const ratio = median(times.ts) / median(times.simd);
console.log(`speed-up of the kernels: ${ratio.toFixed(2)}x`);
console.log(`wrote ${writeJson('train-kernels', { dim, rounds, times, ratio })}`);
