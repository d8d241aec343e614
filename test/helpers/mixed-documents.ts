/** A small schema with one field of each main kind, and its numbered documents (merge and reopen tests). */
import { parseSchema } from '../../src/collection/index.js';

/** Text, dense (3-d, flat), sparse, number and keyword fields. */
export const mixedSchema = parseSchema({
  fields: {
    text: { type: 'text' },
    emb: { type: 'dense', dim: 3, metric: 'cosine', index: 'flat' },
    sp: { type: 'sparse' },
    year: { type: 'number' },
    tag: { type: 'keyword' },
  },
});

const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];

/** Document number i (id `d<i>`): every fourth has the term "rare". */
export function mixedDocument(i: number) {
  return {
    _id: `d${i}`,
    text: `${words[i % 6]} ${words[(i * 7) % 6]} ${words[(i * 5) % 6]} ${i % 4 === 0 ? 'rare' : ''}`,
    emb: [1, (i % 10) / 10, (i % 3) / 3],
    sp: { [words[i % 6]!]: 1 + (i % 5), rare: i % 4 === 0 ? 2 : 0 },
    year: 2000 + (i % 20),
    tag: i % 2 === 0 ? 'even' : ['odd', 'x'],
  };
}
