import type { Rng } from './create-rng.ts';

const LOG_FACTORIAL_TABLE_SIZE = 256;
let logFactorialTable: Float64Array | undefined;

/** ln(k!) — exact sums below 256, Stirling's series (error < 1e-15 relative) above. */
export function logFactorial(k: number): number {
  if (k < LOG_FACTORIAL_TABLE_SIZE) {
    if (!logFactorialTable) {
      logFactorialTable = new Float64Array(LOG_FACTORIAL_TABLE_SIZE);
      for (let i = 2; i < LOG_FACTORIAL_TABLE_SIZE; i++)
        logFactorialTable[i] = logFactorialTable[i - 1] + Math.log(i);
    }
    return logFactorialTable[k];
  }
  const x = k + 1;
  const inv = 1 / x;
  const inv2 = inv * inv;
  // lgamma(x) by Stirling with three correction terms
  return (
    (x - 0.5) * Math.log(x) -
    x +
    0.5 * Math.log(2 * Math.PI) +
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260))
  );
}

/**
 * One draw from Poisson(mean). Inversion by sequential search for small means (exact, cheap), and
 * Hörmann's PTRS transformed rejection (1993, as in NumPy) for mean ≥ 10, where inversion would
 * cost O(mean) per draw. Fractional means are fine; mean ≤ 0 gives 0.
 *
 * @example
 * const rng = createRng(7);
 * const k = samplePoisson(rng, 3.5);
 */
export function samplePoisson(rng: Rng, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean < 10) {
    let p = Math.exp(-mean);
    let cdf = p;
    let k = 0;
    const u = rng.next();
    // The 1000 cap only guards against u being within rounding of 1; the tail beyond is < 1e-300.
    while (u > cdf && k < 1000) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = rng.next() - 0.5;
    const V = rng.next();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + mean + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (
      Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
      -mean + k * loglam - logFactorial(k)
    ) {
      return k;
    }
  }
}
