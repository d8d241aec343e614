/**
 * The deterministic corpus behind test/fixtures/inverted-v3 (a collection written
 * in inverted-field format version 3): Zipf-distributed words, so that some
 * terms fill several postings blocks and many occur once.
 */

/** Documents of the fixture, `_id` and `text`. */
export function formatFixtureCorpus(): { _id: string; text: string }[] {
  let seed = 12345;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const vocabulary = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}`);
  // Zipf weights 1 / (rank + 1)
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < vocabulary.length; i++) cumulative.push((total += 1 / (i + 1)));
  const word = (): string => {
    const x = random() * total;
    let lo = 0;
    while (cumulative[lo]! < x) lo++;
    return vocabulary[lo]!;
  };
  const docs: { _id: string; text: string }[] = [];
  for (let d = 0; d < 900; d++) {
    const length = 3 + Math.floor(random() * 40);
    const words: string[] = [];
    for (let i = 0; i < length; i++) words.push(word());
    if (d % 7 === 0) words.push(`once${d}`);
    docs.push({ _id: `d${d}`, text: words.join(' ') });
  }
  return docs;
}
