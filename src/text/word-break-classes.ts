/**
 * Character classes of the Unicode word-break algorithm (UAX #29) that
 * Lucene's StandardTokenizer implements, plus the token kinds Lucene emits on
 * its own (ideographs, hiragana, South-East Asian scripts, emoji). Classes
 * for the Basic Multilingual Plane are computed once into a table; others on
 * demand.
 */

/** Word-break class of a code point. */
export const enum WB {
  Other = 0,
  ALetter,
  HebrewLetter,
  Numeric,
  Katakana,
  ExtendNumLet,
  MidLetter,
  MidNum,
  MidNumLet,
  SingleQuote,
  DoubleQuote,
  Extend, // Extend, Format and ZWJ: attach to the preceding character (rule WB4)
  Ideographic, // Lucene emits each ideograph as its own token
  Hiragana, // likewise each hiragana character
  SouthEastAsian, // Thai, Lao, Myanmar, Khmer...: Lucene emits whole runs
  Emoji,
}

const MID_LETTER = new Set([0x3a, 0xb7, 0x387, 0x55f, 0x5f4, 0x2027, 0xfe13, 0xfe55, 0xff1a]);
const MID_NUM = new Set([0x2c, 0x3b, 0x37e, 0x589, 0x60c, 0x60d, 0x66c, 0x7f8, 0x2044, 0xfe10, 0xfe14, 0xfe50, 0xfe54, 0xff0c, 0xff1b]);
const MID_NUM_LET = new Set([0x2e, 0x2018, 0x2019, 0x2024, 0xfe52, 0xff07, 0xff0e]);

const RE_EXTEND = /^[\p{M}\u200c\u200d\p{Emoji_Modifier}]$/u;
const RE_FORMAT = /^\p{Cf}$/u;
const RE_SEA =
  /^[\p{Script=Thai}\p{Script=Lao}\p{Script=Myanmar}\p{Script=Khmer}\p{Script=Tai_Le}\p{Script=New_Tai_Lue}\p{Script=Tai_Tham}\p{Script=Tai_Viet}]$/u;
const RE_HAN = /^[\p{Script=Han}\u3005\u3007\u3021-\u3029\u3038-\u303b]$/u;
const RE_HIRAGANA = /^\p{Script=Hiragana}$/u;
const RE_KATAKANA = /^[\p{Script=Katakana}\u3031-\u3035\u309b\u309c\u30a0\u30fc\uff70]$/u;
const RE_HEBREW = /^\p{Script=Hebrew}$/u;
const RE_LETTER = /^\p{L}$/u;
const RE_ALETTER = /^[\p{Alphabetic}\u02c2-\u02c5\u02d2-\u02d7\u02de\u02df\u02ed\u02ef-\u02ff\u05f3\ua720\ua721\ua789\ua78a\uab5b]$/u;
const RE_NUMERIC = /^\p{Nd}$/u;
const RE_PC = /^[\p{Pc}\u202f]$/u;
const RE_EMOJI = /^[\p{Extended_Pictographic}\u{1f1e6}-\u{1f1ff}]$/u;

function classify(cp: number): WB {
  if (cp < 0x80) {
    if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a)) return WB.ALetter;
    if (cp >= 0x30 && cp <= 0x39) return WB.Numeric;
    if (cp === 0x5f) return WB.ExtendNumLet;
    if (cp === 0x27) return WB.SingleQuote;
    if (cp === 0x22) return WB.DoubleQuote;
    if (cp === 0x3a) return WB.MidLetter;
    if (cp === 0x2e) return WB.MidNumLet;
    if (cp === 0x2c || cp === 0x3b) return WB.MidNum;
    return WB.Other;
  }
  if (MID_LETTER.has(cp)) return WB.MidLetter;
  if (MID_NUM.has(cp)) return WB.MidNum;
  if (MID_NUM_LET.has(cp)) return WB.MidNumLet;
  const ch = String.fromCodePoint(cp);
  if (RE_EXTEND.test(ch)) return WB.Extend;
  if (RE_FORMAT.test(ch)) return cp === 0x200b || cp === 0xfeff ? WB.Other : WB.Extend;
  if (RE_NUMERIC.test(ch)) return WB.Numeric;
  if (RE_PC.test(ch)) return WB.ExtendNumLet;
  if (RE_SEA.test(ch)) return WB.SouthEastAsian;
  if (RE_HAN.test(ch)) return WB.Ideographic;
  if (RE_HIRAGANA.test(ch)) return WB.Hiragana;
  if (RE_KATAKANA.test(ch)) return WB.Katakana;
  if (RE_HEBREW.test(ch) && RE_LETTER.test(ch)) return WB.HebrewLetter;
  if (RE_ALETTER.test(ch)) return WB.ALetter;
  if (RE_EMOJI.test(ch)) return WB.Emoji;
  return WB.Other;
}

let bmp: Uint8Array | null = null;
const astral = new Map<number, WB>();

/** Word-break class of a code point. */
export function wordBreakClass(cp: number): WB {
  if (cp < 0x10000) {
    if (bmp === null) {
      bmp = new Uint8Array(0x10000);
      for (let c = 0; c < 0x10000; c++) bmp[c] = classify(c);
    }
    return bmp[cp]! as WB;
  }
  let c = astral.get(cp);
  if (c === undefined) {
    c = classify(cp);
    astral.set(cp, c);
  }
  return c;
}
