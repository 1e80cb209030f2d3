import type { ActionSegment, TierThreshold } from './action-segment.ts';
import { checkLength, finiteAt, valueAt, weightAt } from './check-column.ts';
import { checkTiers, tierAt } from './check-tiers.ts';
import type { TierProgress } from './upgrade-opportunities.ts';

export interface DowngradeOptions {
  /** At most this many days left in the qualification period. Default 60. */
  readonly maxDaysLeft?: number;
  /** Money per unit of the qualifying measure. Default 1 (spend). */
  readonly moneyPerUnit?: number;
}

/**
 * Downgrade risk: members above the lowest tier whose qualifying value is below their tier's
 * retain threshold with little time left (0 ≤ daysLeft ≤ maxDaysLeft). Value at stake = Σ
 * shortfall × moneyPerUnit: the spend the members must still make to keep their tier (revenue a
 * retention nudge can pull in; the tier benefits they are about to lose are the hook). O(rows).
 *
 * @example
 * downgradeRisk({ tier: [1], qualifyingValue: [350], daysLeft: [20] },
 *   [{ name: 'Base', qualify: 0 }, { name: 'Silver', qualify: 500, retain: 400 }]).valueAtStake; // 50
 */
export function downgradeRisk(
  members: TierProgress,
  tiers: readonly TierThreshold[],
  options: DowngradeOptions = {},
): ActionSegment {
  const maxDaysLeft = options.maxDaysLeft ?? 60;
  const moneyPerUnit = options.moneyPerUnit ?? 1;
  checkTiers(tiers);
  const n = members.tier.length;
  checkLength(members.qualifyingValue, n, 'qualifyingValue');
  if (typeof members.daysLeft !== 'number') checkLength(members.daysLeft, n, 'daysLeft');
  if (members.count) checkLength(members.count, n, 'count');
  const rows = new Uint8Array(n);
  const values = new Float64Array(n);
  let size = 0;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const k = tierAt(members.tier, i, tiers.length);
    if (k === 0) continue;
    const retain = tiers[k].retain ?? tiers[k].qualify;
    const shortfall = retain - finiteAt(members.qualifyingValue, i, 'qualifyingValue');
    const daysLeft = valueAt(members.daysLeft, i);
    if (!(shortfall > 0) || !(daysLeft >= 0 && daysLeft <= maxDaysLeft)) continue;
    const w = weightAt(members.count, i, 'count');
    rows[i] = 1;
    size += w;
    values[i] = w * shortfall * moneyPerUnit;
    value += values[i];
  }
  return {
    segment: 'downgrade-risk',
    size,
    valueAtStake: value,
    valueDefinition: 'spend still needed to keep the current tier, summed over the members',
    play: 'Remind members what they keep with their tier and how much is left to requalify; offer a soft landing (grace period, one-off bonus) to the most valuable.',
    rows,
    values,
    thresholds: { maxDaysLeft, moneyPerUnit },
  };
}
