import type { ActionSegment } from './action-segment.ts';
import { checkLength, finiteAt, weightAt } from './check-column.ts';
import { LoyaltyInputError } from './loyalty-input-error.ts';
import type { NumericColumn } from './types.ts';

export interface ExpiringPointsMembers {
  /** Days until the member's next points expire (from the ledger lots, in SQL). */
  readonly daysToExpiry: NumericColumn;
  /** Points of the member that expire within the horizon (SQL sums lots expiring by as-of + horizon). */
  readonly expiringPoints: NumericColumn;
  readonly count?: NumericColumn;
}

export interface ExpiringPointsOptions {
  /** Money value of one point. */
  readonly valuePerPoint: number;
  /** Points expiring within this many days. Default 30 (pass the same horizon to the SQL). */
  readonly horizonDays?: number;
}

/**
 * Members with points expiring in the next `horizonDays` days (0 ≤ daysToExpiry ≤ horizon and
 * expiringPoints > 0). Value at stake = Σ expiring points × value per point: reward value the
 * members are about to lose (and breakage the programme will book unless they redeem). O(rows).
 *
 * @example
 * expiringPoints({ daysToExpiry: [10, 90], expiringPoints: [500, 800] }, { valuePerPoint: 0.01 }).valueAtStake; // 5
 */
export function expiringPoints(
  members: ExpiringPointsMembers,
  options: ExpiringPointsOptions,
): ActionSegment {
  const horizonDays = options.horizonDays ?? 30;
  const { valuePerPoint } = options;
  if (!(valuePerPoint >= 0) || !Number.isFinite(valuePerPoint)) {
    throw new LoyaltyInputError(`valuePerPoint must be a finite number ≥ 0, got ${valuePerPoint}`, {
      option: 'valuePerPoint',
    });
  }
  const n = members.daysToExpiry.length;
  checkLength(members.expiringPoints, n, 'expiringPoints');
  if (members.count) checkLength(members.count, n, 'count');
  const rows = new Uint8Array(n);
  const values = new Float64Array(n);
  let size = 0;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const days = members.daysToExpiry[i];
    const points = finiteAt(members.expiringPoints, i, 'expiringPoints', 0);
    // No expiring lot is passed as NaN/Infinity days: not in the segment.
    if (!(days >= 0 && days <= horizonDays) || !(points > 0)) continue;
    const w = weightAt(members.count, i, 'count');
    rows[i] = 1;
    size += w;
    values[i] = w * points * valuePerPoint;
    value += values[i];
  }
  return {
    segment: 'expiring-points',
    size,
    valueAtStake: value,
    valueDefinition: 'points expiring within the horizon × value per point, summed',
    play: 'Remind before expiry with one reward they can afford now; consider a one-time extension for high-value members.',
    rows,
    values,
    thresholds: { horizonDays, valuePerPoint },
  };
}
