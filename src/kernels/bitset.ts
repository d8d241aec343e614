/** A fixed-size set of document numbers as 32-bit words (allow-lists for filtered search, tombstones). */
export class Bitset {
  readonly words: Uint32Array;

  constructor(readonly size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  /** A bitset with the given members. */
  static of(size: number, members: Iterable<number>): Bitset {
    const b = new Bitset(size);
    for (const m of members) b.add(m);
    return b;
  }

  /** The positions whose flag is 0 (the live documents of a deleted-flags array). */
  static unflagged(flags: Uint8Array): Bitset {
    const b = new Bitset(flags.length);
    for (let i = 0; i < flags.length; i++) if (flags[i] === 0) b.add(i);
    return b;
  }

  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }

  remove(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
  }

  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  /** Number of members. */
  count(): number {
    let c = 0;
    for (const w of this.words) {
      let v = w - ((w >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      c += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    return c;
  }

  /** Calls `f` for each member in increasing order. */
  forEach(f: (i: number) => void): void {
    const w = this.words;
    for (let j = 0; j < w.length; j++) {
      let x = w[j]!;
      while (x !== 0) {
        const t = x & -x;
        f(j * 32 + (31 - Math.clz32(t)));
        x ^= t;
      }
    }
  }
}
