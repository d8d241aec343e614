/**
 * The folder the shell examples of README.md and docs/ run in: the files they name,
 * made small (a SciFact subset, random vectors of the dimensions the examples use,
 * stand-in TREC documents and topics for Robust04, runs and judgments that agree),
 * a `quarry` command on PATH that runs the built CLI, and the file blocks the docs
 * mark with `<!-- file: NAME -->`.
 */
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpyFloat32 } from '../../src/io/vector-files.js';
import { CLI } from '../helpers/cli.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir } from '../helpers/temp-dir.js';
import { ROOT, type ExampleBlock } from './markdown-examples.js';

/** A seeded generator (mulberry32), so the fixtures are the same every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRows(n: number, dim: number, seed: number): Float32Array {
  const next = random(seed);
  return Float32Array.from({ length: n * dim }, () => next() * 2 - 1);
}

function writeFvecs(path: string, rows: Float32Array, dim: number): void {
  const n = rows.length / dim;
  const buf = Buffer.alloc(n * (4 + 4 * dim));
  for (let r = 0; r < n; r++) {
    buf.writeInt32LE(dim, r * (4 + 4 * dim));
    for (let j = 0; j < dim; j++) buf.writeFloatLE(rows[r * dim + j]!, r * (4 + 4 * dim) + 4 + 4 * j);
  }
  writeFileSync(path, buf);
}

/** A one-dimensional int32 .npy file. */
function writeNpyInt32(path: string, values: readonly number[]): void {
  let header = `{'descr': '<i4', 'fortran_order': False, 'shape': (${values.length},), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head.writeUInt8(1, 6);
  head.writeUInt8(0, 7);
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => body.writeInt32LE(v, 4 * i));
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

const jsonl = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const qrelsText = (rows: readonly [string, string, number][]): string =>
  'query-id\tcorpus-id\tscore\n' + rows.map((r) => r.join('\t')).join('\n') + '\n';

/** SciFact cut down: every document judged for the first 40 train and 40 test claims, and 800 others. */
function writeSciFactSubset(dir: string): { ids: string[]; test: [string, string, number][]; train: [string, string, number][] } {
  const read = (name: string): [string, string, number][] =>
    readFileSync(dataset('scifact', 'qrels', name), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .map(([q, d, s]) => [q!, d!, Number(s)]);
  const firstQueries = (rows: [string, string, number][], n: number): [string, string, number][] => {
    const keep = new Set([...new Set(rows.map((r) => r[0]))].slice(0, n));
    return rows.filter((r) => keep.has(r[0]));
  };
  const test = firstQueries(read('test.tsv'), 40);
  const train = firstQueries(read('train.tsv'), 40);
  const judged = new Set([...test, ...train].map((r) => r[1]));
  const docs = readFileSync(dataset('scifact', 'corpus.jsonl'), 'utf8').trim().split('\n');
  let others = 0;
  const kept = docs.filter((line) => {
    const id = (JSON.parse(line) as { _id: string })._id;
    if (judged.has(id)) return true;
    return others++ < 800;
  });
  mkdirSync(join(dir, 'qrels'), { recursive: true });
  writeFileSync(join(dir, 'corpus.jsonl'), kept.join('\n') + '\n');
  const queryIds = new Set([...test, ...train].map((r) => r[0]));
  const queries = readFileSync(dataset('scifact', 'queries.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter((l) => queryIds.has((JSON.parse(l) as { _id: string })._id));
  writeFileSync(join(dir, 'queries.jsonl'), queries.join('\n') + '\n');
  writeFileSync(join(dir, 'qrels', 'test.tsv'), qrelsText(test));
  writeFileSync(join(dir, 'qrels', 'train.tsv'), qrelsText(train));
  return { ids: kept.map((l) => (JSON.parse(l) as { _id: string })._id), test, train };
}

/** A TREC run ranking each judged query's relevant documents among others, scores from `seed`. */
function syntheticRun(qrels: readonly [string, string, number][], ids: readonly string[], seed: number, tag: string): string {
  const next = random(seed);
  const byQuery = new Map<string, string[]>();
  for (const [q, d] of qrels) byQuery.set(q, [...(byQuery.get(q) ?? []), d]);
  const lines: string[] = [];
  for (const [q, relevant] of byQuery) {
    const docs = new Set(relevant);
    while (docs.size < relevant.length + 20) docs.add(ids[Math.floor(next() * ids.length)]!);
    const scored = [...docs].map((d) => ({ d, s: next() + (relevant.includes(d) ? 0.3 : 0) })).sort((a, b) => b.s - a.s);
    scored.forEach(({ d, s }, i) => lines.push(`${q} Q0 ${d} ${i + 1} ${s.toFixed(6)} ${tag}`));
  }
  return lines.join('\n') + '\n';
}

/** Builds the sandbox; `fileBlocks` are written under their names. Returns its folder and the environment to run in. */
export function createExamplesSandbox(fileBlocks: readonly ExampleBlock[]): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir('quarry-doc-examples-');
  const at = (...parts: string[]): string => join(dir, ...parts);

  // the quarry command
  mkdirSync(at('bin'));
  writeFileSync(at('bin', 'quarry'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });

  // text collections: a SciFact subset, the bundled CACM data, stand-in Robust04 documents and topics
  const scifact = writeSciFactSubset(at('scifact'));
  copyFileSync(at('scifact', 'queries.jsonl'), at('queries.jsonl'));
  writeFileSync(at('train.tsv'), qrelsText(scifact.train.slice(0, Math.ceil(scifact.train.length * 0.8))));
  writeFileSync(at('dev.tsv'), qrelsText(scifact.train.slice(Math.ceil(scifact.train.length * 0.8))));
  writeFileSync(at('corpus.jsonl'), readFileSync(at('scifact', 'corpus.jsonl'), 'utf8').split('\n').slice(0, 200).join('\n') + '\n');
  cpSync(join(ROOT, 'data', 'cacm'), at('data', 'cacm'), { recursive: true });
  mkdirSync(at('disk45'));
  const trecDoc = (no: string, text: string): string => `<DOC>\n<DOCNO> ${no} </DOCNO>\n<TEXT>\n${text}\n</TEXT>\n</DOC>\n`;
  writeFileSync(
    at('disk45', 'fr94.txt'),
    trecDoc('FR940104-0-00001', 'International organized crime and its economic cost.') +
      trecDoc('FR940104-0-00002', 'Ocean remote sensing from satellites.') +
      trecDoc('FR940104-0-00003', 'Hubble telescope achievements and repairs.'),
  );
  writeFileSync(
    at('topics.robust04.txt'),
    '<top>\n<num> Number: 301\n<title> International Organized Crime\n<desc> Description:\nIdentify organizations that participate in international criminal activity.\n</top>\n' +
      '<top>\n<num> Number: 303\n<title> Hubble Telescope Achievements\n<desc> Description:\nIdentify positive accomplishments of the Hubble telescope.\n</top>\n',
  );
  writeFileSync(at('qrels.robust04.txt'), '301 0 FR940104-0-00001 1\n303 0 FR940104-0-00003 1\n');

  // dense vectors (3-dimensional, as the examples' query vectors), a sample of them by a "new model", new rows
  const base = randomRows(2000, 3, 1);
  writeFvecs(at('base.fvecs'), base, 3);
  writeFileSync(at('words.txt'), Array.from({ length: 2000 }, (_, i) => `word${i}`).join('\n') + '\n');
  writeFvecs(at('new.fvecs'), randomRows(50, 3, 2), 3);
  writeFileSync(at('new-ids.txt'), Array.from({ length: 50 }, (_, i) => `new${i}`).join('\n') + '\n');
  const sample = base.slice(0, 300 * 3).map((x, i) => x * 0.9 + (i % 3 === 0 ? 0.1 : 0));
  writeFileSync(at('sample-v2.npy'), encodeNpyFloat32(sample, [300, 3]));
  writeFileSync(at('sample-ids.txt'), Array.from({ length: 300 }, (_, i) => String(i)).join('\n') + '\n');
  writeFileSync(
    at('topics.jsonl'),
    jsonl(Array.from({ length: 5 }, (_, i) => ({ id: `t${i}`, vector: Array.from(randomRows(1, 3, 10 + i)) }))),
  );

  // learned sparse: the Seismic toy documents and queries (real SPLADE vectors)
  copyFileSync(dataset('seismic-toy', 'documents.jsonl'), at('splade-docs.jsonl'));
  copyFileSync(dataset('seismic-toy', 'queries.jsonl'), at('splade-queries.jsonl'));
  const spladeQueries = readFileSync(at('splade-queries.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => String((JSON.parse(l) as { id: unknown }).id));
  const spladeDocs = readFileSync(at('splade-docs.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => String((JSON.parse(l) as { id: unknown }).id));

  // multi-vector: 100 documents of 4 to 11 token vectors (8-d), 3 queries of 4 tokens
  const lengths = Array.from({ length: 100 }, (_, i) => 4 + (i % 8));
  const tokens = lengths.reduce((a, b) => a + b, 0);
  writeFileSync(at('tokens.npy'), encodeNpyFloat32(randomRows(tokens, 8, 3), [tokens, 8]));
  writeNpyInt32(at('doclens.npy'), lengths);
  writeFileSync(at('ids.txt'), lengths.map((_, i) => `p${i}`).join('\n') + '\n');
  writeFileSync(at('qtokens.npy'), encodeNpyFloat32(randomRows(12, 8, 4), [12, 8]));
  writeFileSync(at('qlens.txt'), '4\n4\n4\n');
  writeFileSync(at('qids.txt'), 'c1\nc2\nc3\n');
  writeFileSync(
    at('qrels.tsv'),
    qrelsText([
      ...spladeQueries.map((q, i): [string, string, number] => [q, spladeDocs[i % spladeDocs.length]!, 1]),
      ['c1', 'p1', 1],
      ['c2', 'p2', 1],
      ['c3', 'p3', 1],
    ]),
  );

  // runs and judgments that agree (SciFact subset test claims)
  writeFileSync(at('qrels.txt'), scifact.test.map(([q, d, s]) => `${q} 0 ${d} ${s}`).join('\n') + '\n');
  const runs = ['run.trec', 'a.run', 'b.run', 'c.run', 'baseline.run', 'new.run', 'dense.run'];
  runs.forEach((name, i) => writeFileSync(at(name), syntheticRun(scifact.test, scifact.ids, 100 + i, name.replace(/\..*$/, ''))));

  // files the README describes in its comments
  writeFileSync(at('splade.json'), JSON.stringify({ id: 'id', fields: { content: { type: 'text' }, splade: { type: 'sparse', from: 'vector' } } }));
  writeFileSync(at('maxsim.json'), JSON.stringify({ retrieve: [{ field: 'colbert', multivector: [[...randomRows(1, 8, 5)], [...randomRows(1, 8, 6)]] }] }));
  writeFileSync(at('new.jsonl'), jsonl([{ _id: 'new-1', title: 'A new abstract', text: 'MicroRNA regulation of gene expression.' }]));
  mkdirSync(at('bench', 'out'), { recursive: true });

  for (const b of fileBlocks) writeFileSync(at(b.fileName!), b.text + '\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${at('bin')}:${process.env.PATH ?? ''}`,
    D: dataset(),
    QUARRY_MODELS_DIR: at('models'),
    QUARRY_DEBUG: '',
  };
  return { dir, env };
}
