/**
 * A sum (or product) of amounts computed in TypeScript, to 6 decimals as the SQL sums are
 * (`exactSum`): the binary remainder of adding doubles does not reach result.json or the CSVs
 * (26017.890000000003 is 26017.89; 1097.9 × 0.1 is 109.79, not 109.79000000000003).
 *
 * @example money6(0.1 + 0.2) // 0.3
 */
export const money6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** `money6` of an amount that may be missing (an average of nothing): 627.72 / 5 is 125.544, not 125.54400000000001. */
export const money6OrNull = (x: number | null): number | null => (x === null ? null : money6(x));
