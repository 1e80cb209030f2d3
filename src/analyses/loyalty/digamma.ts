/**
 * ψ(x) = d ln Γ(x)/dx for x > 0: recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 15, then the
 * asymptotic series to the x⁻¹² term (about 15 significant digits). NaN for x ≤ 0.
 *
 * @example
 * digamma(1); // −0.5772156649015329 (−γ)
 */
export function digamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let shift = 0;
  while (x < 15) {
    shift += 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  const series =
    inv2 *
    (1 / 12 -
      inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760))))));
  return Math.log(x) - 0.5 / x - series - shift;
}
