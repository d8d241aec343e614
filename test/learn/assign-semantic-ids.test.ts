// Semantic-id assignment from code (what `quarry semantic-ids` runs): each method gives
// every row an id, a fitted quantizer or tree codes the same rows to the same ids, and
// progress is reported through the factory given.
import { describe, expect, it } from 'vitest';
import { assignSemanticIds } from '../../src/learn/semantic-ids/assign-semantic-ids.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';

const dim = 8;
const n = 600;
const rand = xorshift32(5);
const rows = Float32Array.from({ length: n * dim }, () => rand() - 0.5);
const idsOf = (tokensOf: (r: number) => Uint32Array): string[] => Array.from({ length: n }, (_, r) => tokensOf(r).join(','));

describe('assignSemanticIds', () => {
  it('residual: fitted codebooks code the rows to the same ids again, distinct per row', () => {
    const labels: string[] = [];
    const progress = (label: string) => {
      labels.push(label);
      return { update: () => {}, stop: () => {} };
    };
    const fitted = assignSemanticIds(rows, dim, { method: 'residual', levels: 2, codebookSize: 16, seed: 3, progress });
    if (fitted.method !== 'residual') throw new Error('residual expected');
    const again = assignSemanticIds(rows, dim, { method: 'residual', levels: 2, codebookSize: 16, quantizer: fitted.quantizer });
    expect(idsOf(again.tokensOf)).toEqual(idsOf(fitted.tokensOf));
    expect(new Set(idsOf(fitted.tokensOf)).size).toBe(n);
    expect(fitted.tokensOf(0).length).toBe(3);
    expect(labels).toEqual(['fitting and coding']);
  });

  it('hierarchical: a saved tree codes the rows to the same paths; a tree of other vectors is refused', () => {
    const built = assignSemanticIds(rows, dim, { method: 'hierarchical', branching: 4, leafSize: 50, seed: 1 });
    if (built.method !== 'hierarchical') throw new Error('hierarchical expected');
    const coded = assignSemanticIds(rows, dim, { method: 'hierarchical', branching: 4, leafSize: 50, tree: { tree: built.tree, dim } });
    expect(idsOf(coded.tokensOf)).toEqual(idsOf(built.tokensOf));
    expect(() =>
      assignSemanticIds(rows.subarray(0, 40), 4, { method: 'hierarchical', branching: 4, leafSize: 50, tree: { tree: built.tree, dim } }),
    ).toThrow(/tree: the tree clusters 8-d vectors, the input has 4 dimensions/);
  });
});
