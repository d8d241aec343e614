// quarry run --vector-queries: dense query files (JSONL or vector matrices) into TREC runs,
// reproducing Anserini's flat dense runs byte for byte with --lucene-scores --sort-qids.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { encodeFvecs } from '../../src/io/vector-files.js';
import { readVectorQueries } from '../../src/cli/commands/vector-queries.js';
import { quarry } from '../helpers/cli.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

vi.setConfig({ testTimeout: 30_000 });
const dir = tempDir();

describe('quarry run --vector-queries', () => {
  for (const model of ['ada2', 'cosdpr-distil']) {
    it(`writes Anserini's expected flat top-5 run for ${model} (--lucene-scores, --tag Anserini)`, () => {
      const docs = dataset('anserini-dense-samples', `${model}.sample100.docs.jsonl`);
      const dim = (JSON.parse(readFileSync(docs, 'utf8').split('\n')[0]!) as { vector: number[] }).vector.length;
      const schema = writeFile(dir, `${model}.schema.json`, JSON.stringify({ id: 'docid', fields: { vector: { type: 'dense', dim, metric: 'dot', index: 'flat' } }, extra: ['contents'] }));
      const idx = join(dir, model);
      expect(quarry(['index', idx, '--corpus', docs, '--schema', schema, '--quiet']).status).toBe(0);
      const out = join(dir, `${model}.run`);
      const r = quarry(['run', idx, '--vector-queries', dataset('anserini-dense-samples', `${model}.queries.jsonl`), '-k', '5', '--lucene-scores', '--tag', 'Anserini', '--sort-qids', '--output', out]);
      expect(r.status, r.stderr).toBe(0);
      // Anserini writes its topics in (integer) qid order; --sort-qids does too, so the files are equal byte for byte
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(dataset('anserini-dense-samples', `expected.flat.${model}.top5.run`), 'utf8'));
    });
  }

  it('reads matrix files with ids from a file, evaluates against qrels, and names bad input', () => {
    const f = join(dir, 'docs.fvecs');
    writeFileSync(f, encodeFvecs(Float32Array.of(1, 0, 0, 1, 0.6, 0.8), 2));
    const idx = join(dir, 'small');
    expect(quarry(['index', idx, '--vectors', f, '--ids', writeFile(dir, 'd.ids', 'a\nb\nc\n'), '--family', 'hnsw', '--quiet']).status).toBe(0);
    const q = join(dir, 'q.fvecs');
    writeFileSync(q, encodeFvecs(Float32Array.of(0, 1, 1, 0.1), 2));
    const qrels = writeFile(dir, 'qrels', 'up 0 b 1\nright 0 a 1\n');
    const out = join(dir, 'small.run');
    const r = quarry(['run', idx, '--vector-queries', q, '--query-ids', writeFile(dir, 'q.ids', 'up\nright\n'), '--params', '{"efSearch":16}', '-k', '1', '--qrels', qrels, '-m', 'P.1', '--sort-qids', '--output', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^right Q0 a 1 0\.99\d+ quarry\nup Q0 b 1 1\.000000 quarry\n$/);
    expect(r.stdout).toMatch(/P_1\s+all\s+1\.0000/);
    const bad = quarry(['run', idx, '--vector-queries', q, '--params', '{"nprobe":3}', '--output', out]);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toContain('"nprobe" is not a search parameter of hnsw');
    expect(quarry(['run', idx, '--queries', q, '--lucene-scores', '--output', out]).stderr).toContain('--lucene-scores: applies only with --vector-queries');
    expect(quarry(['run', idx, '--queries', q, '--vector-queries', q, '--output', out]).stderr).toContain('give exactly one of --queries, --sparse-queries and --vector-queries');
  });

  it('names the line of a JSONL query without an id or with the wrong dimension', () => {
    const bad = writeFile(dir, 'bad.jsonl', '{"qid": 1, "vector": [1, 0]}\n{"vector": [0, 1]}\n');
    expect(() => readVectorQueries(bad, 2)).toThrow(/bad\.jsonl:2: query has no "id" \(or "_id", "qid"\)/);
    const dims = writeFile(dir, 'dims.jsonl', '{"_id": "x", "vector": [1, 0, 0]}\n');
    expect(() => readVectorQueries(dims, 2)).toThrow(/dims\.jsonl:1: vector: dimension 3, expected 2/);
    expect(readVectorQueries(writeFile(dir, 'ok.jsonl', '{"id": "q", "vector": [1, 2]}\n'), 2)).toEqual([{ qid: 'q', vector: Float32Array.of(1, 2) }]);
    const m = join(dir, 'three.fvecs');
    writeFileSync(m, encodeFvecs(Float32Array.of(1, 2, 3), 3));
    expect(() => readVectorQueries(m, 2)).toThrow(/queries have dimension 3, the field has 2/);
    expect(() => readVectorQueries(bad, 2, { ids: m })).toThrow(/--query-ids: JSONL queries carry their own ids/);
  });
});
