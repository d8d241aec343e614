// Quarry's WebAssembly SIMD kernels (AssemblyScript, compiled by scripts/build-wasm.mjs).
//
// Every argument named like a pointer is a byte offset into the module's one
// imported memory; the caller (src/kernels/wasm/kernel-memory.ts) places index
// data and per-query scratch there, so nothing is copied per call. Lengths
// need not be multiples of the SIMD width: each kernel finishes with a scalar
// tail. The pure-TypeScript kernels in src/kernels are the reference these
// are tested against.
//
// One file per concern; this entry re-exports the kernels the TypeScript side calls
// (helpers shared between files are exported from their own file but not from the module).

export { dot_f32, dot_f32_ids, dot_f32_rows, gemv_t_f32, ger_f32, l2sq_f32, l2sq_f32_ids, l2sq_f32_rows } from './float32';
export { dot_f32_u8_rows, dot_i16_u8_rows, dot_i8, dot_i8_rows, l2sq_i8, l2sq_i8_rows } from './int8';
export { nearest_l2_rows } from './clustering';
export { hnsw_search0, hnsw_select } from './hnsw';
export { maxsim_f32, maxsim_f32_i8 } from './late-interaction';
export { binary_row_terms, bitplane_rows, bitplane_rows_variants, hadamard_l1, hamming, hamming_rows, variant_query_planes } from './binary';
export { pq_scan } from './product-quantization';
export { sparse_dot_rows, summary_scores } from './sparse';
export { pool_backward_f32, pool_weighted_f32 } from './static-encoder';
export { topk_push, topk_sort } from './top-k';
