import type { TierThreshold } from './action-segment.ts';
import { LoyaltyInputError } from './loyalty-input-error.ts';
import type { NumericColumn } from './types.ts';

/** Throws unless tiers are non-empty with finite thresholds, ordered lowest first. */
export function checkTiers(tiers: readonly TierThreshold[]): void {
  if (tiers.length === 0)
    throw new LoyaltyInputError('tiers must list at least one tier', { option: 'tiers' });
  tiers.forEach((t, i) => {
    if (!Number.isFinite(t.qualify) || (t.retain !== undefined && !Number.isFinite(t.retain))) {
      throw new LoyaltyInputError(`tier ${t.name} needs finite thresholds`, { option: 'tiers', row: i });
    }
    if (i > 0 && t.qualify < tiers[i - 1].qualify) {
      throw new LoyaltyInputError(
        `tiers must be ordered lowest first: ${t.name} qualifies below ${tiers[i - 1].name}`,
        {
          option: 'tiers',
          row: i,
        },
      );
    }
  });
}

/** Tier index of row i, checked against the number of tiers. */
export function tierAt(tier: NumericColumn, i: number, count: number): number {
  const k = tier[i];
  if (!Number.isInteger(k) || k < 0 || k >= count) {
    throw new LoyaltyInputError(`tier must be an index in 0..${count - 1}, got ${k}`, {
      column: 'tier',
      row: i,
    });
  }
  return k;
}
