// A document's vector may be a Float32Array (what Quarry's encoders return) as well as an
// array of numbers; both are checked alike (issue: developer experience, finding 2).
import { describe, expect, it } from 'vitest';
import { parseSchema } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('typed-array vectors', () => {
  it('adds Float32Array vectors and refuses a wrong dimension or a non-finite component in one', () => {
    const schema = parseSchema({ fields: { emb: { type: 'dense', dim: 3, metric: 'dot', index: 'flat' } } });
    const c = buildCollection(
      tempDir(),
      [
        { _id: 'a', emb: Float32Array.of(1, 0, 0) },
        { _id: 'b', emb: [0, 1, 0] },
      ],
      schema,
    );
    const w = c.writer();
    expect(() => w.add({ _id: 'c', emb: Float32Array.of(1, 2) })).toThrow(/emb: dimension 2, expected 3/);
    expect(() => w.add({ _id: 'd', emb: Float32Array.of(1, Number.NaN, 0) })).toThrow(/emb: component 1 is null, not a finite number/);
    expect(() => w.add({ _id: 'e', emb: 'x' })).toThrow(/emb: expected an array of numbers \(or a Float32Array\)/);
    w.close();
    const snap = c.reader();
    expect(snap.searchVector('emb', Float32Array.of(1, 0, 0), { k: 1 })[0]!.id).toBe('a');
    snap.close();
  });
});
