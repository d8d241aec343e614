/**
 * The BertNormalizer of Hugging Face tokenizers: drop NUL, U+FFFD and
 * control characters, map white space to a space, surround CJK ideographs
 * with spaces, lower-case, and strip accents (NFD, drop non-spacing marks).
 * Shared by the WordPiece and Unigram tokenizers.
 */

/** BertNormalizer settings (`tokenizer.json` names in comments). */
export interface BertNormalizerOptions {
  /** `lowercase` */
  lowercase: boolean;
  /** `strip_accents` (null in the file means: same as lowercase) */
  stripAccents: boolean;
  /** `handle_chinese_chars` */
  chineseChars: boolean;
}

/** Applies the BertNormalizer to `text`. */
export function bertNormalize(text: string, o: BertNormalizerOptions): string {
  let s = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || (isControl(ch) && ch !== '\t' && ch !== '\n' && ch !== '\r')) continue;
    if (/\s/u.test(ch)) s += ' ';
    else if (o.chineseChars && isCjk(cp)) s += ` ${ch} `;
    else s += ch;
  }
  if (o.lowercase) s = s.toLowerCase();
  if (o.stripAccents) s = s.normalize('NFD').replace(/\p{Mn}/gu, '');
  return s;
}

function isControl(ch: string): boolean {
  return /^[\p{Cc}\p{Cf}]$/u.test(ch);
}

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}
