/**
 * GloVe's text format for word vectors (Pennington et al., EMNLP 2014): one
 * word per line followed by its numbers, separated by spaces; word2vec's
 * text files are the same after an optional "count dim" header line.
 */
import { QuarryError } from '../core/quarry-error.js';
import { forEachLine } from './line-reader.js';

/** Calls `onVector` with each word and its vector (a fresh array), checking every line holds the same number of values. */
export function forEachGloveVector(path: string, onVector: (word: string, vector: Float32Array) => void): { dim: number; words: number } {
  let dim = -1;
  let words = 0;
  forEachLine(path, (line, lineNo) => {
    const parts = line.trimEnd().split(' ');
    if (parts.length < 2) return;
    if (lineNo === 1 && parts.length === 2 && /^\d+$/.test(parts[0]!) && /^\d+$/.test(parts[1]!)) return;
    const v = new Float32Array(parts.length - 1);
    for (let i = 1; i < parts.length; i++) {
      const x = Number(parts[i]);
      if (!Number.isFinite(x)) throw new QuarryError('BAD_INPUT', `"${parts[i]}" is not a number`, { file: path, line: lineNo });
      v[i - 1] = x;
    }
    if (dim === -1) dim = v.length;
    else if (v.length !== dim)
      throw new QuarryError(
        'BAD_INPUT',
        `${v.length} numbers, expected ${dim}`,
        { file: path, line: lineNo },
        'every line holds a word and the same number of values',
      );
    words++;
    onVector(parts[0]!, v);
  });
  return { dim, words };
}
