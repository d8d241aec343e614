/**
 * The stems of recently seen words. Text repeats its words (a corpus of a million
 * tokens has a few tens of thousands of distinct ones), so looking a stem up costs
 * less than computing it again; and the same stem string coming back each time
 * carries its cached hash into the vocabulary lookup that follows.
 */
import { detachedString } from './detached-string.js';

/** A bounded map from word to stem: full, it is emptied and fills again with the words now in use. */
export class StemCache {
  private readonly stems = new Map<string, string>();

  /** `capacity` words at most; `stem` computes a stem the cache does not have. */
  constructor(
    readonly capacity: number,
    private readonly stem: (word: string) => string,
  ) {}

  /** The stem of `word`. */
  get(word: string): string {
    const known = this.stems.get(word);
    if (known !== undefined) return known;
    const stem = this.stem(word);
    if (this.stems.size >= this.capacity) this.stems.clear();
    // copies: the word may be a view into its document, which the cache must not keep alive
    const key = detachedString(word);
    this.stems.set(key, stem === word ? key : detachedString(stem));
    return stem;
  }
}
