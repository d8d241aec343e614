// The poisoning benchmark's attack: the cosine gradient matches finite differences, and crafting
// raises a passage's cosine with its target above the attacker's text alone, reproducibly.
import { describe, expect, it } from 'vitest';
import type { BagEncoder } from '../../bench/poison/bag-encoders.js';
import { cosineGradient, cosineTo, craftPassage } from '../../bench/poison/gaslite.js';
import { Prng } from '../../bench/common/prng.js';

/** A toy bag encoder: 60 words with random 8-d rows. */
function toyEncoder(): BagEncoder {
  const rng = new Prng(5);
  const dim = 8;
  const words = Array.from(
    { length: 60 },
    (_, i) => `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`,
  );
  const rows = Float32Array.from({ length: words.length * dim }, () => rng.next() * 2 - 1);
  const index = new Map(words.map((w, i) => [w, i]));
  return {
    name: 'toy',
    dim,
    words,
    rows,
    sum(text) {
      const out = new Float64Array(dim);
      for (const w of text.split(/\s+/)) {
        const i = index.get(w);
        if (i !== undefined) for (let j = 0; j < dim; j++) out[j]! += rows[i * dim + j]!;
      }
      return out;
    },
  };
}

describe('GASLITE-style crafting', () => {
  it('the cosine gradient matches central finite differences', () => {
    const rng = new Prng(9);
    for (let trial = 0; trial < 20; trial++) {
      const s = Float64Array.from({ length: 6 }, () => rng.next() * 2 - 1);
      const c = Float64Array.from({ length: 6 }, () => rng.next() * 2 - 1);
      const n = Math.hypot(...c);
      c.forEach((x, j) => (c[j] = x / n));
      const g = new Float64Array(6);
      cosineGradient(s, c, g);
      for (let j = 0; j < 6; j++) {
        const h = 1e-6;
        const up = Float64Array.from(s);
        const down = Float64Array.from(s);
        up[j]! += h;
        down[j]! -= h;
        expect(g[j]).toBeCloseTo((cosineTo(up, c) - cosineTo(down, c)) / (2 * h), 6);
      }
    }
  });

  it('raises the cosine with the target well above the prefix alone, the same way every time', () => {
    const enc = toyEncoder();
    const target = Float64Array.from(enc.sum(enc.words.slice(0, 3).join(' ')));
    const n = Math.hypot(...target);
    target.forEach((x, j) => (target[j] = x / n));
    const prefix = `${enc.words[10]} ${enc.words[11]}`;
    const before = cosineTo(enc.sum(prefix), target);
    const a = craftPassage(enc, prefix, target, { length: 6, seed: 3 });
    const b = craftPassage(enc, prefix, target, { length: 6, seed: 3 });
    expect(a).toEqual(b);
    expect(a.text.startsWith(`${prefix} `)).toBe(true);
    expect(a.text.split(' ')).toHaveLength(8);
    expect(a.cosine).toBeGreaterThan(before + 0.3);
    expect(a.cosine).toBeGreaterThan(0.9);
  });
});
