import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLI, quarry } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

// every case runs several CLI processes (a few hundred ms each): more than the default 5 s on a busy machine
const dir = tempDir();
const corpus = writeFile(
  dir,
  'corpus.jsonl',
  [
    '{"_id":"1","title":"Okapi BM25","text":"BM25 ranks documents by term frequency."}',
    '{"_id":"2","title":"Inverted files","text":"Postings lists map terms to documents."}',
    '{"_id":"3","title":"Evaluation","text":"trec_eval computes MAP and nDCG."}',
  ].join('\n') + '\n',
);

/** Hash of every file under a folder, to prove nothing changed. */
function treeHash(root: string): string {
  const h = createHash('sha256');
  const walk = (p: string): void => {
    for (const e of readdirSync(p).sort()) {
      const q = join(p, e);
      if (statSync(q).isDirectory()) walk(q);
      else h.update(q).update(readFileSync(q));
    }
  };
  walk(root);
  return h.digest('hex');
}

describe('quarry index / search / run / info', () => {
  const idx = join(dir, 'idx');
  it('indexes a corpus and searches it', () => {
    const r = quarry(['index', idx, '--corpus', corpus, '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 3, documents: 3, created: true });
    const s = JSON.parse(quarry(['search', idx, 'term', 'frequency', '--json']).stdout) as { hits: { id: string }[] };
    expect(s.hits[0]!.id).toBe('1');
    const info = JSON.parse(quarry(['info', idx, '--json']).stdout) as { documents: number };
    expect(info.documents).toBe(3);
  });

  it('writes a TREC run in qid order (--sort-qids) and evaluates it', () => {
    const queries = writeFile(dir, 'q.tsv', 'q2\tpostings lists\nq1\tterm frequency\n');
    const qrels = writeFile(dir, 'qrels.txt', 'q1 0 1 1\nq2 0 2 1\n');
    const out = join(dir, 'out.run');
    const r = quarry([
      'run',
      idx,
      '--queries',
      queries,
      '--output',
      out,
      '--qrels',
      qrels,
      '-m',
      'P.1',
      '--sort-qids',
      '--threads',
      '2',
      '--quiet',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('P_1                   \tall\t1.0000\n');
    expect(readFileSync(out, 'utf8').split('\n')[0]).toMatch(/^q1 Q0 1 1 \d+\.\d{6} quarry$/);
  });

  it('a malformed corpus line stops with FILE:LINE and leaves the existing collection exactly as it was', () => {
    const before = treeHash(idx);
    const bad = writeFile(dir, 'bad.jsonl', '{"_id":"10","text":"fine"}\n{"_id":"11","text":"fine too"}\n{"_id":"12","text": oops}\n');
    const r = quarry(['index', idx, '--corpus', bad]);
    expect(r.status).toBe(65);
    expect(r.stderr).toMatch(new RegExp(`^quarry: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: not valid JSON`));
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(treeHash(idx)).toBe(before);
    expect(JSON.parse(quarry(['info', idx, '--json']).stdout).documents).toBe(3);
  });

  it.each([
    ['{"title":"no id"}\n', ':1: _id: document has no id'],
    ['{"_id":"x","text":"a"}\n{"_id":"x","text":"b"}\n', ':2: _id: duplicate document id "x"'],
    ['{"_id":"y","colour":"red"}\n', ':1: colour: unknown field'],
  ])('rejects %j with the line and field, leaving the collection unchanged', (content, message) => {
    const before = treeHash(idx);
    const bad = writeFile(dir, 'bad2.jsonl', content);
    const r = quarry(['index', idx, '--corpus', bad]);
    expect(r.status).toBe(65);
    expect(r.stderr).toContain(message);
    expect(treeHash(idx)).toBe(before);
  });

  it('a failed import into a new folder leaves no collection behind', () => {
    const fresh = join(dir, 'fresh');
    const bad = writeFile(dir, 'bad3.jsonl', '{"_id":"1","text":"ok"}\nnot json\n');
    expect(quarry(['index', fresh, '--corpus', bad]).status).toBe(65);
    expect(existsSync(fresh)).toBe(false);
  });

  it('a schema error names the schema file and path', () => {
    const schema = writeFile(dir, 'schema.json', '{"fields":{"body":{"type":"text","k1":-1}}}');
    const r = quarry(['index', join(dir, 'other'), '--corpus', corpus, '--schema', schema]);
    expect(r.status).toBe(65);
    expect(r.stderr).toContain(`${schema}: fields.body.k1`);
  });

  it('every command has --help with an example', () => {
    for (const cmd of [
      'quickstart',
      'index',
      'search',
      'run',
      'info',
      'eval',
      'compare',
      'add',
      'delete',
      'optimize',
      'check',
      'snapshot',
    ]) {
      const r = quarry([cmd, '--help']);
      expect(r.status, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(/Example/);
    }
  });
});

describe('quarry search --vector', () => {
  it('indexes vectors from JSONL with a schema and finds the nearest', () => {
    const vdir = join(dir, 'vec');
    const schema = writeFile(
      dir,
      'vschema.json',
      JSON.stringify({ fields: { emb: { type: 'dense', dim: 3, metric: 'cosine', index: 'flat' } }, extra: ['text'] }),
    );
    const docs = writeFile(
      dir,
      'vdocs.jsonl',
      [
        '{"_id":"x","emb":[1,0,0],"text":"east"}',
        '{"_id":"y","emb":[0,1,0],"text":"north"}',
        '{"_id":"z","emb":[0.7,0.7,0],"text":"north-east"}',
      ].join('\n') + '\n',
    );
    expect(quarry(['index', vdir, '--corpus', docs, '--schema', schema, '--quiet']).status).toBe(0);
    const r = JSON.parse(quarry(['search', vdir, '--vector', '[0.9, 0.1, 0]', '-k', '2', '--json']).stdout) as { hits: { id: string }[] };
    expect(r.hits.map((h) => h.id)).toEqual(['x', 'z']);
    const bad = quarry(['search', vdir, '--vector', '[1, 2]']);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toContain('query has dimension 2, the field has 3');
    const badDoc = writeFile(dir, 'vbad.jsonl', '{"_id":"w","emb":[1,"a",0]}\n');
    const e = quarry(['index', vdir, '--corpus', badDoc]);
    expect(e.status).toBe(65);
    expect(e.stderr).toContain(`${badDoc}:1: emb: component 1 is "a"`);
  });
});

describe('quarry index --vectors', () => {
  it('imports an .fvecs file as one document per row and searches it', async () => {
    const { encodeFvecs } = await import('../../src/io/vector-files.js');
    const { writeFileSync } = await import('node:fs');
    const f = join(dir, 'v.fvecs');
    writeFileSync(f, encodeFvecs(Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), 3));
    const ids = writeFile(dir, 'v.ids', 'a\nb\nc\n');
    const out = join(dir, 'vidx');
    expect(quarry(['index', out, '--vectors', f, '--ids', ids, '--family', 'flat', '--quiet']).status).toBe(0);
    const r = JSON.parse(quarry(['search', out, '--vector', '[0, 0.9, 0.1]', '-k', '1', '--json']).stdout) as { hits: { id: string }[] };
    expect(r.hits[0]!.id).toBe('b');
    const wrongIds = writeFile(dir, 'w.ids', 'a\n');
    const e = quarry(['index', join(dir, 'vidx2'), '--vectors', f, '--ids', wrongIds]);
    expect(e.status).toBe(65);
    expect(e.stderr).toContain('has 1 ids for 3 vectors');
    expect(existsSync(join(dir, 'vidx2'))).toBe(false);
    // adding to the existing collection: --family/--metric must be the field's, --field must exist
    const again = quarry(['index', out, '--vectors', f, '--family', 'hnsw']);
    expect(again.status).toBe(64);
    expect(again.stderr).toContain('--family: the collection\'s field "vector" uses flat, not hnsw');
    const metric = quarry(['index', out, '--vectors', f, '--metric', 'l2']);
    expect(metric.stderr).toContain('--metric: the collection\'s field "vector" uses cosine, not l2');
    const field = quarry(['index', out, '--vectors', f, '--field', 'emb']);
    expect(field.stderr).toContain('--field: the collection has no dense field "emb" (its dense fields: vector)');
    expect(JSON.parse(quarry(['info', out, '--json']).stdout).documents).toBe(3);
    // --floats disk: a binary field whose rescoring floats stay in the segment file
    const onDisk = join(dir, 'vidx-disk');
    expect(quarry(['index', onDisk, '--vectors', f, '--ids', ids, '--family', 'binary', '--floats', 'disk', '--quiet']).status).toBe(0);
    expect(JSON.parse(quarry(['info', onDisk, '--json']).stdout).schema.fields.vector).toMatchObject({ index: 'binary', floats: 'disk' });
    expect(quarry(['info', onDisk]).stdout).toMatch(/vector +dense +binary, cosine, 3 dims, rescoring floats on disk/);
    expect(
      (JSON.parse(quarry(['search', onDisk, '--vector', '[0, 0.9, 0.1]', '-k', '1', '--json']).stdout) as { hits: { id: string }[] })
        .hits[0]!.id,
    ).toBe('b');
    const hnswDisk = quarry(['index', join(dir, 'vidx-hnsw-disk'), '--vectors', f, '--family', 'hnsw', '--floats', 'disk']);
    expect(hnswDisk.status).toBe(65);
    expect(hnswDisk.stderr).toContain('fields.vector.floats: hnsw searches the float rows themselves');
  });

  it('imports integer .ivecs rows as float vectors; a row of another dimension is named', async () => {
    const { encodeFvecs } = await import('../../src/io/vector-files.js');
    const { writeFileSync } = await import('node:fs');
    const iv = join(dir, 'v.ivecs');
    writeFileSync(iv, Buffer.from(Int32Array.of(2, 3, 0, 2, 0, 5).buffer));
    const out = join(dir, 'ividx');
    expect(quarry(['index', out, '--vectors', iv, '--family', 'flat', '--quiet']).status).toBe(0);
    const r = JSON.parse(quarry(['search', out, '--vector', '[0.1, 1]', '-k', '1', '--json']).stdout) as { hits: { id: string }[] };
    expect(r.hits[0]!.id).toBe('1');
    const mixed = join(dir, 'mixed.fvecs');
    writeFileSync(mixed, Buffer.concat([encodeFvecs(Float32Array.of(1, 2), 2), encodeFvecs(Float32Array.of(1, 2, 3), 3)]));
    const e = quarry(['index', join(dir, 'mixed-idx'), '--vectors', mixed]);
    expect(e.status).toBe(65);
    expect(e.stderr).toContain('mixed.fvecs: row 1: dimension 3, expected 2');
    expect(existsSync(join(dir, 'mixed-idx'))).toBe(false);
  });

  it("--params sets the family's build parameters of a new field, checked before anything is written", async () => {
    const { encodeFvecs } = await import('../../src/io/vector-files.js');
    const { writeFileSync } = await import('node:fs');
    const f = join(dir, 'p.fvecs');
    writeFileSync(f, encodeFvecs(Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0), 3));
    const out = join(dir, 'pidx');
    expect(quarry(['index', out, '--vectors', f, '--family', 'hnsw', '--params', '{"M":4,"efConstruction":20}', '--quiet']).status).toBe(0);
    expect(JSON.parse(quarry(['info', out, '--json']).stdout).schema.fields.vector).toMatchObject({
      index: 'hnsw',
      params: { M: 4, efConstruction: 20 },
    });
    const bad = quarry(['index', join(dir, 'pidx-bad'), '--vectors', f, '--family', 'hnsw', '--params', '{"M":1}']);
    expect(bad.status).toBe(65);
    expect(bad.stderr).toContain('fields.vector.params.M: must be an integer in 2..127, got 1');
    expect(existsSync(join(dir, 'pidx-bad'))).toBe(false);
    // the rest in process (each CLI run costs a Node start): the same parameters may be
    // repeated when adding; others would be ignored, so they are refused
    const { importVectors } = await import('../../src/ingest/import-vectors.js');
    const add = (params: string, into = out, family?: string): number =>
      importVectors(into, { vectors: f, field: 'vector', params, index: family, ids: writeFile(dir, 'p2.ids', 'e\nf\ng\nh\n') });
    expect(add('{"M":4,"efConstruction":20}')).toBe(4);
    expect(() => add('{"M":8}')).toThrow('--params: the collection\'s field "vector" has M 4, not 8');
    expect(() => add('{"M":4}')).toThrow('has efConstruction 20, which --params leaves out');
    expect(() => add('{"M":4,"efConstruction":20,"seed":3}')).toThrow('leaves seed at its default, not 3');
    for (const [params, message] of [
      ['{"nprobe":4}', 'fields.vector.params.nprobe: not a parameter of hnsw (hnsw takes: M, efConstruction, efSearch, seed)'],
      ['{"M":', '--params: not valid JSON'],
      ['[4]', '--params: must be a JSON object of family parameters'],
    ] as const) {
      expect(() => add(params, join(dir, 'pidx-bad'), 'hnsw'), params).toThrow(message);
      expect(existsSync(join(dir, 'pidx-bad'))).toBe(false);
    }
    expect(() => add('{"m":4}', join(dir, 'pidx-bad'), 'ivfpq')).toThrow('fields.vector.params.m: must be at most the dimension 3, got 4');
    expect(JSON.parse(quarry(['info', out, '--json']).stdout).documents).toBe(8);
  });
});

describe('quarry search --sparse and quarry run --sparse-queries', () => {
  it('indexes SPLADE vectors and searches them from the CLI', () => {
    const sdir = join(dir, 'sp');
    const schema = writeFile(
      dir,
      'sschema.json',
      JSON.stringify({ id: 'id', fields: { splade: { type: 'sparse', from: 'vector' } }, extra: ['content'] }),
    );
    const corpus = writeFile(
      dir,
      'sdocs.jsonl',
      ['{"id":"d1","content":"a","vector":{"paula":2,"brother":1}}', '{"id":"d2","content":"b","vector":{"brother":3}}'].join('\n') + '\n',
    );
    expect(quarry(['index', sdir, '--corpus', corpus, '--schema', schema, '--quiet']).status).toBe(0);
    const r = JSON.parse(quarry(['search', sdir, '--sparse', '{"paula": 1, "brother": 0.5}', '--json']).stdout) as {
      hits: { id: string; score: number }[];
    };
    expect(r.hits.map((h) => [h.id, h.score])).toEqual([
      ['d1', 2.5],
      ['d2', 1.5],
    ]);
    const queries = writeFile(dir, 'squeries.jsonl', '{"id":"q1","vector":{"brother":1}}\n');
    const out = join(dir, 'sp.run');
    expect(quarry(['run', sdir, '--sparse-queries', queries, '--output', out]).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('q1 Q0 d2 1 3.000000 quarry\nq1 Q0 d1 2 1.000000 quarry\n');
  });
});

describe('quarry add / delete / check / snapshot', () => {
  it('adds, updates and deletes documents, checks files and snapshots a generation', () => {
    const c = join(dir, 'maint');
    expect(quarry(['index', c, '--corpus', corpus, '--quiet']).status).toBe(0);
    expect(quarry(['add', c], '{"_id":"4","title":"New","text":"fresh arrivals"}\n').status).toBe(0);
    expect(quarry(['add', c, '--update'], '{"_id":"1","title":"Okapi","text":"rewritten"}\n').status).toBe(0);
    const dup = quarry(['add', c], '{"_id":"2","text":"again"}\n');
    expect(dup.status).toBe(65);
    expect(dup.stderr).toContain('stdin:1: _id: duplicate document id "2"');
    expect(JSON.parse(quarry(['delete', c, '--id', '3', '--id', 'zzz', '--json']).stdout)).toMatchObject({ deleted: 1, missing: 1 });
    expect(JSON.parse(quarry(['info', c, '--json']).stdout).documents).toBe(3);
    // ids found nowhere: nothing to commit, the generation stays
    const generation = JSON.parse(quarry(['info', c, '--json']).stdout).generation as number;
    expect(JSON.parse(quarry(['delete', c, '--id', 'zzz', '--json']).stdout)).toEqual({ deleted: 0, missing: 1, generation });
    // --id and a file of ids add up (a file used to make --id silently ignored)
    const idsFile = writeFile(dir, 'more-ids.txt', 'yyy\n');
    expect(JSON.parse(quarry(['delete', c, idsFile, '--id', 'xxx', '--json']).stdout)).toMatchObject({
      deleted: 0,
      missing: 2,
      generation,
    });
    expect(JSON.parse(quarry(['search', c, 'rewritten', '--json']).stdout).hits[0].id).toBe('1');
    expect(quarry(['check', c]).stdout).toMatch(/^ok: generation \d+, 3 segments/);
    const snap = join(dir, 'maint-snap');
    const snapped = quarry(['snapshot', c, snap, '--json']);
    expect(snapped.status).toBe(0);
    expect(JSON.parse(snapped.stdout)).toMatchObject({
      generation: JSON.parse(quarry(['info', c, '--json']).stdout).generation,
      dest: snap,
    });
    expect(JSON.parse(quarry(['info', snap, '--json']).stdout).documents).toBe(3);
    expect(quarry(['snapshot', c, snap]).status).toBe(73);
    // optimize merges the three segments into one, in the snapshot (the original stays as the next test needs it)
    expect(JSON.parse(quarry(['optimize', snap, '--json']).stdout)).toMatchObject({
      segments: 1,
      generation: expect.any(Number) as number,
    });
    expect(quarry(['check', snap]).stdout).toMatch(/^ok: generation \d+, 1 segment, .* 3 documents/);
  });

  it('check names a damaged file', async () => {
    const { readdirSync, readFileSync: read, writeFileSync: write } = await import('node:fs');
    const c = join(dir, 'maint');
    const seg = readdirSync(c).find((f) => f.startsWith('seg-'))!;
    const file = join(c, seg, 'stored.bin');
    const bytes = read(file);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    write(file, bytes);
    const r = quarry(['check', c]);
    expect(r.status).toBe(65);
    expect(r.stderr).toContain(`${file}: checksum mismatch`);
  });
});

describe('quarry run --spec', () => {
  it('runs a query spec template for every query', () => {
    const idx = join(dir, 'idx');
    const queries = writeFile(dir, 'spec-q.tsv', 'q1\tterm frequency\n');
    const spec = writeFile(dir, 'spec.json', JSON.stringify({ retrieve: [{ field: 'contents', text: '$query' }], filter: { where: {} } }));
    const out = join(dir, 'spec.run');
    const r = quarry(['run', idx, '--queries', queries, '--spec', spec, '--output', out, '-k', '2']);
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toMatch(/^q1 Q0 1 1 /);
  });
});

describe('options outside their scope, usage errors and closed pipes', () => {
  const idx = join(dir, 'idx');
  it('rejects an option that would be ignored, naming it and what it needs', () => {
    const cases: [string[], string][] = [
      [['search', idx, 'term', '--field', 'contents'], '--field: applies only with --vector or --sparse (text search takes --fields)'],
      [['search', idx, 'term', '--params', '{"efSearch":10}'], '--params: applies only with --vector or --sparse'],
      [['search', idx, 'term', '--vector', '[1,0,0]'], 'query: query text cannot be combined with --vector (remove "term")'],
      [['search', idx, '--vector', '[1]', '--sparse', '{"a":1}'], '--vector: cannot be combined with --sparse'],
      [['search', idx, '--sparse', '{"a":1}', '--exhaustive'], '--exhaustive: cannot be combined with --sparse'],
      [['index', join(dir, 'never'), '--corpus', corpus, '--family', 'flat'], '--family: applies only with --vectors'],
      [['index', join(dir, 'never'), '--corpus', corpus, '--metric', 'dot'], '--metric: applies only with --vectors'],
      [
        ['run', idx, '--queries', corpus, '--params', '{}', '--output', join(dir, 'never.run')],
        '--params: applies only with --sparse-queries',
      ],
      [['run', idx, '--queries', corpus, '-m', 'map', '--output', join(dir, 'never.run')], '--measure: applies only with --qrels'],
    ];
    for (const [args, message] of cases) {
      const r = quarry(args);
      expect(r.status, args.join(' ')).toBe(64);
      expect(r.stderr, args.join(' ')).toContain(`quarry: ${message}`);
    }
    expect(existsSync(join(dir, 'never'))).toBe(false);
    expect(existsSync(join(dir, 'never.run'))).toBe(false);
  });

  it("commander's own usage errors exit 64 too; help and version exit 0", () => {
    expect(quarry(['search', idx, 'x', '--no-such-option']).status).toBe(64);
    expect(quarry(['search', idx, 'x', '-k', '0']).status).toBe(64);
    expect(quarry(['search']).status).toBe(64);
    const port = quarry(['serve', join(dir, 'never-served'), '--port', '99999']);
    expect(port.status).toBe(64);
    expect(port.stderr).toContain('expected an integer from 0 to 65535');
    expect(quarry(['serve', join(dir, 'never-served'), '--cors', 'app.example']).stderr).toContain(
      "argument 'app.example' is invalid. expected an origin such as https://example.org or *.",
    );
    expect(quarry(['search', '--help']).status).toBe(0);
    expect(quarry(['--version']).status).toBe(0);
  });

  it("-k typed with --spec replaces the spec's k", () => {
    const spec = writeFile(dir, 'k-spec.json', JSON.stringify({ retrieve: [{ field: 'contents', text: 'documents map' }], k: 2 }));
    const hits = (args: string[]): number =>
      (JSON.parse(quarry(['search', idx, '--spec', spec, '--json', ...args]).stdout) as { hits: unknown[] }).hits.length;
    expect(hits([])).toBe(2);
    expect(hits(['-k', '1'])).toBe(1);
  });

  it('a reader that closes the pipe early ends the command quietly', () => {
    // 400 queries x every trec_eval measure: far more output than a pipe buffers
    const qrels = writeFile(dir, 'pipe.qrels', Array.from({ length: 400 }, (_, q) => `q${q} 0 d1 1\n`).join(''));
    const run = writeFile(dir, 'pipe.run', Array.from({ length: 400 }, (_, q) => `q${q} Q0 d1 1 1.0 t\nq${q} Q0 d2 2 0.5 t\n`).join(''));
    const r = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${CLI}" eval -q -m all_trec "${qrels}" "${run}" | head -c 10 >/dev/null; echo "status \${PIPESTATUS[0]}"`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stdout.trim()).toBe('status 0');
    expect(r.stderr).toBe('');
  });
});
