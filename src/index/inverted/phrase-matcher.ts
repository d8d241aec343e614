/**
 * Phrase frequency of one document, as Lucene's phrase matchers count it:
 * exact phrases count every position where all terms sit at their offsets
 * (ExactPhraseMatcher); sloppy phrases sum 1 / (1 + match length) over the
 * matches within `slop` moves (SloppyPhraseMatcher, for phrases whose terms
 * differ; a repeated term is matched as if it were distinct).
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

/**
 * Sloppy phrase frequency: each term's "phrase position" is its position
 * minus its offset; a match spans from the smallest to the largest phrase
 * position, and counts 1 / (1 + span) (in float) when the span is at most
 * `slop`. Terms take turns moving forward from the smallest, as in Lucene.
 */
export function sloppyPhraseFreq(pp: PhrasePositions, offsets: readonly number[], slop: number, state: Int32Array): number {
  const n = offsets.length;
  // state[i]: index of term i's current position; state[n + i]: its phrase position; state[2n + i]: 1 while queued.
  let end = -Infinity;
  for (let i = 0; i < n; i++) {
    state[i] = 0;
    const p = pp.positions[i]![0]! - offsets[i]!;
    state[n + i] = p;
    state[2 * n + i] = 1;
    if (p > end) end = p;
  }
  let freq = 0;
  for (;;) {
    let pick = popSmallest(state, offsets, n);
    let matchLength = end - state[n + pick]!;
    let next = state[n + peekSmallest(state, offsets, n)]!;
    let exhausted = false;
    for (;;) {
      // advance the popped term
      const at = state[pick]! + 1;
      if (at >= pp.counts[pick]!) {
        exhausted = true;
        break;
      }
      state[pick] = at;
      const p = pp.positions[pick]![at]! - offsets[pick]!;
      state[n + pick] = p;
      if (p > end) end = p;
      if (p > next) {
        state[2 * n + pick] = 1;
        if (matchLength <= slop) break;
        pick = popSmallest(state, offsets, n);
        next = state[n + peekSmallest(state, offsets, n)]!;
        matchLength = end - state[n + pick]!;
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
