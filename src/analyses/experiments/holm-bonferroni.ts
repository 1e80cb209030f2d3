/**
 * Holm–Bonferroni step-down adjusted p-values, returned in input order: sort ascending, multiply
 * the i-th smallest (0-based) by m − i, carry the running maximum, cap at 1. Controls the
 * family-wise error rate with no assumption on dependence between tests.
 *
 * @example
 * holmBonferroni([0.01, 0.04, 0.03, 0.005]); // [0.03, 0.06, 0.06, 0.02]
 */
export function holmBonferroni(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, p * (m - rank)));
    adjusted[i] = running;
  });
  return adjusted;
}
