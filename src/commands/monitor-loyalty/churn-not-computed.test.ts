/**
 * Without a usable churn model (too few purchasers, a fit not converged or degenerate) no member
 * has P(alive), expected purchases or CLV: the churn tables and the RFM segments say "not computed"
 * (null, shown as —), not 0 at risk, 0 expected purchases and USD 0 of CLV. Before, a programme of
 * 48 purchasers (below `models.min_purchasers` 50) showed "At risk 0 · Expected purchases 0 ·
 * CLV $0.00" for every tier and every RFM segment beside the warning that none was computed.
 */
import { describe, expect, it } from 'vitest';
import { churnBy, type MemberColumns, type MemberScores } from './member-scores.ts';
import { rfmSummary } from './rfm-summary.ts';

const n = 4;
const f = (xs: number[]) => Float64Array.from(xs);
const cols = {
  rowCount: n,
  tier: f([0, 0, 1, 1]),
  has_purchase: f([1, 1, 1, 0]),
  spend_total: f([100, 50, 300, 0]),
  recency_days: f([3, 40, 10, 0]),
  rfm_orders: f([4, 1, 6, 0]),
  rfm_spend: f([100, 50, 300, 0]),
} as unknown as MemberColumns;
const none: MemberScores = {
  pAlive: f([NaN, NaN, NaN, NaN]),
  expected: f([NaN, NaN, NaN, NaN]),
  clv: f([NaN, NaN, NaN, NaN]),
};

describe('churn and value without a model', () => {
  it('churn rows: members and spend as they are, risk, purchases and CLV not computed', () => {
    const rows = churnBy(cols.tier, ['Bronze', 'Silver'], cols, none, 0.3);
    expect(rows[0]).toEqual({
      key: 'Bronze',
      members: 2,
      purchasers: 0,
      mean_p_alive: null,
      at_risk: null,
      expected_purchases: null,
      clv: null,
      lifetime_spend: 150,
    });
  });

  it('BG/NBD without Gamma-Gamma: risk and purchases computed, CLV not', () => {
    const bgOnly: MemberScores = { ...none, pAlive: f([0.9, 0.2, 0.8, NaN]), expected: f([1, 0.1, 2, NaN]) };
    const [bronze, silver] = churnBy(cols.tier, ['Bronze', 'Silver'], cols, bgOnly, 0.3);
    expect(bronze).toMatchObject({ purchasers: 2, at_risk: 1, clv: null });
    expect(bronze.expected_purchases).toBeCloseTo(1.1, 12);
    expect(silver).toMatchObject({ purchasers: 1, at_risk: 0, expected_purchases: 2, clv: null });
  });

  it('RFM segments: CLV not computed', () => {
    const rfm = rfmSummary(cols, none, 365);
    expect(rfm.segments.reduce((s, x) => s + x.members, 0)).toBe(3);
    for (const s of rfm.segments) expect(s.clv).toBeNull();
  });
});
