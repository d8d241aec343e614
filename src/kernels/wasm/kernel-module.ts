/**
 * Loads the WebAssembly SIMD kernels (compiled from assembly/kernels.ts) once per
 * process. Returns null where WebAssembly or its SIMD proposal is unavailable, or
 * when QUARRY_KERNELS=ts asks for the pure-TypeScript reference kernels; every
 * caller then keeps its TypeScript path.
 */
import { KERNELS_WASM_BASE64 } from './kernels-wasm.generated.js';

/** The kernels' exports; pointers are byte offsets into the instance's memory. */
export interface KernelExports {
  dot_f32(a: number, b: number, n: number): number;
  l2sq_f32(a: number, b: number, n: number): number;
  dot_f32_rows(q: number, base: number, dim: number, rows: number, out: number): void;
  ger_f32(a: number, m: number, n: number, u: number, v: number): void;
  gemv_t_f32(a: number, m: number, n: number, u: number, out: number): void;
  pool_weighted_f32(table: number, weights: number, dim: number, ids: number, n: number, out: number): void;
  pool_backward_f32(
    table: number,
    weights: number,
    dim: number,
    ids: number,
    slots: number,
    n: number,
    g: number,
    gRows: number,
    gWeights: number,
  ): void;
  l2sq_f32_rows(q: number, base: number, dim: number, rows: number, out: number): void;
  dot_f32_ids(q: number, base: number, dim: number, ids: number, count: number, out: number): void;
  l2sq_f32_ids(q: number, base: number, dim: number, ids: number, count: number, out: number): void;
  dot_i8(a: number, b: number, n: number): number;
  l2sq_i8(a: number, b: number, n: number): number;
  l2sq_i8_rows(a: number, base: number, dim: number, rows: number, out: number): void;
  nearest_l2_rows(
    data: number,
    n: number,
    strideBytes: number,
    dim: number,
    centroids: number,
    k: number,
    assign: number,
    dist: number,
  ): void;
  dot_i8_rows(a: number, base: number, dim: number, rows: number, out: number): void;
  dot_i16_u8_rows(q: number, codes: number, dim: number, rows: number, scale: number, add: number, out: number): void;
  dot_f32_u8_rows(q: number, codes: number, dim: number, rows: number, add: number, out: number): void;
  hnsw_select(vectors: number, dim: number, l2: number, ids: number, dists: number, n: number, max: number, out: number): number;
  hnsw_search0(
    q: number,
    vectors: number,
    dim: number,
    l2: number,
    links0: number,
    M0: number,
    counts0: number,
    deleted: number,
    allow: number,
    stamp: number,
    epoch: number,
    entries: number,
    nEntries: number,
    ef: number,
    candD: number,
    candI: number,
    bestD: number,
    bestI: number,
    pending: number,
    dists: number,
  ): number;
  maxsim_f32(q: number, nq: number, tokens: number, nt: number, dim: number, best: number): number;
  maxsim_f32_i8(q: number, nq: number, codes: number, scales: number, nt: number, dim: number, best: number): number;
  hamming(a: number, b: number, words: number): number;
  hamming_rows(q: number, base: number, words: number, rows: number, out: number): void;
  bitplane_rows(
    qPlanes: number,
    codes: number,
    words: number,
    planes: number,
    bits: number,
    rows: number,
    minW: number,
    step: number,
    base: number,
    out: number,
  ): void;
  bitplane_rows_variants(
    qPlanes: number,
    codes: number,
    words: number,
    planes: number,
    bits: number,
    rows: number,
    minW: number,
    step: number,
    base: number,
    variants: number,
    out: number,
  ): void;
  binary_row_terms(est: number, rows: number, corr: number, offsets: number, assign: number, qc: number, normsSq: number): void;
  hadamard_l1(x: number, multipliers: number, count: number, dim: number, block: number, work: number, out: number): void;
  variant_query_planes(
    q: number,
    multipliers: number,
    count: number,
    dim: number,
    block: number,
    scales: number,
    planes: number,
    bits: number,
    work: number,
    qPlanes: number,
    minW: number,
    step: number,
    base: number,
  ): void;
  pq_scan(lut: number, codes: number, m: number, rows: number, add: number, out: number): void;
  sparse_dot_rows(
    q: number,
    start: number,
    terms: number,
    termBytes: number,
    values: number,
    f16Table: number,
    ids: number,
    count: number,
    out: number,
  ): void;
  summary_scores(
    q: number,
    sumStart: number,
    terms: number,
    termBytes: number,
    codes: number,
    mins: number,
    steps: number,
    from: number,
    to: number,
    out: number,
  ): void;
  topk_push(
    scores: number,
    n: number,
    firstId: number,
    ids: number,
    allow: number,
    negate: number,
    heapScores: number,
    heapIds: number,
    size: number,
    k: number,
  ): number;
  topk_sort(heapScores: number, heapIds: number, size: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function disabledByEnvironment(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.QUARRY_KERNELS === 'ts';
}

/** The compiled kernels module, or null when the TypeScript kernels must be used. */
export function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (disabledByEnvironment() || typeof WebAssembly !== 'object') return null;
  try {
    const bytes = decodeBase64(KERNELS_WASM_BASE64);
    // validate() is false where SIMD is unsupported; the kernels are then unusable as a whole
    if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null;
  }
  return compiled;
}

/** True when the WebAssembly SIMD kernels are in use. */
export function wasmKernelsEnabled(): boolean {
  return kernelModule() !== null;
}

/** Which kernels run: "wasm-simd" or "typescript". */
export function kernelBackend(): 'wasm-simd' | 'typescript' {
  return wasmKernelsEnabled() ? 'wasm-simd' : 'typescript';
}
