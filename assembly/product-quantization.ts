// Quarry's WebAssembly SIMD kernels: product quantization (see index.ts).

/** Asymmetric-distance scan: out[r] = add + sum_s lut[s * 256 + codes[r * m + s]] (lut: float32 m x 256). */
export function pq_scan(lut: usize, codes: usize, m: i32, rows: i32, add: f32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const c = codes + <usize>r * <usize>m;
    let s0: f32 = 0;
    let s1: f32 = 0;
    let s = 0;
    for (; s + 2 <= m; s += 2) {
      s0 += load<f32>(lut + ((<usize>s << 8) + <usize>load<u8>(c + <usize>s)) * 4);
      s1 += load<f32>(lut + ((<usize>(s + 1) << 8) + <usize>load<u8>(c + <usize>s + 1)) * 4);
    }
    if (s < m) s0 += load<f32>(lut + ((<usize>s << 8) + <usize>load<u8>(c + <usize>s)) * 4);
    store<f32>(out + (<usize>r << 2), add + (s0 + s1));
  }
}
