/**
 * The LIMIT dataset (Weller, Boratko, Naim & Lee, "On the Theoretical Limitations of
 * Embedding-Based Retrieval", 2025), built the way the paper describes: documents are people
 * and the things they like ("Jon Durben likes quokkas, apples and …"), queries ask "Who likes
 * X?", every query has exactly two relevant documents, and the relevant pairs are all pairs of a
 * small core set of documents (46 core documents give C(46, 2) = 1035 pairs, the first 1000 of a
 * seeded shuffle become the queries), inside a large corpus of distractors that like none of the
 * query things. Every document likes the same number of things.
 *
 * The paper's 1850 things came from prompting a language model and cleaning out duplicates and
 * hypernyms; here they come from the word lists of `@faker-js/faker` (foods, animals, music
 * genres, books and more), kept only when they share no analyzed term (English analyzer: Porter
 * stems, stopwords out) with any thing already kept or with any name, so a query's terms occur in
 * its two relevant documents and nowhere else, the property the paper checked with BM25.
 */
import { en } from '@faker-js/faker';
import { createAnalyzer } from '../../src/text/analyzer.js';
import { Prng } from '../common/prng.js';

/** What to generate; the defaults are the paper's sizes (`LIMIT_SMALL` is its 46-document variant). */
export interface LimitSettings {
  /** Documents in all, core ones included (paper: 50,000). */
  documents: number;
  /** Core documents whose pairs are the queries' relevant sets (paper: 46). */
  coreDocuments: number;
  /** Queries, at most C(coreDocuments, 2) (paper: 1000). */
  queries: number;
  /** Things in the pool, query things included (paper: 1850). */
  things: number;
  /** Seed of every random choice. */
  seed: number;
}

/** The paper's full LIMIT. */
export const LIMIT_FULL: LimitSettings = { documents: 50_000, coreDocuments: 46, queries: 1000, things: 1850, seed: 1 };
/** The paper's "small" LIMIT: the 46 core documents only. */
export const LIMIT_SMALL: LimitSettings = { ...LIMIT_FULL, documents: 46 };

/** One generated LIMIT collection. */
export interface LimitDataset {
  /** Documents: id, the person's name (title) and the sentence of what they like. */
  documents: { id: string; title: string; text: string }[];
  /** Queries: id and text ("Who likes X?"). */
  queries: { id: string; text: string }[];
  /** Query id → its two relevant document ids. */
  relevant: Map<string, [string, string]>;
  /** Things each document likes (the same number for all). */
  thingsPerDocument: number;
}

/** Generates LIMIT with `settings` (deterministic for a seed). */
export function generateLimit(settings: LimitSettings = LIMIT_FULL): LimitDataset {
  const { documents: nDocs, coreDocuments: nCore, queries: nQueries, seed } = settings;
  const pairs = (nCore * (nCore - 1)) / 2;
  if (nCore < 2 || nDocs < nCore) throw new Error(`LIMIT needs 2 ≤ core documents ≤ documents, got ${nCore} and ${nDocs}`);
  if (nQueries > pairs) throw new Error(`${nQueries} queries need more than the ${pairs} pairs of ${nCore} core documents`);
  const rng = new Prng(seed);
  const analyzer = createAnalyzer('english');
  const terms = (s: string): string[] => analyzer.analyze(s);

  const names = personNames(nDocs, rng);
  const used = new Set<string>();
  for (const n of names) for (const t of terms(n)) used.add(t);
  const things = distinctThings(settings.things, rng, used, terms);

  // the relevant sets: a seeded shuffle of all pairs of core documents, the first nQueries kept
  const allPairs: [number, number][] = [];
  for (let a = 0; a < nCore; a++) for (let b = a + 1; b < nCore; b++) allPairs.push([a, b]);
  rng.shuffle(allPairs);
  const liked: string[][] = Array.from({ length: nDocs }, () => []);
  const queries: LimitDataset['queries'] = [];
  const relevant = new Map<string, [string, string]>();
  for (let q = 0; q < nQueries; q++) {
    const [a, b] = allPairs[q]!;
    const thing = things[q]!;
    liked[a]!.push(thing);
    liked[b]!.push(thing);
    const id = `q${q}`;
    queries.push({ id, text: `Who likes ${thing}?` });
    relevant.set(id, [docId(a), docId(b)]);
  }
  // every document likes as many things as the busiest core document; the rest are drawn from
  // the things no query asks about, so no distractor is relevant to any query
  const perDoc = Math.max(...liked.slice(0, nCore).map((l) => l.length));
  const fillers = things.slice(nQueries);
  if (fillers.length < perDoc) throw new Error(`${perDoc} things per document need at least ${perDoc} things no query asks about`);
  for (let d = 0; d < nDocs; d++) {
    const mine = liked[d]!;
    const have = new Set(mine);
    while (mine.length < perDoc) {
      const f = fillers[rng.int(fillers.length)]!;
      if (!have.has(f)) {
        have.add(f);
        mine.push(f);
      }
    }
    rng.shuffle(mine);
  }
  const docs = liked.map((l, d) => ({ id: docId(d), title: names[d]!, text: `${names[d]} likes ${listing(l)}.` }));
  // the core documents are not the first ones of the corpus
  rng.shuffle(docs);
  return { documents: docs, queries, relevant, thingsPerDocument: perDoc };
}

function docId(i: number): string {
  return `d${i}`;
}

/** "a, b and c". */
function listing(items: string[]): string {
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** `n` distinct "First Last" names. */
function personNames(n: number, rng: Prng): string[] {
  const first = [...new Set(en.person!.first_name!.generic!)] as string[];
  const last = [...new Set(en.person!.last_name!.generic!)] as string[];
  if (n > first.length * last.length) throw new Error(`only ${first.length * last.length} distinct names for ${n} documents`);
  const out = new Set<string>();
  while (out.size < n) out.add(`${first[rng.int(first.length)]} ${last[rng.int(last.length)]}`);
  return [...out];
}

/** Faker word lists of things a person could like. */
function thingPool(): string[] {
  const f = en;
  const lists: (readonly string[] | null | undefined)[] = [
    f.food?.dish,
    f.food?.ingredient,
    f.food?.fruit,
    f.food?.vegetable,
    f.food?.spice,
    f.animal?.bird,
    f.animal?.dog,
    f.animal?.cat,
    f.animal?.fish,
    f.animal?.insect,
    f.animal?.cetacean,
    f.animal?.horse,
    f.animal?.snake,
    f.animal?.rodent,
    f.music?.genre,
    f.book?.title,
    f.book?.genre,
    f.vehicle?.bicycle_type,
    f.location?.country,
    f.word?.noun,
  ];
  const out: string[] = [];
  for (const l of lists) for (const s of l ?? []) if (!s.includes('{{')) out.push(s);
  return out;
}

/**
 * `count` things from the pool, in a seeded order, each sharing no analyzed term with another
 * or with `taken` (the names' terms), and none without terms.
 */
function distinctThings(count: number, rng: Prng, taken: Set<string>, terms: (s: string) => string[]): string[] {
  const pool = [...new Set(thingPool().map((s) => s.toLowerCase()))];
  rng.shuffle(pool);
  const out: string[] = [];
  for (const s of pool) {
    if (out.length === count) break;
    const ts = terms(s);
    // a thing with a comma or an "and" would blur the list it is written in
    if (ts.length === 0 || /,| and /.test(s) || ts.some((t) => taken.has(t))) continue;
    for (const t of ts) taken.add(t);
    out.push(s);
  }
  if (out.length < count) throw new Error(`the word lists give only ${out.length} things with distinct terms, ${count} asked`);
  return out;
}
