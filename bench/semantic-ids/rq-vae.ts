// RQ-VAE against RQ-KMeans semantic ids at the same shape (3 levels x 256 codewords + a
// collision token), on the dense benchmark's data (bench/dense/datasets.ts: all GloVe vectors
// less 1,000 held-out query words, or 100,000 x 384 clustered Gaussian vectors; cosine, so
// rows are normalized; exact top-10 from the flat scan). For each method: fit and coding
// time, the share of the vectors' energy the ids' reconstruction misses (RQ-KMeans: the sum
// of the codewords; RQ-VAE: the decoder's output for it), codebook use, collisions, and how
// well prefixes keep neighbourhoods (prefix-sharing.ts). RQ-VAE uses the CLI's defaults
// (TIGER's 512-256-128 encoder, 32-d latents, Adam 0.001, beta 0.25, batches of 256) on an
// even sample of 65,536 rows, for --epochs passes.
// Usage: node --import tsx bench/semantic-ids/rq-vae.ts [--dataset glove|gauss] [--epochs 20] [--queries 1000]
import { wasmKernelsEnabled } from '../../src/kernels/wasm/kernel-module.js';
import { reconstructResidual, encodeResidual } from '../../src/learn/semantic-ids/residual-quantizer.js';
import { decodeRqVaeLatents, encodeRqVaeLatents } from '../../src/learn/semantic-ids/rq-vae.js';
import { fitRqVaeSemanticIds, fitSemanticIds, type SemanticIds } from '../../src/learn/semantic-ids/semantic-ids.js';
import { argNumber } from '../common/args.js';
import { printTable, writeJson } from '../report.js';
import { normalizedDataset, prefixSharing, prefixTable, type PrefixSharing } from './prefix-sharing.js';

const epochs = argNumber('epochs', 20);
const { name, dim, n, nq, base, queries, truth } = normalizedDataset();
const seconds = (t0: number): number => (performance.now() - t0) / 1000;
console.log(`${name}: ${n.toLocaleString('en-US')} x ${dim}, ${nq} queries; kernels: ${wasmKernelsEnabled() ? 'wasm-simd' : 'typescript'}`);

/** ½|x̂ - x|² over ½|x|², summed over rows. */
function missedEnergy(rebuilt: Float32Array): number {
  let err = 0;
  let energy = 0;
  for (let i = 0; i < base.length; i++) {
    err += (rebuilt[i]! - base[i]!) ** 2;
    energy += base[i]! ** 2;
  }
  return err / energy;
}

interface Row {
  method: string;
  fitSeconds: number;
  codeSeconds: number;
  missed: number;
  ids: SemanticIds;
  prefixes: PrefixSharing[];
}
const rows: Row[] = [];

// RQ-KMeans (the CLI's default method)
let t0 = performance.now();
const km = fitSemanticIds(base, dim, { levels: 3, codebookSize: 256 });
const kmFit = seconds(t0);
t0 = performance.now();
const kmCodes = encodeResidual(km.quantizer, base).codes;
const kmCode = seconds(t0);
rows.push({
  method: 'RQ-KMeans',
  fitSeconds: kmFit,
  codeSeconds: kmCode,
  missed: missedEnergy(reconstructResidual(km.quantizer, kmCodes)),
  ids: km.ids,
  prefixes: prefixSharing(km.ids.tokens, km.ids.width, encodeResidual(km.quantizer, queries).codes, 3, truth),
});

// RQ-VAE
t0 = performance.now();
const losses: string[] = [];
const vae = fitRqVaeSemanticIds(base, dim, {
  levels: 3,
  codebookSize: 256,
  epochs,
  onEpoch: (e) => {
    losses.push(`${e.epoch}: ${e.relativeReconstruction.toFixed(3)} (${e.resetCodewords} reset)`);
    process.stderr.write(
      `epoch ${e.epoch}/${e.epochs}: missed energy ${e.relativeReconstruction.toFixed(3)}, quantization ${e.quantization.toFixed(4)}, ${e.resetCodewords} codewords reset, ${seconds(t0).toFixed(0)} s\n`,
    );
  },
});
const vaeFitAndCode = seconds(t0);
t0 = performance.now();
const vaeCodes = encodeResidual(vae.model.quantizer, encodeRqVaeLatents(vae.model, base)).codes;
const vaeCode = seconds(t0);
rows.push({
  method: `RQ-VAE, ${epochs} epochs`,
  fitSeconds: vaeFitAndCode - vaeCode,
  codeSeconds: vaeCode,
  missed: missedEnergy(decodeRqVaeLatents(vae.model, reconstructResidual(vae.model.quantizer, vaeCodes))),
  ids: vae.ids,
  prefixes: prefixSharing(
    vae.ids.tokens,
    vae.ids.width,
    encodeResidual(vae.model.quantizer, encodeRqVaeLatents(vae.model, queries)).codes,
    3,
    truth,
  ),
});
console.log(`RQ-VAE training, missed energy of the training rows per epoch: ${losses.join(', ')}`);

printTable(
  rows.map((r) => ({
    method: r.method,
    'fit s': r.fitSeconds.toFixed(1),
    'code s': r.codeSeconds.toFixed(1),
    'missed energy': r.missed.toFixed(3),
    'codewords used': r.ids.stats.usedCodewords.join('/'),
    perplexity: r.ids.stats.perplexity.map((p) => p.toFixed(0)).join('/'),
    'rows sharing all 3': r.ids.stats.collidingRows,
    'largest group': r.ids.stats.largestGroup,
  })),
);
for (const r of rows) {
  console.log(`\n${r.method}: query's exact top-10 sharing its prefix`);
  printTable(prefixTable(r.prefixes));
}
const file = writeJson(`semantic-ids-rq-vae-${name}`, {
  dataset: name,
  rows: n,
  dim,
  queries: nq,
  epochs,
  kernels: wasmKernelsEnabled(),
  results: rows.map(({ ids, ...r }) => ({ ...r, stats: ids.stats })),
});
console.log(`\nwrote ${file}`);
