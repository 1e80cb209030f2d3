import type { ActionSegment, TierThreshold } from './action-segment.ts';
import { checkLength, finiteAt, valueAt, weightAt } from './check-column.ts';
import { checkTiers, tierAt } from './check-tiers.ts';
import type { NumericColumn, ScalarOrColumn } from './types.ts';

/** Per-member tier progress in the current qualification period. */
export interface TierProgress {
  /** Index of the member's current tier in `tiers` (0 = lowest). */
  readonly tier: NumericColumn;
  /** Qualifying spend (or points) accumulated in the current qualification period. */
  readonly qualifyingValue: NumericColumn;
  /** Days left in the member's qualification period (one number for a calendar period). */
  readonly daysLeft: ScalarOrColumn;
  /** Members per row (default 1), when rows are distinct combinations. */
  readonly count?: NumericColumn;
}

export interface UpgradeOptions {
  /** Within this share of the next tier's threshold. Default 0.10 (10%). */
  readonly withinShare?: number;
  /** …or within this absolute gap (spend or points). Default 0 (off). */
  readonly withinAmount?: number;
  /** Money per unit of the qualifying measure: 1 for spend, value of a point's spend for points. Default 1. */
  readonly moneyPerUnit?: number;
}

/**
 * Upgrade opportunities: members below the top tier whose gap to the next tier's threshold is at
 * most `withinShare` of that threshold or at most `withinAmount`, with time left in the
 * qualification period (daysLeft > 0). Value at stake = Σ gap × moneyPerUnit: the extra spend
 * that closing every gap would bring in. O(rows).
 *
 * @example
 * upgradeOpportunities({ tier: [0, 0], qualifyingValue: [460, 200], daysLeft: 45 },
 *   [{ name: 'Base', qualify: 0 }, { name: 'Silver', qualify: 500 }]).valueAtStake; // 40
 */
export function upgradeOpportunities(
  members: TierProgress,
  tiers: readonly TierThreshold[],
  options: UpgradeOptions = {},
): ActionSegment {
  const withinShare = options.withinShare ?? 0.1;
  const withinAmount = options.withinAmount ?? 0;
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
    if (k + 1 >= tiers.length) continue;
    const threshold = tiers[k + 1].qualify;
    const gap = threshold - finiteAt(members.qualifyingValue, i, 'qualifyingValue');
    const daysLeft = valueAt(members.daysLeft, i);
    if (!(gap > 0) || !(daysLeft > 0)) continue;
    if (gap > withinShare * threshold && gap > withinAmount) continue;
    const w = weightAt(members.count, i, 'count');
    rows[i] = 1;
    size += w;
    values[i] = w * gap * moneyPerUnit;
    value += values[i];
  }
  return {
    segment: 'upgrade-opportunity',
    size,
    valueAtStake: value,
    valueDefinition:
      'spend still needed to reach the next tier, summed over the members (the revenue closing every gap brings in)',
    play: 'Tell each member how little is left to the next tier and add a time-boxed bonus (double points, free shipping) before the qualification period ends.',
    rows,
    values,
    thresholds: { withinShare, withinAmount, moneyPerUnit },
  };
}
