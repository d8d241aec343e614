/** Append-only typed arrays that double their capacity, for building postings without per-item objects. */

/** A growable Uint32Array. */
export class GrowableU32 {
  data: Uint32Array;
  length = 0;

  constructor(initial = 1024) {
    this.data = new Uint32Array(initial);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(Math.max(1024, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  /** Makes room for at least `capacity` values (keeping the filled part). */
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Uint32Array(Math.max(capacity, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** Empties the array and gives its memory back (a builder done with it). */
  release(): void {
    this.data = new Uint32Array(0);
    this.length = 0;
  }

  /** A view of the filled part (shares memory). */
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/** A growable Uint8Array. */
export class GrowableU8 {
  data: Uint8Array;
  length = 0;

  constructor(initial = 1024) {
    this.data = new Uint8Array(initial);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint8Array(Math.max(1024, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  /** Makes room for at least `capacity` values (keeping the filled part). */
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Uint8Array(Math.max(capacity, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** Empties the array and gives its memory back (a builder done with it). */
  release(): void {
    this.data = new Uint8Array(0);
    this.length = 0;
  }

  view(): Uint8Array {
    return this.data.subarray(0, this.length);
  }
}

/** A growable Float32Array. */
export class GrowableF32 {
  data: Float32Array;
  length = 0;

  constructor(initial = 1024) {
    this.data = new Float32Array(initial);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float32Array(Math.max(1024, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  view(): Float32Array {
    return this.data.subarray(0, this.length);
  }
}
