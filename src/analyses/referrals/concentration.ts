import { ReferralInputError } from './referral-input-error.ts';

export interface Concentration {
  readonly total: number;
  /** Share of the total held by the `topN` largest values, in [0, 1]. */
  readonly topNShare: number | null;
  readonly topN: number;
  /** Herfindahl–Hirschman index Σ (100·sᵢ)², 0..10,000 (10,000 = one partner has everything). */
  readonly hhi: number | null;
  /** 10,000 / HHI: the number of equal-sized partners with the same concentration. */
  readonly effectiveCount: number | null;
}

/**
 * Concentration of revenue (or any non-negative amount) across partners: top-N share and the HHI
 * on percentage shares (0..10,000 scale; the US merger guidelines call above 1,800 highly
 * concentrated). Null measures when the total is 0. O(n log n) for the top N.
 *
 * @example concentration([50, 30, 20], 1); // topNShare 0.5, hhi 2500 + 900 + 400 = 3800
 */
export function concentration(values: ArrayLike<number>, topN = 5): Concentration {
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]) || values[i] < 0)
      throw new ReferralInputError(`value ${i} must be a finite amount ≥ 0`, { field: 'values', index: i });
    total += values[i];
  }
  if (!(total > 0)) return { total, topNShare: null, topN, hhi: null, effectiveCount: null };
  const sorted = Float64Array.from(values).sort().reverse();
  let top = 0;
  let hhi = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i < topN) top += sorted[i];
    const pct = (100 * sorted[i]) / total;
    hhi += pct * pct;
  }
  return { total, topNShare: top / total, topN, hhi, effectiveCount: 10000 / hhi };
}
