/**
 * A binary min-heap of (key, id) pairs in typed arrays, growing as needed.
 * A max-heap is the same heap with negated keys. Used for graph search
 * candidate and result sets; cleared and reused across queries.
 */
export class MinHeap {
  keys: Float64Array;
  ids: Int32Array;
  size = 0;

  constructor(capacity = 64) {
    this.keys = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  push(key: number, id: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      this.keys = k;
      const i = new Int32Array(this.size * 2);
      i.set(this.ids);
      this.ids = i;
    }
    let i = this.size++;
    const keys = this.keys;
    const ids = this.ids;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! <= key) break;
      keys[i] = keys[p]!;
      ids[i] = ids[p]!;
      i = p;
    }
    keys[i] = key;
    ids[i] = id;
  }

  /** Smallest key (undefined behaviour when empty). */
  topKey(): number {
    return this.keys[0]!;
  }

  topId(): number {
    return this.ids[0]!;
  }

  /** Removes the smallest pair. */
  pop(): void {
    const n = --this.size;
    if (n <= 0) return;
    const keys = this.keys;
    const ids = this.ids;
    const key = keys[n]!;
    const id = ids[n]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && keys[r]! < keys[l]! ? r : l;
      if (keys[c]! >= key) break;
      keys[i] = keys[c]!;
      ids[i] = ids[c]!;
      i = c;
    }
    keys[i] = key;
    ids[i] = id;
  }
}
