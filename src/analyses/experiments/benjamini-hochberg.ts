/**
 * Benjamini–Hochberg step-up adjusted p-values (q-values), in input order: the k-th smallest
 * p-value times m/k, with the running minimum taken from the largest down, capped at 1. Controls
 * the false discovery rate for independent or positively dependent tests.
 *
 * @example
 * benjaminiHochberg([0.01, 0.04, 0.03, 0.005]); // [0.02, 0.04, 0.04, 0.02]
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const { p, i } = order[rank];
    running = Math.min(running, (p * m) / (rank + 1));
    adjusted[i] = Math.min(1, running);
  }
  return adjusted;
}
