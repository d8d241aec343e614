/**
 * A tokenizer built on the platform's Unicode word segmentation
 * (`Intl.Segmenter`, ICU): locale-aware, with dictionary-based word breaks
 * for Chinese, Japanese, Thai and other scripts written without spaces.
 */

const segmenters = new Map<string, Intl.Segmenter>();

/** Splits `text` into word-like segments for `locale` (default: root locale). */
export function unicodeTokenize(text: string, emit: (token: string) => void, locale = 'und'): void {
  let seg = segmenters.get(locale);
  if (seg === undefined) {
    seg = new Intl.Segmenter(locale === 'und' ? undefined : locale, { granularity: 'word' });
    segmenters.set(locale, seg);
  }
  for (const s of seg.segment(text)) if (s.isWordLike) emit(s.segment);
}

/** Splits on white space only (for pre-tokenized text and benchmarks against other engines). */
export function whitespaceTokenize(text: string, emit: (token: string) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const s = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    if (i > s) emit(text.slice(s, i));
  }
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
}
