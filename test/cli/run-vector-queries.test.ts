// quarry run --vector-queries: dense query files (JSONL or vector matrices) into TREC runs,
// reproducing Anserini's flat dense runs byte for byte with --lucene-scores --sort-qids.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFvecs } from '../../src/io/vector-files.js';
import { readMultiVectorQueries, readSparseQueries, readVectorQueries } from '../../src/batch/query-files.js';
import { quarry } from '../helpers/cli.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir();

describe('quarry run --vector-queries', () => {
  for (const model of ['ada2', 'cosdpr-distil']) {
    it(`writes Anserini's expected flat top-5 run for ${model} (--lucene-scores, --tag Anserini)`, () => {
      const docs = dataset('anserini-dense-samples', `${model}.sample100.docs.jsonl`);
      const dim = (JSON.parse(readFileSync(docs, 'utf8').split('\n')[0]!) as { vector: number[] }).vector.length;
      const schema = writeFile(
        dir,
        `${model}.schema.json`,
        JSON.stringify({ id: 'docid', fields: { vector: { type: 'dense', dim, metric: 'dot', index: 'flat' } }, extra: ['contents'] }),
      );
      const idx = join(dir, model);
      expect(quarry(['index', idx, '--corpus', docs, '--schema', schema, '--quiet']).status).toBe(0);
      const out = join(dir, `${model}.run`);
      const r = quarry([
        'run',
        idx,
        '--vector-queries',
        dataset('anserini-dense-samples', `${model}.queries.jsonl`),
        '-k',
        '5',
        '--lucene-scores',
        '--tag',
        'Anserini',
        '--sort-qids',
        '--output',
        out,
      ]);
      expect(r.status, r.stderr).toBe(0);
      // Anserini writes its topics in (integer) qid order; --sort-qids does too, so the files are equal byte for byte
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(dataset('anserini-dense-samples', `expected.flat.${model}.top5.run`), 'utf8'));
    });
  }

  it('reads matrix files with ids from a file, evaluates against qrels, and names bad input', () => {
    const f = join(dir, 'docs.fvecs');
    writeFileSync(f, encodeFvecs(Float32Array.of(1, 0, 0, 1, 0.6, 0.8), 2));
    const idx = join(dir, 'small');
    expect(
      quarry(['index', idx, '--vectors', f, '--ids', writeFile(dir, 'd.ids', 'a\nb\nc\n'), '--family', 'hnsw', '--quiet']).status,
    ).toBe(0);
    const q = join(dir, 'q.fvecs');
    writeFileSync(q, encodeFvecs(Float32Array.of(0, 1, 1, 0.1), 2));
    const qrels = writeFile(dir, 'qrels', 'up 0 b 1\nright 0 a 1\n');
    const out = join(dir, 'small.run');
    const r = quarry([
      'run',
      idx,
      '--vector-queries',
      q,
      '--query-ids',
      writeFile(dir, 'q.ids', 'up\nright\n'),
      '--params',
      '{"efSearch":16}',
      '-k',
      '1',
      '--qrels',
      qrels,
      '-m',
      'P.1',
      '--sort-qids',
      '--output',
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^right Q0 a 1 0\.99\d+ quarry\nup Q0 b 1 1\.000000 quarry\n$/);
    expect(r.stdout).toMatch(/P_1\s+all\s+1\.0000/);
    const bad = quarry(['run', idx, '--vector-queries', q, '--params', '{"nprobe":3}', '--output', out]);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toContain('"nprobe" is not a search parameter of hnsw');
    expect(quarry(['run', idx, '--queries', q, '--lucene-scores', '--output', out]).stderr).toContain(
      '--lucene-scores: applies only with --vector-queries',
    );
    expect(quarry(['run', idx, '--queries', q, '--vector-queries', q, '--output', out]).stderr).toContain(
      'give exactly one of --queries, --sparse-queries, --vector-queries and --multivector-queries',
    );
  });

  it('names the line of a JSONL query without an id or with the wrong dimension', () => {
    const bad = writeFile(dir, 'bad.jsonl', '{"qid": 1, "vector": [1, 0]}\n{"vector": [0, 1]}\n');
    expect(() => readVectorQueries(bad, 2)).toThrow(/bad\.jsonl:2: query has no "id" \(or "_id", "qid"\)/);
    const dims = writeFile(dir, 'dims.jsonl', '{"_id": "x", "vector": [1, 0, 0]}\n');
    expect(() => readVectorQueries(dims, 2)).toThrow(/dims\.jsonl:1: vector: dimension 3, expected 2/);
    expect(readVectorQueries(writeFile(dir, 'ok.jsonl', '{"id": "q", "vector": [1, 2]}\n'), 2)).toEqual([
      { qid: 'q', vector: Float32Array.of(1, 2) },
    ]);
    const m = join(dir, 'three.fvecs');
    writeFileSync(m, encodeFvecs(Float32Array.of(1, 2, 3), 3));
    expect(() => readVectorQueries(m, 2)).toThrow(/queries have dimension 3, the field has 2/);
    expect(() => readVectorQueries(bad, 2, { ids: m })).toThrow(/--query-ids: JSONL queries carry their own ids/);
    const sparse = writeFile(dir, 'sparse.jsonl', '{"qid": 3, "vector": {"x": 1}}\n{"id": "b", "vector": [1]}\n');
    expect(() => readSparseQueries(sparse)).toThrow(
      /sparse\.jsonl:2: vector: expected \{token: weight\} or \{indices, values\}, found an array/,
    );
    expect(readSparseQueries(writeFile(dir, 'sparse-ok.jsonl', '{"qid": 3, "vector": {"x": 1}}\n'))).toEqual([
      { qid: '3', sparse: new Map([['x', 1]]) },
    ]);
  });
});

