const TABLE_SIZE = 256;
let table: Float64Array | undefined;

/**
 * ln(k!) for a whole k ≥ 0: exact sums below 256, Stirling's series with three correction terms
 * above (relative error < 1e-15). Kept here rather than imported from attribution/, so fraud/
 * depends on no other skill. O(1) after the first call builds the table.
 *
 * @example logFactorial(5); // ln 120 = 4.7875…
 */
export function logFactorial(k: number): number {
  if (k < TABLE_SIZE) {
    if (!table) {
      table = new Float64Array(TABLE_SIZE);
      for (let i = 2; i < TABLE_SIZE; i++) table[i] = table[i - 1] + Math.log(i);
    }
    return table[k];
  }
  const x = k + 1;
  const inv = 1 / x;
  const inv2 = inv * inv;
  return (
    (x - 0.5) * Math.log(x) -
    x +
    0.5 * Math.log(2 * Math.PI) +
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260))
  );
}
