/**
 * Rows shared by the words of one Porter stem (Porter, 1980): "protein" and
 * "proteins" read one embedding row and one pooling weight, as a stemming
 * analyzer would match them, while the tokenizer keeps them apart. Saved as
 * Model2Vec's `mapping` tensor (token id → row), which its readers apply.
 */
import { porterStem } from '../../text/porter-stemmer.js';

/** Token → row, and the number of rows. */
export interface RowMapping {
  mapping: Int32Array;
  rows: number;
}

const WORD = /^[a-z]+$/;

/** Ties the lower-case alphabetic tokens of `vocab` by stem; every other token (pieces, digits, symbols, specials) keeps a row of its own. */
export function stemTiedRows(vocab: ReadonlyMap<string, number>, vocabSize: number): RowMapping {
  const mapping = new Int32Array(vocabSize).fill(-1);
  const rowOfStem = new Map<string, number>();
  let rows = 0;
  // ids in ascending order, so rows are numbered in vocabulary order
  const byId = [...vocab].sort((a, b) => a[1] - b[1]);
  for (const [token, id] of byId) {
    if (WORD.test(token) && token.length > 2) {
      const stem = porterStem(token);
      let row = rowOfStem.get(stem);
      if (row === undefined) {
        row = rows++;
        rowOfStem.set(stem, row);
      }
      mapping[id] = row;
    } else mapping[id] = rows++;
  }
  for (let id = 0; id < vocabSize; id++) if (mapping[id] === -1) mapping[id] = rows++;
  return { mapping, rows };
}

/** Every token its own row. */
export function identityRows(vocabSize: number): RowMapping {
  return { mapping: Int32Array.from({ length: vocabSize }, (_, i) => i), rows: vocabSize };
}
