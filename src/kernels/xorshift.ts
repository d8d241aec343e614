/** A seeded xorshift32 generator: fast, reproducible random numbers for index builds. */

/** Returns a function drawing uniform numbers in (0, 1) from `seed`. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
}

/** A standard normal draw from two uniform draws of `rand` (Box–Muller). */
export function standardNormal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
}
