// detachedString copies a string exactly, code unit for code unit (lone surrogates too).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detachedString } from '../../src/text/detached-string.js';

describe('detachedString', () => {
  it('returns an equal string for any UTF-16 content', () => {
    expect(detachedString('a\ud800b\udc00c😀')).toBe('a\ud800b\udc00c😀');
    expect(detachedString('')).toBe('');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.nat(50), (s, cut) => {
        // a slice of a longer string, as tokens are
        const token = (s + s).slice(Math.min(cut, s.length), s.length + Math.min(cut, s.length));
        expect(detachedString(token)).toBe(token);
      }),
    );
  });
});
