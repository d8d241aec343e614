/**
 * GASLITE-style passage crafting (Ben-Tov & Sharif, "GASLITEing the Retrieval: Exploring
 * Vulnerabilities in Dense Embedding-based Search", 2025): the attacker's text followed by
 * `length` words chosen to pull the passage's vector toward a target (the centroid of queries
 * about a concept). Each step takes one position, ranks every word by the first-order gain the
 * gradient predicts for putting it there (HotFlip, Ebrahimi et al., 2018), evaluates the best
 * `shortlist` of them exactly, and keeps the best; sweeps stop when one changes nothing.
 */
import { Prng } from '../common/prng.js';
import type { BagEncoder } from './bag-encoders.js';

/** How a passage is crafted. */
export interface CraftOptions {
  /** Optimised words after the attacker's text (default 40). */
  length?: number;
  /** Candidates per step evaluated exactly (default 64). */
  shortlist?: number;
  /** Most sweeps over all positions (default 6). */
  sweeps?: number;
  seed?: number;
}

/** A crafted passage and the cosine it reaches with the target. */
export interface CraftedPassage {
  text: string;
  cosine: number;
}

/** The objective: cosine of a pooled sum `s` with the unit target `c`. */
export function cosineTo(s: ArrayLike<number>, c: ArrayLike<number>): number {
  let sc = 0;
  let ss = 0;
  for (let j = 0; j < s.length; j++) {
    sc += s[j]! * c[j]!;
    ss += s[j]! * s[j]!;
  }
  return ss > 0 ? sc / Math.sqrt(ss) : 0;
}

/** d cos(s, c) / d s = (c − v (v·c)) / |s| with v = s / |s|, written into `out`. */
export function cosineGradient(s: ArrayLike<number>, c: ArrayLike<number>, out: Float64Array): void {
  let ss = 0;
  for (let j = 0; j < s.length; j++) ss += s[j]! * s[j]!;
  const norm = Math.sqrt(ss);
  if (norm === 0) {
    for (let j = 0; j < s.length; j++) out[j] = c[j]!;
    return;
  }
  let vc = 0;
  for (let j = 0; j < s.length; j++) vc += (s[j]! / norm) * c[j]!;
  for (let j = 0; j < s.length; j++) out[j] = (c[j]! - (s[j]! / norm) * vc) / norm;
}

/** Crafts one passage: `prefix` (the attacker's text) and optimised words, against unit target `c`. */
export function craftPassage(enc: BagEncoder, prefix: string, c: Float64Array, opts: CraftOptions = {}): CraftedPassage {
  const length = opts.length ?? 40;
  const shortlist = opts.shortlist ?? 64;
  const sweeps = opts.sweeps ?? 6;
  const rng = new Prng(opts.seed ?? 1);
  const { dim, rows, words } = enc;
  const V = words.length;
  const s = enc.sum(prefix);
  const adv = Int32Array.from({ length }, () => rng.int(V));
  for (const x of adv) for (let j = 0; j < dim; j++) s[j]! += rows[x * dim + j]!;
  // per word: u·c and |u|², reused by every exact evaluation
  const uc = new Float64Array(V);
  const uu = new Float64Array(V);
  for (let x = 0; x < V; x++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < dim; j++) {
      a += rows[x * dim + j]! * c[j]!;
      b += rows[x * dim + j]! ** 2;
    }
    uc[x] = a;
    uu[x] = b;
  }
  const g = new Float64Array(dim);
  const r = new Float64Array(dim);
  const gain = new Float64Array(V);
  const order = Array.from({ length }, (_, i) => i);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let changed = false;
    rng.shuffle(order);
    for (const i of order) {
      cosineGradient(s, c, g);
      // first-order gain of each word at position i: g · u_x (the current word's term is common to all)
      for (let x = 0; x < V; x++) {
        let a = 0;
        const base = x * dim;
        for (let j = 0; j < dim; j++) a += g[j]! * rows[base + j]!;
        gain[x] = a;
      }
      const candidates = topIndices(gain, shortlist);
      // exact: s' = r + u_x with r = s − u_current
      const cur = adv[i]!;
      let rc = 0;
      let rr = 0;
      for (let j = 0; j < dim; j++) {
        r[j] = s[j]! - rows[cur * dim + j]!;
        rc += r[j]! * c[j]!;
        rr += r[j]! * r[j]!;
      }
      let best = cosineTo(s, c);
      let bestX = cur;
      for (const x of candidates) {
        let ru = 0;
        for (let j = 0; j < dim; j++) ru += r[j]! * rows[x * dim + j]!;
        const n2 = rr + 2 * ru + uu[x]!;
        const val = n2 > 0 ? (rc + uc[x]!) / Math.sqrt(n2) : 0;
        if (val > best + 1e-12) {
          best = val;
          bestX = x;
        }
      }
      if (bestX !== cur) {
        for (let j = 0; j < dim; j++) s[j] = r[j]! + rows[bestX * dim + j]!;
        adv[i] = bestX;
        changed = true;
      }
    }
    if (!changed) break;
  }
  const text = `${prefix} ${Array.from(adv, (x) => words[x]!).join(' ')}`;
  return { text, cosine: cosineTo(enc.sum(text), c) };
}

/** Indices of the `n` largest values. */
function topIndices(values: Float64Array, n: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => values[b]! - values[a]!);
  return idx.slice(0, n);
}
