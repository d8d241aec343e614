import { buildDense } from '../src/index/dense/dense-registry.js';
import { measureRecallCurve } from '../src/index/dense/recall-tuning.js';
import { readFvecs, readIvecs } from '../src/io/vector-files.js';
const dir = '/work/shared/datasets/glove100-wink-10k';
const base = readFvecs(dir + '/base.fvecs'); const queries = readFvecs(dir + '/query.fvecs'); const gt = readIvecs(dir + '/groundtruth.angular.top100.ivecs');
const index = buildDense('hnsw', base.data, 100, 'cosine', { M: 8, efConstruction: 60 });
const settings = [10, 16, 24, 32, 48, 64, 128].map((efSearch) => ({ efSearch }));
const c = measureRecallCurve(index, index.floatRows()!, settings, { sample: 1000 });
const real = measureRecallCurve(index, index.floatRows()!, settings, { queries: queries.data });
for (let i = 0; i < settings.length; i++) console.log(settings[i], c.points[i].recall.toFixed(3), 'real', real.points[i].recall.toFixed(3));
import { FlatIndex } from '../src/index/dense/flat/flat-index.js';
import { standardNormal, xorshift32 } from '../src/kernels/xorshift.js';
const rows = index.floatRows()!;
const flat = new FlatIndex(rows, { dim: 100, metric: 'cosine' });
const rand = xorshift32(3);
function perturbed(scale: number, kth: number): Float32Array {
  const out = new Float32Array(1000 * 100);
  for (let q = 0; q < 1000; q++) {
    const r = Math.floor(rand() * 10000);
    const row = rows.subarray(r * 100, r * 100 + 100);
    const nn = flat.search(row, kth + 1).ids;
    const far = nn[nn.length - 1]!;
    let d2 = 0; for (let j = 0; j < 100; j++) d2 += (row[j]! - rows[far * 100 + j]!) ** 2;
    const noise = Array.from({ length: 100 }, () => standardNormal(rand)); const nrm = Math.hypot(...noise);
    for (let j = 0; j < 100; j++) out[q * 100 + j] = row[j]! + noise[j]! / nrm * Math.sqrt(d2) * scale;
  }
  return out;
}
function mixes(): Float32Array {
  const out = new Float32Array(1000 * 100);
  for (let q = 0; q < 1000; q++) { const a = Math.floor(rand() * 10000), b = Math.floor(rand() * 10000); for (let j = 0; j < 100; j++) out[q * 100 + j] = rows[a * 100 + j]! + rows[b * 100 + j]!; }
  return out;
}
for (const [name, qs] of [['p1x10', perturbed(1, 10)], ['p1.5x10', perturbed(1.5, 10)], ['p2x10', perturbed(2, 10)], ['p1x100', perturbed(1, 100)], ['mix', mixes()]] as const) {
  const cc = measureRecallCurve(index, rows, settings, { queries: qs });
  console.log(name, cc.points.map((p) => p.recall.toFixed(3)).join(' '));
}
console.log('real ', real.points.map((p) => p.recall.toFixed(3)).join(' '));
