/** The Seismic family: approximate learned-sparse retrieval (Bruch et al., SIGIR 2024, CIKM 2024). */
export * from './params.js';
export type { SeismicData } from './seismic-data.js';
export { buildSeismic } from './build.js';
export { SeismicIndex, type SeismicHits, type SeismicSearchOptions } from './seismic-index.js';
export { readSeismic, writeSeismic } from './format.js';
