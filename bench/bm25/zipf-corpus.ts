/**
 * A deterministic synthetic corpus with Zipfian term popularity (s = 1) over
 * a fixed vocabulary, the shape of the peers' BM25 benchmark (vocabulary
 * 50,000, mean length 60), plus two query sets of 2-5 terms: drawn from the
 * corpus distribution (most queries contain a very common word) and with the
 * 100 commonest words excluded.
 */
import { Prng } from '../common/prng.js';
import { ZipfTable } from '../common/zipf-table.js';

/** Generator settings. */
export interface ZipfSettings {
  docs: number;
  vocabulary: number;
  meanLength: number;
  seed: number;
}

/** The pseudo-word for a popularity rank (letters only, never an English stopword). */
export function wordOf(rank: number): string {
  let s = '';
  let r = rank;
  do {
    s = String.fromCharCode(97 + (r % 26)) + s;
    r = Math.floor(r / 26);
  } while (r > 0);
  return `z${s}`;
}

/** Samples ranks from a Zipf(1) distribution over `n` items. */
export class ZipfSampler {
  private readonly table: ZipfTable;

  constructor(
    n: number,
    private readonly rng: Prng,
    exponent = 1,
  ) {
    this.table = new ZipfTable(n, exponent);
  }

  sample(): number {
    return this.table.sample(this.rng.next());
  }
}

/** Calls `emit` with each document's id and text, in order. */
export function generateZipfCorpus(s: ZipfSettings, emit: (id: string, text: string) => void): void {
  const rng = new Prng(s.seed);
  const zipf = new ZipfSampler(s.vocabulary, rng);
  const words = Array.from({ length: s.vocabulary }, (_, r) => wordOf(r));
  const spread = Math.floor(s.meanLength / 2);
  const parts: string[] = [];
  for (let d = 0; d < s.docs; d++) {
    const len = s.meanLength - spread + rng.int(2 * spread + 1);
    parts.length = 0;
    for (let i = 0; i < len; i++) parts.push(words[zipf.sample()]!);
    emit(`d${d}`, parts.join(' '));
  }
}

/** Query sets of 2-5 terms: `corpus` (Zipf-distributed) and `rare` (commonest 100 words excluded). */
export function generateZipfQueries(s: ZipfSettings, count: number): { corpus: string[]; rare: string[] } {
  const rng = new Prng(s.seed ^ 0x5eed);
  const zipf = new ZipfSampler(s.vocabulary, rng);
  const make = (minRank: number): string[] =>
    Array.from({ length: count }, () => {
      const n = 2 + rng.int(4);
      const terms = new Set<number>();
      while (terms.size < n) {
        const r = zipf.sample();
        if (r >= minRank) terms.add(r);
      }
      return [...terms].map(wordOf).join(' ');
    });
  return { corpus: make(0), rare: make(100) };
}
