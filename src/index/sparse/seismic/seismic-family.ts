/** The Seismic family (Bruch et al., "Efficient Inverted Indexes for Approximate Retrieval over Learned Sparse Representations", SIGIR 2024). */
import type { SparseFamily } from '../sparse-family.js';
import { buildSeismic } from './build.js';
import { readSeismic, writeSeismic } from './format.js';
import { SEISMIC_PARAM_RANGES, SEISMIC_SEARCH_PARAMS } from './params.js';
import type { SeismicIndex } from './seismic-index.js';

/** The Seismic family's definition (see sparse-registry.ts). */
export const SEISMIC_FAMILY: SparseFamily<'seismic', SeismicIndex> = {
  kind: 'sparse',
  name: 'seismic',
  summary: 'statically pruned lists cut into blocks with summaries: fast approximate search',
  fileExtension: 'seis',
  params: SEISMIC_PARAM_RANGES,
  searchParams: SEISMIC_SEARCH_PARAMS,
  filterForm: 'allowed',
  // more query terms and fewer skipped blocks together, cheapest first (queryCut 10, heapFactor 0.8 are the defaults)
  recallSettings: () =>
    (
      [
        [3, 0.9],
        [5, 0.9],
        [5, 0.8],
        [10, 0.8],
        [10, 0.7],
        [15, 0.7],
        [20, 0.6],
        [30, 0.5],
        [50, 0.4],
        [100, 0.2],
        [200, 0],
      ] as const
    ).map(([queryCut, heapFactor]) => ({ queryCut, heapFactor })),
  build: (rows, params) => buildSeismic(rows, params),
  write: writeSeismic,
  read: readSeismic,
};
