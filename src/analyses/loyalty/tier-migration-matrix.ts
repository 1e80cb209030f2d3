import { checkLength, weightAt } from './check-column.ts';
import { LoyaltyInputError } from './loyalty-input-error.ts';
import type { NumericColumn } from './types.ts';

export interface TierMigration {
  readonly tiers: readonly string[];
  /** counts[i][j]: members in tier i at window start and tier j at window end. */
  readonly counts: number[][];
  /** Row shares: counts[i][j] / Σⱼ counts[i][j] (0 for an empty row). */
  readonly shares: number[][];
  /** Members who ended in a higher tier (j > i), the same tier, or a lower one. */
  readonly upgraded: number;
  readonly retained: number;
  readonly downgraded: number;
  readonly members: number;
}

/**
 * Tier migration matrix: tier at window start × tier at window end, from per-member pairs of tier
 * indices (0 = lowest tier) or from DISTINCT pairs with a member count (SQL: `GROUP BY start_tier,
 * end_tier`). Tiers ordered lowest first, so above the diagonal is an upgrade. Members who joined
 * or left during the window belong in a tier of their own (e.g. 'none' at index 0). O(rows + k²).
 *
 * @example
 * tierMigrationMatrix(['Base', 'Silver', 'Gold'], [0, 0, 1, 2], [1, 0, 1, 1], [10, 5, 3, 2]).upgraded; // 10
 */
export function tierMigrationMatrix(
  tiers: readonly string[],
  startTier: NumericColumn,
  endTier: NumericColumn,
  count?: NumericColumn,
): TierMigration {
  const n = startTier.length;
  checkLength(endTier, n, 'endTier');
  if (count) checkLength(count, n, 'count');
  const k = tiers.length;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let upgraded = 0;
  let retained = 0;
  let downgraded = 0;
  for (let r = 0; r < n; r++) {
    const i = startTier[r];
    const j = endTier[r];
    for (const [column, t] of [
      ['startTier', i],
      ['endTier', j],
    ] as const) {
      if (!Number.isInteger(t) || t < 0 || t >= k) {
        throw new LoyaltyInputError(`${column} must be a tier index in 0..${k - 1}, got ${t}`, {
          column,
          row: r,
        });
      }
    }
    const w = weightAt(count, r, 'count');
    counts[i][j] += w;
    if (j > i) upgraded += w;
    else if (j < i) downgraded += w;
    else retained += w;
  }
  const shares = counts.map((row) => {
    const total = row.reduce((s, v) => s + v, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
  return { tiers, counts, shares, upgraded, retained, downgraded, members: upgraded + retained + downgraded };
}
