/** The order Anserini writes its topics in, so `quarry run --sort-qids` can match its run files byte for byte. */

const INTEGER = /^-?\d+$/;

/**
 * Sorts query ids the way Anserini's topic readers key them: as integers when
 * every id is one (a `TreeMap<Integer, …>`), otherwise as strings in UTF-16
 * code-unit order (Java's `String.compareTo`, which is also JavaScript's default
 * sort). Returns a new array.
 */
export function sortQids<T>(items: readonly T[], qid: (item: T) => string): T[] {
  const numeric = items.every((it) => INTEGER.test(qid(it)));
  const keyed = items.map((it) => ({ it, key: qid(it) }));
  if (numeric) {
    // BigInt keeps ids beyond 2^53 exact; they are rare, but an off-by-one order would be silent
    keyed.sort((a, b) => {
      const x = BigInt(a.key);
      const y = BigInt(b.key);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  } else {
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  return keyed.map((k) => k.it);
}
