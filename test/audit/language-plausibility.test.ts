// The language signal: a document whose words follow the collection's usual word pairs gains
// from context; the same words in a random order gain less, even after a natural prefix.
import { describe, expect, it } from 'vitest';
import { contextGain } from '../../src/audit/language-plausibility.js';
import { Prng } from '../../bench/common/prng.js';

const SENTENCES = [
  'the patients with cancer were treated with the new drug',
  'the mice with the mutation were treated with a placebo',
  'expression of the gene in the patients was higher than in the mice',
  'the risk of cancer in patients with the mutation was higher',
];

function tokens(texts: string[]): { docs: Int32Array[]; vocab: number } {
  const ids = new Map<string, number>();
  const docs = texts.map((t) => Int32Array.from(t.split(' '), (w) => ids.get(w) ?? (ids.set(w, ids.size), ids.size - 1)));
  return { docs, vocab: ids.size };
}

describe('contextGain', () => {
  const rng = new Prng(3);
  const natural = Array.from({ length: 60 }, () => `${SENTENCES[rng.int(4)]} ${SENTENCES[rng.int(4)]}`);
  const words = natural[0]!.split(' ');
  const shuffled = [...words].sort(() => rng.next() - 0.5).join(' ');

  it('scores a shuffled document below every natural one', () => {
    const { docs, vocab } = tokens([...natural, shuffled]);
    const g = contextGain(docs, vocab);
    const worstNatural = Math.min(...Array.from(g.subarray(0, natural.length)));
    expect(g[natural.length]).toBeLessThan(worstNatural);
  });

  it('an unnatural tail after a natural prefix still scores low', () => {
    const tail = `${SENTENCES[0]} ${shuffled}`;
    const { docs, vocab } = tokens([...natural, tail]);
    const g = contextGain(docs, vocab);
    expect(g[natural.length]).toBeLessThan(Math.min(...Array.from(g.subarray(0, natural.length))));
  });

  it('leaves a document out of its own statistics, and gives NaN for a single word', () => {
    // two copies of one odd document: each supports the other's word pairs; one alone does not
    const odd = 'zeta omega kappa sigma delta';
    const once = tokens([...natural, odd]);
    const twice = tokens([...natural, odd, odd]);
    const g1 = contextGain(once.docs, once.vocab);
    const g2 = contextGain(twice.docs, twice.vocab);
    expect(g2[natural.length]).toBeGreaterThan(g1[natural.length]!);
    expect(contextGain([Int32Array.of(0)], 1)[0]).toBeNaN();
  });
});
