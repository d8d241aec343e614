/**
 * Splits prose into sentences for pre-training tasks that need them (the
 * Inverse Cloze Task takes one sentence as a pseudo-query): a sentence ends at
 * `.`, `!` or `?` (optionally followed by closing quotes or brackets) before
 * white space and an upper-case letter, digit or opening quote or bracket.
 * Abbreviations such as "e.g. The" are split too; for pseudo-queries that
 * costs little.
 */

const BOUNDARY = /(?<=[.!?]["'”’)\]]*)\s+(?=["'“‘([]?[\p{Lu}\p{N}])/u;

/** The sentences of `text`, trimmed, empty ones left out. */
export function splitSentences(text: string): string[] {
  return text
    .split(BOUNDARY)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
