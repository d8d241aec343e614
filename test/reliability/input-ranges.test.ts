// Inputs that become sizes or float32 values are range-checked where they enter
// (issue: reliability and security, findings 2 and 3): a relevance grade sized an array,
// and vectors or weights beyond float32 were stored as Infinity and broke every later
// commit. Each is refused at once, naming the file and line or the field, and nothing
// committed changes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Collection, parseSchema } from '../../src/collection/index.js';
import { MAX_RELEVANCE, parseQrelsText, qrelsFromTriples } from '../../src/eval/qrels.js';
import { buildCollection } from '../helpers/build-collection.js';
import { quarry } from '../helpers/cli.js';
import { errorOf } from '../helpers/errors.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir();

describe('relevance grades', () => {
  it.each(['2147483647', '99999999999', '-2147483648'])('refuses grade %s at once, naming the line', (grade) => {
    const started = performance.now();
    const e = errorOf(() => parseQrelsText(`1 0 d0 1\n1 0 d1 ${grade}\n`, 'q.qrels'));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toContain(`q.qrels:2: relevance ${Number(grade)} is outside -${MAX_RELEVANCE}..${MAX_RELEVANCE}`);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(() => qrelsFromTriples([['1', 'd1', Number(grade)]])).toThrow(/is outside/);
  });

  it('keeps the grades real collections use', () => {
    expect(parseQrelsText(`1 0 a ${MAX_RELEVANCE}\n1 0 b -2\n1 0 c 4\n`).get('1')?.get('a')).toBe(MAX_RELEVANCE);
  });

  it('quarry eval reports such a grade as bad input, not as an internal error', () => {
    const qrels = writeFile(dir, 'big.qrels', '1 0 d1 2147483647\n');
    const run = writeFile(dir, 'r.run', '1 Q0 d1 1 1.0 t\n');
    const r = quarry(['eval', '-m', 'map', qrels, run]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${qrels}:1: relevance 2147483647 is outside`);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});

describe('float32 values', () => {
  const schema = parseSchema({
    fields: { emb: { type: 'dense', dim: 4, metric: 'cosine', index: 'hnsw' }, sp: { type: 'sparse' } },
  });

  it('refuses document vectors and sparse weights beyond float32, and the collection keeps what it had', () => {
    const c: Collection = buildCollection(dir, [{ _id: 'a', emb: [1, 2, 3, 4], sp: { x: 1 } }], schema);
    const w = c.writer();
    expect(() => w.add({ _id: 'b', emb: [1e39, 2, 3, 4], sp: { x: 1 } }, { file: 'docs.jsonl', line: 7 })).toThrow(
      /docs\.jsonl:7: emb: component 0 is 1e\+39, outside the float32 range/,
    );
    expect(() => w.add({ _id: 'c', emb: [1, 2, 3, -4e38], sp: { x: 1 } })).toThrow(/component 3 is -4e\+38, outside the float32 range/);
    expect(() => w.add({ _id: 'd', emb: [1, 2, 3, 4], sp: { x: 1e39 } })).toThrow(/weight of "x" is 1e\+39, outside the float32 range/);
    w.add({ _id: 'e', emb: [4, 3, 2, 1], sp: { y: 2 } });
    w.commit();
    w.close();
    const snap = c.reader();
    expect(snap.numDocs).toBe(2);
    expect(snap.searchVector('emb', [1, 2, 3, 4], { k: 2 }).map((h) => h.id)).toEqual(['a', 'e']);
  });

  it('refuses query weights and vectors beyond float32, which gave null scores', () => {
    const c: Collection = buildCollection(join(dir, 'q'), [{ _id: 'a', emb: [1, 2, 3, 4], sp: { x: 3e38 } }], schema);
    const snap = c.reader();
    expect(() => snap.query({ retrieve: [{ field: 'sp', sparse: { x: 1e308 } }] })).toThrow(
      /retrieve\[0\]\.sparse\.x must be within the float32 range/,
    );
    expect(() => snap.query({ retrieve: [{ field: 'emb', vector: [1, 2, 3, 1e300] }] })).toThrow(
      /retrieve\[0\]\.vector\[3\] must be within the float32 range/,
    );
    // in range each, but their product overflows the float32 score: refused, not answered with null
    expect(() => snap.query({ retrieve: [{ field: 'sp', sparse: { x: 3e38 } }] })).toThrow(
      /retrieve\[0\]: the scores of field "sp" overflow the float32 range/,
    );
    expect(snap.query({ retrieve: [{ field: 'sp', sparse: { x: 1 } }] }).hits[0]!.score).toBeCloseTo(3e38, -35);
    snap.close();
  });
});
