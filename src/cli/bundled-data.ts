/** Paths of the small collection shipped with the package (CACM), used by `quarry quickstart`. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the bundled CACM collection. */
export const BUNDLED_CACM = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/cacm');

/** Files of the bundled collection. */
export const CACM_FILES = {
  corpus: join(BUNDLED_CACM, 'corpus.jsonl'),
  queries: join(BUNDLED_CACM, 'queries.jsonl'),
  qrels: join(BUNDLED_CACM, 'qrels.tsv'),
};
