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
 * two would, the lesser moves on (Lucene's advanceRpts).
 */
export function sloppyPhraseFreq(pp: PhrasePositions, offsets: readonly number[], slop: number, state: Int32Array, repeats: RepeatGroups | null = null): number {
  const n = offsets.length;
  // state[i]: index of term i's current position; state[n + i]: its phrase position; state[2n + i]: 1 while queued.
  const positionOf = (i: number): number => state[n + i]!;
  const step = (i: number): boolean => {
    const at = state[i]! + 1;
    if (at >= pp.counts[i]!) return false;
    state[i] = at;
    state[n + i] = pp.positions[i]![at]! - offsets[i]!;
    return true;
  };
  for (let i = 0; i < n; i++) {
    state[i] = 0;
    state[n + i] = pp.positions[i]![0]! - offsets[i]!;
    state[2 * n + i] = 1;
  }
  if (repeats !== null) {
    // the j-th occurrence of a repeated term in the phrase starts at its j-th position in the document
    for (const group of repeats.members) {
      for (let j = 1; j < group.length; j++) for (let k = 0; k < j; k++) if (!step(group[j]!)) return 0;
    }
  }
  let end = -Infinity;
  for (let i = 0; i < n; i++) if (positionOf(i) > end) end = positionOf(i);
  const advance = (i: number): boolean => {
    if (!step(i)) return false;
    if (positionOf(i) > end) end = positionOf(i);
    return true;
  };
  /** Moves repeated terms off a document position another member of their group holds. */
  const separate = (moved: number): boolean => {
    if (repeats === null) return true;
    const g = repeats.groupOf[moved]!;
    if (g < 0) return true;
    const group = repeats.members[g]!;
    let pp0 = moved;
    for (;;) {
      const at = positionOf(pp0) + offsets[pp0]!;
      let other = -1;
      for (const m of group) {
        if (m !== pp0 && positionOf(m) + offsets[m]! === at) {
          other = m;
          break;
        }
      }
      if (other < 0) return true;
      const a = positionOf(pp0);
      const b = positionOf(other);
      if (!(a < b || (a === b && offsets[pp0]! < offsets[other]!))) pp0 = other;
      if (!advance(pp0)) return false;
    }
  };
  let freq = 0;
  for (;;) {
    let pick = popSmallest(state, offsets, n);
    let matchLength = end - positionOf(pick);
    let next = positionOf(peekSmallest(state, offsets, n));
    let exhausted = false;
    for (;;) {
      if (!advance(pick) || !separate(pick)) {
        exhausted = true;
        break;
      }
      const p = positionOf(pick);
      if (p > next) {
        state[2 * n + pick] = 1;
        if (matchLength <= slop) break;
        pick = popSmallest(state, offsets, n);
        next = positionOf(peekSmallest(state, offsets, n));
        matchLength = end - positionOf(pick);
      } else {
        const m2 = end - p;
        if (m2 < matchLength) matchLength = m2;
      }
    }
    if (matchLength <= slop) freq = f(freq + f(1 / (1 + matchLength)));
    if (exhausted) return freq;
  }
}

/** Lucene's PhraseQueue order: phrase position, then offset, then term order. */
function smallest(state: Int32Array, offsets: readonly number[], n: number): number {
  let best = -1;
  for (let i = 0; i < n; i++) {
    if (state[2 * n + i] === 0) continue;
    if (best < 0) {
      best = i;
      continue;
    }
    const a = state[n + i]!;
    const b = state[n + best]!;
    if (a < b || (a === b && offsets[i]! < offsets[best]!)) best = i;
  }
  return best;
}

function popSmallest(state: Int32Array, offsets: readonly number[], n: number): number {
  const i = smallest(state, offsets, n);
  state[2 * n + i] = 0;
  return i;
}

function peekSmallest(state: Int32Array, offsets: readonly number[], n: number): number {
  return smallest(state, offsets, n);
}
