/**
 * Runs the Lucene baseline (bench/lucene/LuceneBench.java) on a benchmark
 * dataset: compiles it with the machine's javac against Debian's
 * liblucene8-java jars, writes the documents and queries to temporary files,
 * and returns Lucene's build time, index size, query timings and top-10 ids.
 * Returns a reason string instead when Java or the jars are missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDocsFile, type BenchDataset } from './datasets.js';

const JAR_DIR = '/usr/share/java';

/** Lucene's figures in the shape of the other engines' results. */
export interface LuceneResult {
  engine: 'lucene';
  docs: number;
  buildSeconds: number;
  indexBytes: number;
  timings: { shape: string; k: number; mode: string; queries: number; seconds: number; qps: number; rounds: number[] }[];
  tops: Record<string, string[]>;
}

function findJar(prefix: string): string | null {
  if (!existsSync(JAR_DIR)) return null;
  const jar = readdirSync(JAR_DIR).find((f) => f.startsWith(prefix) && /^[a-z-]+-\d[\d.]*\.jar$/.test(f));
  return jar === undefined ? null : join(JAR_DIR, jar);
}

/** Runs Lucene on every query shape of the dataset; `work` is a scratch folder. */
export async function runLucene(
  dataset: BenchDataset,
  ks: number[],
  budget: number,
  work: string,
  positions = true,
  /** The documents file (`writeDocsFile`) when the caller wrote it; else written into `work`. */
  docsFile?: string,
): Promise<LuceneResult | string> {
  const core = findJar('lucene-core-');
  const analyzers = findJar('lucene-analyzers-common-');
  if (core === null || analyzers === null) return 'Lucene jars not found (apt-get install liblucene8-java)';
  if (spawnSync('javac', ['-version']).status !== 0 || spawnSync('java', ['-version']).status !== 0)
    return 'java/javac not found (apt-get install default-jdk-headless)';
  const classes = join(work, 'lucene-classes');
  mkdirSync(classes, { recursive: true });
  const cp = `${core}:${analyzers}`;
  const src = join(import.meta.dirname ?? '.', '../lucene/LuceneBench.java');
  const javac = spawnSync('javac', ['-cp', cp, '-d', classes, src], { encoding: 'utf8' });
  if (javac.status !== 0) return `javac failed: ${javac.stderr}`;

  const docsPath = docsFile ?? join(work, 'docs.tsv');
  if (docsFile === undefined) await writeDocsFile(dataset, docsPath);

  const shapes = Object.keys(dataset.queries);
  const qPaths = shapes.map((shape) => {
    const p = join(work, `queries-${shape}.txt`);
    writeFileSync(p, dataset.queries[shape]!.map((q) => q.replace(/[\r\n]+/g, ' ')).join('\n') + '\n');
    return p;
  });
  const topOut = join(work, 'lucene-top.json');
  const r = spawnSync(
    'java',
    [
      '-Xmx4g',
      '-cp',
      `${classes}:${cp}`,
      'LuceneBench',
      docsPath,
      qPaths.join(','),
      dataset.analyzer,
      String(dataset.k1),
      String(dataset.b),
      ks.join(','),
      String(budget),
      topOut,
      positions ? 'positions' : 'freqs',
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) return `Lucene failed: ${r.stderr.slice(0, 500)}`;
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    docs: number;
    buildSeconds: number;
    indexBytes: number;
    timings: { file: number; k: number; queries: number; seconds: number; qps: number; rounds: number[] }[];
  };
  const result: LuceneResult = {
    engine: 'lucene',
    docs: j.docs,
    buildSeconds: j.buildSeconds,
    indexBytes: j.indexBytes,
    timings: [],
    tops: {},
  };
  for (const t of j.timings)
    result.timings.push({
      shape: shapes[t.file]!,
      mode: 'lucene',
      k: t.k,
      queries: t.queries,
      seconds: t.seconds,
      qps: t.qps,
      rounds: t.rounds,
    });
  const tops = JSON.parse(readFileSync(topOut, 'utf8')) as Record<string, string[]>;
  for (const [key, ids] of Object.entries(tops)) {
    const [file, n] = key.split(':');
    result.tops[`${shapes[Number(file)]!}:${n}`] = ids;
  }
  return result;
}
