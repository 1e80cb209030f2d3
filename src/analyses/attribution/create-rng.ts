/** A seeded pseudo-random source: same seed, same sequence, on every platform. */
export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number;
}

/**
 * xoshiro128** (Blackman & Vigna) seeded through splitmix32, so that nearby seeds (1, 2, 3…) still
 * give unrelated streams. Analyses take this instead of Math.random to stay reproducible.
 *
 * @example
 * const rng = createRng(42);
 * const u = rng.next(); // same value for seed 42 every run
 */
export function createRng(seed: number): Rng {
  let sm = Math.trunc(seed) | 0;
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) | 0;
    let t = sm ^ (sm >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) | 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  // The all-zero state is a fixed point of xoshiro; splitmix makes it practically impossible, but be sure.
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const nextUint32 = (): number => {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  };
  return {
    nextUint32,
    next: () => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / 9007199254740992,
  };
}
