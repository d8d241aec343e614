/**
 * Text analysis: tokenizer -> possessive removal -> lower-casing -> stopword
 * removal -> stemming. The default `english` analyzer reproduces Anserini's
 * default English analysis (Lucene StandardTokenizer, EnglishPossessiveFilter,
 * LowerCaseFilter, 33 Lucene stopwords, PorterStemFilter).
 */
import { z } from 'zod';
import { porterStem } from './porter-stemmer.js';
import { StemCache } from './stem-cache.js';
import { standardTokenize } from './standard-tokenizer.js';
import { LUCENE_ENGLISH_STOPWORDS } from './stopwords.js';
import { unicodeTokenize, whitespaceTokenize } from './unicode-tokenizer.js';

/** Analyzer settings as stored in a schema. */
export const analyzerConfigSchema = z
  .object({
    /** `standard` (Lucene UAX#29), `unicode` (Intl.Segmenter, any language), `whitespace`. */
    tokenizer: z.enum(['standard', 'unicode', 'whitespace']).default('standard'),
    /** BCP 47 locale for the `unicode` tokenizer. */
    locale: z.string().default('und'),
    /** Remove English possessive 's. */
    possessive: z.boolean().default(true),
    lowercase: z.boolean().default(true),
    /** `english` (Lucene's 33 words), `none`, or an explicit list. */
    stopwords: z.union([z.enum(['english', 'none']), z.array(z.string())]).default('english'),
    /** `porter` or `none`. */
    stemmer: z.enum(['porter', 'none']).default('porter'),
  })
  .strict();

/** Analyzer settings (all fields filled). */
export type AnalyzerConfig = z.infer<typeof analyzerConfigSchema>;

/** Named analyzer presets a schema may refer to by name. */
export const ANALYZER_PRESETS: Readonly<Record<string, Partial<AnalyzerConfig>>> = {
  english: {},
  'english-nostem': { stemmer: 'none' },
  standard: { possessive: false, stopwords: 'none', stemmer: 'none' },
  unicode: { tokenizer: 'unicode', possessive: false, stopwords: 'none', stemmer: 'none' },
  whitespace: { tokenizer: 'whitespace', possessive: false, lowercase: false, stopwords: 'none', stemmer: 'none' },
};

/** Turns text into index terms. */
export interface Analyzer {
  readonly config: AnalyzerConfig;
  /** Terms of `text` in order (stopwords removed). */
  analyze(text: string): string[];
  /**
   * Calls `emit` for each term of `text`, without building an array. `position`
   * counts every token, removed stopwords included (as Lucene's position
   * increments do), so phrases keep the gaps their stopwords leave.
   */
  forEachTerm(text: string, emit: (term: string, position: number) => void): void;
}

/** How an analyzer runs (not part of a schema: the terms are the same either way). */
export interface AnalyzerOptions {
  /** Distinct words whose stems are remembered (default 50,000; 0 computes every stem). */
  stemCache?: number;
}

/** Builds an analyzer from a preset name or settings. */
export function createAnalyzer(spec: string | Partial<AnalyzerConfig> = 'english', options: AnalyzerOptions = {}): Analyzer {
  const config = analyzerConfigSchema.parse(typeof spec === 'string' ? (ANALYZER_PRESETS[spec] ?? presetError(spec)) : spec);
  const stop =
    config.stopwords === 'english' ? new Set(LUCENE_ENGLISH_STOPWORDS) : config.stopwords === 'none' ? null : new Set(config.stopwords);
  const cacheSize = options.stemCache ?? 50_000;
  const stemmer = config.stemmer !== 'porter' ? null : cacheSize > 0 ? new StemCache(cacheSize, porterStem) : null;
  const stem = config.stemmer === 'porter';
  const tokenize =
    config.tokenizer === 'standard'
      ? standardTokenize
      : config.tokenizer === 'whitespace'
        ? whitespaceTokenize
        : (t: string, e: (s: string) => void) => unicodeTokenize(t, e, config.locale);
  const forEachTerm = (text: string, emit: (term: string, position: number) => void): void => {
    let position = -1;
    tokenize(text, (token) => {
      position++;
      let t = token;
      if (config.possessive) t = stripPossessive(t);
      if (config.lowercase) t = t.toLowerCase();
      if (stop !== null && stop.has(t)) return;
      if (stem) t = stemmer !== null ? stemmer.get(t) : porterStem(t);
      if (t.length > 0) emit(t, position);
    });
  };
  return {
    config,
    forEachTerm,
    analyze(text: string): string[] {
      const out: string[] = [];
      forEachTerm(text, (t) => out.push(t));
      return out;
    },
  };
}

function presetError(name: string): never {
  throw new Error(`unknown analyzer "${name}"; presets: ${Object.keys(ANALYZER_PRESETS).join(', ')}`);
}

/** Lucene's EnglishPossessiveFilter: drops a trailing 's after ', ’ or ＇. */
function stripPossessive(token: string): string {
  const n = token.length;
  if (n < 2) return token;
  const last = token.charCodeAt(n - 1);
  if (last !== 115 && last !== 83) return token;
  const q = token.charCodeAt(n - 2);
  return q === 0x27 || q === 0x2019 || q === 0xff07 ? token.slice(0, n - 2) : token;
}
