/**
 * Dense ids for strings (a vocabulary): an open-addressing hash table of
 * 32-bit FNV-1a hashes over the strings' UTF-16 code units, with linear
 * probing. Indexing looks up every token of every document; a `Map` hashes
 * each fresh token string natively and costs several times more per lookup.
 */

const EMPTY = -1;

/** Strings numbered 0, 1, 2, … in first-seen order. */
export class TermIds {
  private slots: Int32Array;
  private mask: number;
  private hashes = new Int32Array(1024);
  private readonly list: string[] = [];

  constructor(capacity = 1024) {
    let size = 1024;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
  }

  /** Number of distinct strings. */
  get size(): number {
    return this.list.length;
  }

  /** The strings, indexed by id (shared: do not modify). */
  get terms(): readonly string[] {
    return this.list;
  }

  /** The id of `term`, or -1. */
  get(term: string): number {
    const h = hashOf(term);
    for (let at = h & this.mask; ; at = (at + 1) & this.mask) {
      const id = this.slots[at]!;
      if (id === EMPTY) return -1;
      if (this.hashes[id] === h && this.list[id] === term) return id;
    }
  }

  /**
   * The id of `term`, adding it when new. `keep` turns a new term into the
   * string to store: an equal string (e.g. a copy that does not hold its
   * document's text).
   */
  idOf(term: string, keep?: (term: string) => string): number {
    const h = hashOf(term);
    let at = h & this.mask;
    for (;;) {
      const id = this.slots[at]!;
      if (id === EMPTY) break;
      if (this.hashes[id] === h && this.list[id] === term) return id;
      at = (at + 1) & this.mask;
    }
    const id = this.list.length;
    this.list.push(keep === undefined ? term : keep(term));
    if (id === this.hashes.length) {
      const grown = new Int32Array(id * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = h;
    this.slots[at] = id;
    // at most half full keeps probe runs short
    if (this.list.length * 2 > this.slots.length) this.grow();
    return id;
  }

  /** Forgets every string and gives the memory back. */
  clear(): void {
    this.list.length = 0;
    this.slots = new Int32Array(1024).fill(EMPTY);
    this.mask = 1023;
    this.hashes = new Int32Array(1024);
  }

  private grow(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size).fill(EMPTY);
    const mask = size - 1;
    for (let id = 0; id < this.list.length; id++) {
      let at = this.hashes[id]! & mask;
      while (slots[at] !== EMPTY) at = (at + 1) & mask;
      slots[at] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** 32-bit FNV-1a over UTF-16 code units. */
function hashOf(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
