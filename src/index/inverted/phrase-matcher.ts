/**
 * Phrase frequency of one document, as Lucene's phrase matchers count it:
 * exact phrases count every position where all terms sit at their offsets
 * (ExactPhraseMatcher); sloppy phrases sum 1 / (1 + match length) over the
 * matches within `slop` moves (SloppyPhraseMatcher, repeated terms included).
 */

const f = Math.fround;

/** Positions of each phrase term in the current document. */
export interface PhrasePositions {
  /** positions[i][0 .. counts[i]) are term i's positions, ascending. */
  positions: Uint32Array[];
  counts: Uint32Array;
}

/**
 * Exact phrase frequency: the number of positions p of the first term such
 * that term i is at p - offsets[0] + offsets[i] for every i.
 */
export function exactPhraseFreq(pp: PhrasePositions, offsets: readonly number[], cursorsAt: Uint32Array): number {
  const n = offsets.length;
  cursorsAt.fill(0, 0, n);
  const lead = pp.positions[0]!;
  const leadCount = pp.counts[0]!;
  let freq = 0;
  outer: for (let j = 0; j < leadCount; j++) {
    const start = lead[j]! - offsets[0]!;
    for (let i = 1; i < n; i++) {
      const want = start + offsets[i]!;
      const ps = pp.positions[i]!;
      const count = pp.counts[i]!;
      let at = cursorsAt[i]!;
      while (at < count && ps[at]! < want) at++;
      cursorsAt[i] = at;
      if (at === count) break outer;
      if (ps[at] !== want) continue outer;
    }
    freq++;
  }
  return freq;
}

/** Phrase terms that occur more than once ("rank rank"): groups of term indexes, each ordered by offset. */
export interface RepeatGroups {
  /** Group of each term, or -1. */
  groupOf: Int32Array;
  /** Members of each group, by offset. */
  members: number[][];
}

/** The repeat groups of a phrase's terms, or null when every term differs. */
export function repeatGroups(terms: readonly string[], offsets: readonly number[]): RepeatGroups | null {
  const byTerm = new Map<string, number[]>();
  terms.forEach((t, i) => byTerm.set(t, [...(byTerm.get(t) ?? []), i]));
  const members = [...byTerm.values()].filter((m) => m.length > 1).map((m) => m.sort((a, b) => offsets[a]! - offsets[b]!));
  if (members.length === 0) return null;
  const groupOf = new Int32Array(terms.length).fill(-1);
  members.forEach((m, g) => {
    for (const i of m) groupOf[i] = g;
  });
  return { groupOf, members };
}

/**
 * Sloppy phrase frequency: each term's "phrase position" is its position
 * minus its offset; a match spans from the smallest to the largest phrase
 * position, and counts 1 / (1 + span) (in float) when the span is at most
 * `slop`. Terms take turns moving forward from the smallest, as in Lucene.
 * Repeated terms start at successive occurrences and never share one: when
 * two would, the lesser moves on (Lucene's advanceRpts). One matcher serves
 * every document of a phrase; it allocates nothing per document.
 */
export class SloppyPhraseMatcher {
  private readonly n: number;
  /** Index of each term's current position in its list. */
  private readonly index: Int32Array;
  /** Each term's phrase position (document position minus offset). */
  private readonly phrasePos: Float64Array;
  /** 1 while the term is in the queue. */
  private readonly queued: Uint8Array;
  private pp!: PhrasePositions;
  private end = 0;

  constructor(
    private readonly offsets: readonly number[],
    private readonly slop: number,
    private readonly repeats: RepeatGroups | null,
  ) {
    this.n = offsets.length;
    this.index = new Int32Array(this.n);
    this.phrasePos = new Float64Array(this.n);
    this.queued = new Uint8Array(this.n);
  }

  /** The sloppy frequency of the phrase in the document whose positions are `pp`. */
  freq(pp: PhrasePositions): number {
    this.pp = pp;
    const n = this.n;
    for (let i = 0; i < n; i++) {
      this.index[i] = 0;
      this.phrasePos[i] = pp.positions[i]![0]! - this.offsets[i]!;
      this.queued[i] = 1;
    }
    if (this.repeats !== null) {
      // the j-th occurrence of a repeated term in the phrase starts at its j-th position in the document
      for (const group of this.repeats.members) {
        for (let j = 1; j < group.length; j++) for (let k = 0; k < j; k++) if (!this.step(group[j]!)) return 0;
      }
    }
    let end = -Infinity;
    for (let i = 0; i < n; i++) if (this.phrasePos[i]! > end) end = this.phrasePos[i]!;
    this.end = end;
    let freq = 0;
    for (;;) {
      let pick = this.pop();
      let matchLength = this.end - this.phrasePos[pick]!;
      let next = this.phrasePos[this.smallest()]!;
      let exhausted = false;
      for (;;) {
        if (!this.advance(pick) || !this.separate(pick)) {
          exhausted = true;
          break;
        }
        const p = this.phrasePos[pick]!;
        if (p > next) {
          this.queued[pick] = 1;
          if (matchLength <= this.slop) break;
          pick = this.pop();
          next = this.phrasePos[this.smallest()]!;
          matchLength = this.end - this.phrasePos[pick]!;
        } else {
          const m2 = this.end - p;
          if (m2 < matchLength) matchLength = m2;
        }
      }
      if (matchLength <= this.slop) freq = f(freq + f(1 / (1 + matchLength)));
      if (exhausted) return freq;
    }
  }

  /** Moves term i to its next position; false when it has none. */
  private step(i: number): boolean {
    const at = this.index[i]! + 1;
    if (at >= this.pp.counts[i]!) return false;
    this.index[i] = at;
    this.phrasePos[i] = this.pp.positions[i]![at]! - this.offsets[i]!;
    return true;
  }

  /** step, keeping `end` the largest phrase position. */
  private advance(i: number): boolean {
    if (!this.step(i)) return false;
    if (this.phrasePos[i]! > this.end) this.end = this.phrasePos[i]!;
    return true;
  }

  /** Moves repeated terms off a document position another member of their group holds. */
  private separate(moved: number): boolean {
    if (this.repeats === null) return true;
    const g = this.repeats.groupOf[moved]!;
    if (g < 0) return true;
    const group = this.repeats.members[g]!;
    const pos = this.phrasePos;
    const off = this.offsets;
    let pp0 = moved;
    for (;;) {
      const at = pos[pp0]! + off[pp0]!;
      let other = -1;
      for (const m of group) {
        if (m !== pp0 && pos[m]! + off[m]! === at) {
          other = m;
          break;
        }
      }
      if (other < 0) return true;
      // the lesser of the two (by phrase position, then offset) moves on
      if (!(pos[pp0]! < pos[other]! || (pos[pp0] === pos[other] && off[pp0]! < off[other]!))) pp0 = other;
      if (!this.advance(pp0)) return false;
    }
  }

  /** Lucene's PhraseQueue order among queued terms: phrase position, then offset, then term order. */
  private smallest(): number {
    let best = -1;
    const pos = this.phrasePos;
    for (let i = 0; i < this.n; i++) {
      if (this.queued[i] === 0) continue;
      if (best < 0 || pos[i]! < pos[best]! || (pos[i] === pos[best] && this.offsets[i]! < this.offsets[best]!)) best = i;
    }
    return best;
  }

  private pop(): number {
    const i = this.smallest();
    this.queued[i] = 0;
    return i;
  }
}
