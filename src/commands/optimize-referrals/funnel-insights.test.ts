/**
 * The funnel insights give money in the reporting currency and say what the k-factor and the payout
 * ROI are: the demo's terminal said "13,169 spent …, 44 per referred customer, payout ROI 5.50×" and
 * "k-factor 0.142", numbers without a unit or a definition.
 */
import { describe, expect, it } from 'vitest';
import { referralMetrics, type FunnelCounts } from '../../analyses/referrals/index.ts';
import { funnelInsights } from './funnel-insights.ts';
import type { FunnelSegment } from './funnel-rows.ts';

function segment(counts: FunnelCounts): FunnelSegment {
  return {
    dimension: 'program',
    value: 'program',
    window: null,
    counts: { ...counts, referrals: counts.signups, refunded: 0 },
    metrics: referralMetrics(counts),
  } as unknown as FunnelSegment;
}

describe('funnelInsights', () => {
  it('money with its currency; the k-factor and the payout ROI defined', () => {
    const counts: FunnelCounts = {
      eligibleAdvocates: 1000,
      participatingAdvocates: 200,
      shares: 600,
      clicks: 1800,
      signups: 360,
      conversions: 90,
      referredRevenue: 12000,
      rewards: 1500,
      incentives: 400,
      fees: 150,
      clawbacks: 50,
    };
    const p = segment(counts);
    const lines = funnelInsights({ current: p, previous: p }, [p], [p], [], 'EUR');
    // k = 90 / 1000; cost 1500 + 400 + 150 − 50 = 2000, per customer 2000 / 90 = 22.2; ROI (12000 − 2000) / 2000 = 5
    expect(lines[0]).toContain('k-factor 0.090 (referred customers per eligible advocate)');
    expect(lines).toContain(
      'Incentive efficiency: EUR 2,000 spent (rewards + incentives + fees − clawbacks), EUR 22 per referred customer, payout ROI 5.00× ((referred revenue − spent) / spent).',
    );
  });
});
