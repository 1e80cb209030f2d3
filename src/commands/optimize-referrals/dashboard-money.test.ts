/**
 * Money in the optimize-referrals report sentences (executive summary: the terminal headline,
 * summary.md and the dashboard; the fraud section's callout; each backlog item's projection):
 * the reporting currency's decimals below 1,000 and whole units from 1,000 up, as the terminal
 * tables and the backlog's basis print it. They rounded to whole units, so the demo's summary.md
 * said "Projected per window: USD 640 cost avoided (rewards pending or paid on those referrals:
 * USD 640.00)" and a window without referred revenue "USD 0 referred revenue".
 * Expected strings written by hand.
 */
import { describe, expect, it } from 'vitest';
import { executiveSummary, projectedLiftLine } from './dashboard.ts';
import { bandsLine } from './dashboard-fraud.ts';
import type { ReferralsResult } from './result.ts';

type Item = ReferralsResult['backlog'][number];

function result(currency: string, referredRevenue: number | null, held: number): ReferralsResult {
  return {
    program: 'Acme',
    currency,
    as_of: '2026-12-07',
    window: { label: '30d' },
    inputs: { alert_threshold: 0.2 },
    funnel: {
      program: {
        current: {
          counts: { conversions: 3, signups: 9, referredRevenue },
          metrics: { conversionRate: 1 / 3 },
        },
      },
    },
    fraud: {
      by_band: { reject: 1, review: 0 },
      scored: 10,
      reject_share: 0.1,
      reject_threshold: 0.01,
      value_at_risk: { total: held },
      rings: [],
    },
    partners: { partners: [] },
    backlog: [],
  } as unknown as ReferralsResult;
}

function item(lift: Partial<Item['projected_lift']>): Item {
  return {
    eta: '2026-12-14',
    effort_days: 2,
    eta_basis: { queued_days: 2, capacity_days_per_week: 2, away_days: 0 },
    projected_lift: {
      extra_conversions: null,
      extra_revenue: null,
      cost_avoided: null,
      basis: 'b',
      ...lift,
    },
  } as unknown as Item;
}

describe('optimize-referrals executive summary: money', () => {
  it('USD: cents below 1,000, whole units from 1,000 up', () => {
    expect(executiveSummary(result('USD', 0, 0))).toContain(
      'USD 0.00 referred revenue. Fraud review: 1 of 10 referrals rejected and 0 sent to review (10.0% rejected, guardrail 1.0%); USD 0.00 of payouts held.',
    );
    const s = executiveSummary(result('USD', 440.125, 999.5));
    expect(s).toContain('USD 440.13 referred revenue.');
    expect(s).toContain('USD 999.50 of payouts held.');
    const big = executiveSummary(result('USD', 99503.4, 2129.2));
    expect(big).toContain('USD 99,503 referred revenue.');
    expect(big).toContain('USD 2,129 of payouts held.');
  });

  it('KWD three decimals, JPY none', () => {
    expect(executiveSummary(result('KWD', 12.3456, 0.5))).toContain('KWD 12.346 referred revenue.');
    expect(executiveSummary(result('KWD', 12.3456, 0.5))).toContain('KWD 0.500 of payouts held.');
    expect(executiveSummary(result('JPY', 530.4, 44.5))).toContain('JPY 530 referred revenue.');
    expect(executiveSummary(result('JPY', 530.4, 44.5))).toContain('JPY 45 of payouts held.');
  });

  it('a window without referred revenue (null) reads 0 in the currency', () => {
    expect(executiveSummary(result('USD', null, 0))).toContain('USD 0.00 referred revenue.');
  });
});

describe('optimize-referrals fraud callout: held payouts', () => {
  const f = (review: number, reject: number) => ({
    by_band: { approve: 611, review: 50, reject: 20 },
    reject_share: 20 / 681,
    reject_threshold: 0.01,
    value_at_risk: { review, reject, total: review + reject },
  });
  it('prints each band in the currency, decimals below 1,000', () => {
    expect(bandsLine(f(1569, 560), 'USD')).toBe(
      '611 approved, 50 to review, 20 rejected (2.9%; guardrail 1.0%). Payouts held: USD 1,569 in review, USD 560.00 rejected.',
    );
    expect(bandsLine(f(12.3456, 0), 'KWD')).toContain(
      'Payouts held: KWD 12.346 in review, KWD 0.000 rejected.',
    );
    expect(bandsLine(f(8.444, 999.996), 'USD')).toContain('USD 8.44 in review, USD 1,000 rejected.');
  });
});

describe('optimize-referrals backlog projection line', () => {
  it('cost avoided and extra revenue as the basis prints them', () => {
    expect(projectedLiftLine(item({ cost_avoided: 640 }), 'USD')).toBe(
      'Projected per window: USD 640.00 cost avoided (b). ETA 2026-12-14 (2 working days; 2 queued at 2 days/week).',
    );
    expect(projectedLiftLine(item({ extra_conversions: 6.54, extra_revenue: 574.3 }), 'USD')).toContain(
      'Projected per window: +6.5 customers, +USD 574.30 revenue (b).',
    );
    expect(projectedLiftLine(item({ extra_conversions: 28.5, extra_revenue: 16953.2 }), 'USD')).toContain(
      '+28.5 customers, +USD 16,953 revenue',
    );
    expect(projectedLiftLine(item({ cost_avoided: 12.3456 }), 'KWD')).toContain('KWD 12.346 cost avoided');
    expect(projectedLiftLine(item({}), 'USD')).toContain('Projected per window: n/a (b).');
    // a winner whose gain rounds to nothing: no "+" on zero (it read "+0.0 customers, +USD 0.00")
    expect(projectedLiftLine(item({ extra_conversions: 0, extra_revenue: 0 }), 'USD')).toContain(
      'Projected per window: 0.0 customers, USD 0.00 revenue (b).',
    );
  });
});
