/**
 * The executive summary (terminal headline, summary.md, dashboard) counts in words: one backlog
 * item is "1 backlog item", not "1 backlog items".
 */
import { describe, expect, it } from 'vitest';
import { executiveSummary } from './dashboard.ts';
import type { ReferralsResult } from './result.ts';

const item = {
  title: 'Freeze ring 1',
  owner: { person: 'Nadia Petrov', role: 'referral_architect' },
  eta: '2026-12-10',
};

function result(backlog: unknown[]): ReferralsResult {
  return {
    program: 'Acme',
    currency: 'USD',
    as_of: '2026-12-06',
    window: { label: '30d' },
    inputs: { alert_threshold: 0.2 },
    funnel: {
      program: {
        current: {
          counts: { conversions: 3, signups: 9, referredRevenue: 100 },
          metrics: { conversionRate: 1 / 3 },
        },
      },
    },
    fraud: {
      by_band: { reject: 1, review: 0 },
      scored: 10,
      reject_share: 0.1,
      reject_threshold: 0.01,
      value_at_risk: { total: 0 },
      rings: [],
    },
    partners: { partners: [] },
    backlog,
  } as unknown as ReferralsResult;
}

describe('optimize-referrals executive summary', () => {
  it('says "1 backlog item" for one item and "2 backlog items" for two', () => {
    expect(executiveSummary(result([item]))).toContain('1 backlog item; first: Freeze ring 1');
    expect(executiveSummary(result([item, item]))).toContain('2 backlog items; first:');
  });
});