describe('quarry run --multivector-queries', () => {
  // three documents of 2-d token vectors; MaxSim = sum over query tokens of the best dot product
  const docTokens = [
    [
      [1, 0],
      [0, 1],
    ],
    [[1, 0]],
    [
      [0.6, 0.8],
      [-1, 0],
    ],
  ];
  const maxSim = (q: number[][], d: number[][]): number =>
    q.reduce((s, t) => s + Math.max(...d.map((u) => t[0]! * u[0]! + t[1]! * u[1]!)), 0);
  const queries: [string, number[][]][] = [
    [
      'q2',
      [
        [0, 1],
        [1, 0],
      ],
    ],
    ['q10', [[-1, 0]]],
  ];

  it('writes the exact MaxSim run from JSONL or from a token matrix with offsets, and evaluates it', () => {
    const tokens = join(dir, 'mv-docs.fvecs');
    writeFileSync(tokens, encodeFvecs(Float32Array.from(docTokens.flat(2)), 2));
    const idx = join(dir, 'mv');
    const lens = writeFile(dir, 'mv-lens.txt', docTokens.map((d) => d.length).join('\n') + '\n');
    expect(
      quarry([
        'index',
        idx,
        '--vectors',
        tokens,
        '--offsets',
        lens,
        '--ids',
        writeFile(dir, 'mv.ids', 'a\nb\nc\n'),
        '--field',
        'colbert',
        '--family',
        'exhaustive',
        '--quiet',
      ]).status,
    ).toBe(0);
    // the expected run: every document by exact MaxSim, best first, queries in qid order (as strings: "q10" < "q2")
    const expected =
      [...queries]
        .sort((x, y) => (x[0] < y[0] ? -1 : 1))
        .flatMap(([qid, q]) =>
          docTokens
            .map((d, i) => ({ id: 'abc'[i]!, s: maxSim(q, d) }))
            .sort((x, y) => y.s - x.s || x.id.localeCompare(y.id))
            .map((h, r) => `${qid} Q0 ${h.id} ${r + 1} ${h.s.toFixed(6)} quarry`),
        )
        .join('\n') + '\n';
    const jsonl = writeFile(dir, 'mv-q.jsonl', queries.map(([id, v]) => JSON.stringify({ id, vectors: v })).join('\n') + '\n');
    const out = join(dir, 'mv.run');
    const qrels = writeFile(dir, 'mv.qrels', 'q2 0 a 1\nq10 0 c 1\n');
    const r = quarry(['run', idx, '--multivector-queries', jsonl, '-k', '3', '--qrels', qrels, '-m', 'P.1', '--json', '--output', out]);
    expect(r.status, r.stderr).toBe(0);
    // file order (q2, q10): the same lines as the expected run
    expect(readFileSync(out, 'utf8').split('\n').sort()).toEqual(expected.split('\n').sort());
    expect(JSON.parse(r.stdout)).toMatchObject({ output: out, queries: 2, lines: 6, evaluation: { measures: ['P_1'], all: { P_1: 1 } } });
    expect(r.stderr).toBe('');
    const qTokens = join(dir, 'mv-q.fvecs');
    writeFileSync(qTokens, encodeFvecs(Float32Array.from(queries.flatMap(([, v]) => v.flat())), 2));
    const m = quarry([
      'run',
      idx,
      '--multivector-queries',
      qTokens,
      '--query-offsets',
      writeFile(dir, 'mv-q.lens', '2\n1\n'),
      '--query-ids',
      writeFile(dir, 'mv-q.ids', 'q2\nq10\n'),
      '-k',
      '3',
      '--sort-qids',
      '--output',
      out,
    ]);
    expect(m.status, m.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(expected);
  });

  it('names the line, token or file of bad multi-vector queries', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => readMultiVectorQueries(writeFile(dir, 'e.jsonl', '{"id": "a", "vectors": []}\n'), 2),
        /e\.jsonl:1: vectors: query has no token vectors/,
      ],
      [
        () => readMultiVectorQueries(writeFile(dir, 'd.jsonl', '{"id": "a", "vectors": [[1, 0], [1, 0, 0]]}\n'), 2),
        /d\.jsonl:1: vectors\[1\]: dimension 3, expected 2/,
      ],
      [() => readMultiVectorQueries(writeFile(dir, 'n.jsonl', '{"vectors": [[1, 0]]}\n'), 2), /n\.jsonl:1: query has no "id"/],
      [() => readMultiVectorQueries(join(dir, 'mv-q.fvecs'), 2), /--query-offsets: a matrix of token vectors needs --query-offsets/],
      [
        () => readMultiVectorQueries(join(dir, 'mv-q.jsonl'), 2, { offsets: 'x' }),
        /--query-offsets: JSONL queries carry their own token vectors/,
      ],
      [
        () => readMultiVectorQueries(join(dir, 'mv-q.fvecs'), 3, { offsets: join(dir, 'mv-q.lens') }),
        /token vectors have dimension 2, the field has 3/,
      ],
      [
        () => readMultiVectorQueries(join(dir, 'mv-q.fvecs'), 2, { offsets: writeFile(dir, 'z.lens', '0\n0\n3\n') }),
        /z\.lens: query 0 has no token vectors/,
      ],
    ];
    for (const [read, message] of cases) expect(read).toThrow(message);
    expect(readMultiVectorQueries(writeFile(dir, 'ok.jsonl', '{"qid": 7, "multivector": [[1, 2]]}\n'), 2)).toEqual([
      { qid: '7', tokens: [[1, 2]] },
    ]);
  });
});
