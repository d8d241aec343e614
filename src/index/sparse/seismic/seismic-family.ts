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
  build: (rows, params) => buildSeismic(rows, params),
  write: writeSeismic,
  read: readSeismic,
};
