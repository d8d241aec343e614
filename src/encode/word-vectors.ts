/**
 * Static word vectors (GloVe, word2vec) as text encoders: `encode` gives the
 * mean of a text's in-vocabulary words' vectors (the classic sentence
 * baseline), optionally L2-normalized; `encodeTokens` gives one vector per
 * word, a real multi-vector representation for late-interaction search.
 * Words are found with an analyzer (by default Unicode word segmentation,
 * lower-cased, no stemming), so "Cells," and "cells" share a vector.
 */
import { QuarryError } from '../core/quarry-error.js';
import { forEachGloveVector } from '../io/glove-file.js';
import { createAnalyzer, type Analyzer } from '../text/analyzer.js';

/** Options of a word-average encoder. */
export interface WordVectorOptions {
  /** Splits text into words (default: the `unicode` preset with lower-casing). */
  analyzer?: Analyzer;
  /** L2-normalize the mean (default true), as cosine search expects. */
  normalize?: boolean;
}

/** Encodes text with static word vectors. */
export class WordVectorEncoder {
  readonly dim: number;
  private readonly analyzer: Analyzer;
  private readonly normalize: boolean;
  private readonly index = new Map<string, number>();
  private readonly table: Float32Array;

  /** `vectors`: word -> vector (all of one length). */
  constructor(vectors: ReadonlyMap<string, ArrayLike<number>> | Readonly<Record<string, ArrayLike<number>>>, opts: WordVectorOptions = {}) {
    const entries = vectors instanceof Map ? [...vectors.entries()] : Object.entries(vectors);
    if (entries.length === 0) throw new QuarryError('EMPTY', 'the word-vector table is empty', { field: 'vectors' });
    this.dim = entries[0]![1].length;
    this.table = new Float32Array(entries.length * this.dim);
    entries.forEach(([word, v], i) => {
      if (v.length !== this.dim)
        throw new QuarryError('BAD_INPUT', `vector of "${word}" has ${v.length} dimensions, expected ${this.dim}`, { field: 'vectors' });
      this.table.set(v, i * this.dim);
      this.index.set(word, i);
    });
    this.analyzer =
      opts.analyzer ?? createAnalyzer({ tokenizer: 'unicode', lowercase: true, possessive: false, stopwords: 'none', stemmer: 'none' });
    this.normalize = opts.normalize ?? true;
  }

  /**
   * Reads a GloVe-format text file: one word per line followed by its
   * numbers, separated by spaces (an optional word2vec header line "count
   * dim" is skipped).
   */
  static fromGloveFile(path: string, opts: WordVectorOptions = {}): WordVectorEncoder {
    const table = new Map<string, Float32Array>();
    forEachGloveVector(path, (word, v) => table.set(word, v));
    return new WordVectorEncoder(table, opts);
  }

  /** Number of words with a vector. */
  get vocabularySize(): number {
    return this.index.size;
  }

  /**
   * The mean vector of `text`'s known words, written into `out` (allocated
   * when absent). A text without known words gives the zero vector; the
   * returned count says how many words were found.
   */
  encode(text: string, out: Float32Array = new Float32Array(this.dim)): { vector: Float32Array; words: number } {
    out.fill(0);
    let n = 0;
    const dim = this.dim;
    const table = this.table;
    this.analyzer.forEachTerm(text, (w) => {
      const row = this.index.get(w);
      if (row === undefined) return;
      const base = row * dim;
      for (let d = 0; d < dim; d++) out[d]! += table[base + d]!;
      n++;
    });
    if (n > 0) {
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += out[d]! * out[d]!;
      const scale = this.normalize ? (norm > 0 ? 1 / Math.sqrt(norm) : 0) : 1 / n;
      for (let d = 0; d < dim; d++) out[d]! *= scale;
    }
    return { vector: out, words: n };
  }

  /**
   * One row per in-vocabulary word of `text`, in order (at most `maxTokens`):
   * the words' vectors, rows of `dim` in one array.
   */
  encodeTokens(text: string, maxTokens = Infinity): { data: Float32Array; rows: number } {
    const rows: number[] = [];
    this.analyzer.forEachTerm(text, (w) => {
      const row = this.index.get(w);
      if (row !== undefined && rows.length < maxTokens) rows.push(row);
    });
    const data = new Float32Array(rows.length * this.dim);
    rows.forEach((row, i) => data.set(this.table.subarray(row * this.dim, (row + 1) * this.dim), i * this.dim));
    return { data, rows: rows.length };
  }
}
