import type { ActionSegment } from './action-segment.ts';
import { checkLength, finiteAt, weightAt } from './check-column.ts';
import { LoyaltyInputError } from './loyalty-input-error.ts';
import type { NumericColumn } from './types.ts';

export interface WinBackMembers {
  /** Historical value in money (e.g. trailing-12-month spend, or lifetime spend per year). */
  readonly historicalValue: NumericColumn;
  /** P(alive) from `predictBgnbd` (or any churn model), 0..1. */
  readonly probabilityAlive: NumericColumn;
  readonly count?: NumericColumn;
}

export interface WinBackOptions {
  /** P(alive) below this. Default 0.3. */
  readonly maxProbabilityAlive?: number;
  /** Historical value at least this. Default: the members' weighted 80th percentile (top 20%). */
  readonly minHistoricalValue?: number;
}

/**
 * Win-back: high-value members who have probably lapsed (historical value ≥ minHistoricalValue and
 * P(alive) < maxProbabilityAlive). Value at stake = Σ historical value × (1 − P(alive)): the value
 * the members used to bring, weighted by the chance it is already gone. O(rows), plus a sort when
 * the default value threshold is computed.
 *
 * @example
 * winBack({ historicalValue: [900, 50], probabilityAlive: [0.1, 0.1] }, { minHistoricalValue: 500 }).valueAtStake; // 810
 */
export function winBack(members: WinBackMembers, options: WinBackOptions = {}): ActionSegment {
  const n = members.historicalValue.length;
  checkLength(members.probabilityAlive, n, 'probabilityAlive');
  if (members.count) checkLength(members.count, n, 'count');
  const maxProbabilityAlive = options.maxProbabilityAlive ?? 0.3;
  const minHistoricalValue =
    options.minHistoricalValue ?? weightedQuantile(members.historicalValue, members.count, 0.8);
  const rows = new Uint8Array(n);
  const values = new Float64Array(n);
  let size = 0;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const v = finiteAt(members.historicalValue, i, 'historicalValue');
    const p = finiteAt(members.probabilityAlive, i, 'probabilityAlive', 0);
    if (p > 1) {
      throw new LoyaltyInputError(`probabilityAlive must be in 0..1, got ${p}`, {
        column: 'probabilityAlive',
        row: i,
      });
    }
    if (!(v >= minHistoricalValue) || !(p < maxProbabilityAlive)) continue;
    const w = weightAt(members.count, i, 'count');
    rows[i] = 1;
    size += w;
    values[i] = w * v * (1 - p);
    value += values[i];
  }
  return {
    segment: 'win-back',
    size,
    valueAtStake: value,
    valueDefinition:
      'historical value × (1 − P(alive)), summed: the value these members brought, weighted by the chance it is already lost',
    play: 'Send a personal win-back offer scaled to past value (a reward they can redeem at once), and ask why they stopped; stop after two unanswered tries.',
    rows,
    values,
    thresholds: { maxProbabilityAlive, minHistoricalValue },
  };
}

/** Smallest value v with at least q of the weight at or below it (weighted quantile, type 1). */
function weightedQuantile(values: NumericColumn, count: NumericColumn | undefined, q: number): number {
  const n = values.length;
  if (n === 0) return Infinity;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  let total = 0;
  for (let i = 0; i < n; i++) total += weightAt(count, i, 'count');
  let cumulative = 0;
  for (const i of order) {
    cumulative += weightAt(count, i, 'count');
    if (cumulative >= q * total) return values[i];
  }
  return values[order[n - 1]];
}
