// Quarry's WebAssembly SIMD kernels: heaps of (key, id) pairs (see index.ts).

// Heaps keep keys and ids in two parallel arrays; these move one pair.

/** Copies pair `from` to slot `to`. */
@inline export function move_pair(keys: usize, ids: usize, from: i32, to: i32): void {
  store<f32>(keys + (<usize>to << 2), load<f32>(keys + (<usize>from << 2)));
  store<i32>(ids + (<usize>to << 2), load<i32>(ids + (<usize>from << 2)));
}

/** Writes (key, id) into slot i. */
@inline export function put_pair(keys: usize, ids: usize, i: i32, key: f32, id: i32): void {
  store<f32>(keys + (<usize>i << 2), key);
  store<i32>(ids + (<usize>i << 2), id);
}
