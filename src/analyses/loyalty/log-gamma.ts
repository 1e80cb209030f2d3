const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0: recurrence up to x ≥ 15, then Stirling's series to the x⁻¹¹ term (truncation
 * below 1e-17 there), so about 15 significant digits everywhere. NaN for x ≤ 0.
 *
 * @example
 * logGamma(0.5); // 0.5723649429247001 = ln √π
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let shift = 0;
  let product = 1;
  while (x < 15) {
    product *= x;
    x += 1;
    // Several shifts of a tiny x keep the product well inside the double range (x < 15).
    if (product > 1e280) {
      shift += Math.log(product);
      product = 1;
    }
  }
  shift += Math.log(product);
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series =
    inv *
    (1 / 12 -
      inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 * (1 / 1188 - inv2 * (691 / 360360))))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series - shift;
}
