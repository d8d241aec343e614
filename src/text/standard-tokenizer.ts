/**
 * A tokenizer following Lucene's StandardTokenizer: word boundaries of the
 * Unicode Text Segmentation algorithm (UAX #29), emitting letter/number
 * words, one token per ideograph or hiragana character, runs of South-East
 * Asian script, and emoji. Tokens longer than 255 characters are split, as
 * Lucene does.
 */
import { WB, wordBreakClass } from './word-break-classes.js';

/** Lucene's default maximum token length. */
export const MAX_TOKEN_LENGTH = 255;

function isAHLetter(c: WB): boolean {
  return c === WB.ALetter || c === WB.HebrewLetter;
}

/** Rules WB5, WB8-WB10, WB13, WB13a, WB13b: no break between `a` and `b`. */
function joins(a: WB, b: WB): boolean {
  const la = isAHLetter(a);
  const lb = isAHLetter(b);
  if ((la || a === WB.Numeric) && (lb || b === WB.Numeric)) return true;
  if (a === WB.Katakana && b === WB.Katakana) return true;
  if (b === WB.ExtendNumLet && (la || a === WB.Numeric || a === WB.Katakana || a === WB.ExtendNumLet)) return true;
  if (a === WB.ExtendNumLet && (lb || b === WB.Numeric || b === WB.Katakana)) return true;
  return false;
}

/** Splits `text` into tokens, calling `emit` for each (no allocation beyond the token strings). */
export function standardTokenize(text: string, emit: (token: string) => void): void {
  const n = text.length;
  let i = 0;
  // Position after the code point at `p`, and its class, skipping Extend/Format (WB4).
  let nextPos = 0;
  let nextCls: WB = WB.Other;
  const read = (p: number): WB => {
    let cp = text.charCodeAt(p);
    let q = p + 1;
    if (cp >= 0xd800 && cp <= 0xdbff && q < n) {
      const lo = text.charCodeAt(q);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        q++;
      }
    }
    nextCls = wordBreakClass(cp);
    nextPos = q;
    return nextCls;
  };
  const skipExtend = (p: number): number => {
    while (p < n) {
      if (read(p) !== WB.Extend) break;
      p = nextPos;
    }
    return p;
  };
  const out = (start: number, end: number): void => {
    for (let s = start; s < end; s += MAX_TOKEN_LENGTH) emit(text.slice(s, Math.min(end, s + MAX_TOKEN_LENGTH)));
  };

  while (i < n) {
    const c = read(i);
    const start = i;
    i = nextPos;
    switch (c) {
      case WB.Ideographic:
      case WB.Hiragana:
        i = skipExtend(i);
        out(start, i);
        continue;
      case WB.SouthEastAsian:
        while (i < n) {
          const sc = read(i);
          if (sc !== WB.SouthEastAsian && sc !== WB.Extend) break;
          i = nextPos;
        }
        out(start, i);
        continue;
      case WB.Emoji:
        i = skipExtend(i);
        out(start, i);
        continue;
      case WB.ALetter:
      case WB.HebrewLetter:
      case WB.Numeric:
      case WB.Katakana:
      case WB.ExtendNumLet:
        break;
      default:
        continue;
    }
    let prev: WB = c;
    let hasWordChar = c !== WB.ExtendNumLet;
    i = skipExtend(i);
    while (i < n) {
      const nc = read(i);
      const after = nextPos;
      if (joins(prev, nc)) {
        prev = nc;
        if (nc !== WB.ExtendNumLet) hasWordChar = true;
        i = skipExtend(after);
        continue;
      }
      // WB6/WB7 and WB11/WB12: a middle character between two letters or two digits.
      const midLetter = isAHLetter(prev) && (nc === WB.MidLetter || nc === WB.MidNumLet || nc === WB.SingleQuote);
      const midNum = prev === WB.Numeric && (nc === WB.MidNum || nc === WB.MidNumLet || nc === WB.SingleQuote);
      const hebrewQuote = prev === WB.HebrewLetter && nc === WB.DoubleQuote;
      if (midLetter || midNum || hebrewQuote) {
        const k = skipExtend(after);
        if (k < n) {
          const third = read(k);
          const ok = midLetter ? isAHLetter(third) : midNum ? third === WB.Numeric : third === WB.HebrewLetter;
          if (ok) {
            prev = third;
            i = skipExtend(nextPos);
            continue;
          }
        }
      }
      // WB7a: Hebrew letter followed by an apostrophe keeps the apostrophe.
      if (prev === WB.HebrewLetter && nc === WB.SingleQuote) {
        i = skipExtend(after);
      }
      break;
    }
    if (hasWordChar) out(start, i);
  }
}
