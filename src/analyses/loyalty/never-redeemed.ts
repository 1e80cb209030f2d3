import type { ActionSegment } from './action-segment.ts';
import { checkLength, finiteAt, weightAt } from './check-column.ts';
import { LoyaltyInputError } from './loyalty-input-error.ts';
import type { NumericColumn } from './types.ts';

export interface NeverRedeemedMembers {
  /** Points the member has ever redeemed. */
  readonly redeemedPoints: NumericColumn;
  /** Current points balance (active). */
  readonly balance: NumericColumn;
  readonly count?: NumericColumn;
}

export interface NeverRedeemedOptions {
  /** Money value of one point. */
  readonly valuePerPoint: number;
  /** Balance at least this (e.g. the cost of the cheapest reward). Default 1 point. */
  readonly minBalance?: number;
}

/**
 * Members who have never redeemed but hold a balance ≥ minBalance. Value at stake = Σ balance ×
 * value per point: the liability carried for members who have not yet felt the programme's value
 * (they are the likeliest to lapse with it unused). O(rows).
 *
 * @example
 * neverRedeemed({ redeemedPoints: [0, 0, 300], balance: [2_000, 0, 900] }, { valuePerPoint: 0.01 }).size; // 1
 */
export function neverRedeemed(members: NeverRedeemedMembers, options: NeverRedeemedOptions): ActionSegment {
  const minBalance = options.minBalance ?? 1;
  const { valuePerPoint } = options;
  if (!(valuePerPoint >= 0) || !Number.isFinite(valuePerPoint)) {
    throw new LoyaltyInputError(`valuePerPoint must be a finite number ≥ 0, got ${valuePerPoint}`, {
      option: 'valuePerPoint',
    });
  }
  const n = members.redeemedPoints.length;
  checkLength(members.balance, n, 'balance');
  if (members.count) checkLength(members.count, n, 'count');
  const rows = new Uint8Array(n);
  const values = new Float64Array(n);
  let size = 0;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const redeemed = finiteAt(members.redeemedPoints, i, 'redeemedPoints', 0);
    const balance = finiteAt(members.balance, i, 'balance');
    if (redeemed > 0 || !(balance >= minBalance)) continue;
    const w = weightAt(members.count, i, 'count');
    rows[i] = 1;
    size += w;
    values[i] = w * balance * valuePerPoint;
    value += values[i];
  }
  return {
    segment: 'never-redeemed',
    size,
    valueAtStake: value,
    valueDefinition: 'points balance × value per point, summed (liability of members who never redeemed)',
    play: 'Trigger a first-redemption offer: show the reward their balance already buys, with one-click redemption at the next checkout.',
    rows,
    values,
    thresholds: { minBalance, valuePerPoint },
  };
}
