/**
 * The partner table's "Trend / week" (Theil–Sen slope of weekly shares over the median week) is a
 * change, so summary.md, the dashboard and their tables print it signed as every change people
 * read: "+2.1%", "−1.0%" (U+2212), "0.0%" unsigned, "—" without a trend. It printed "-1.0%" with
 * a hyphen and "2.1%" without a sign, so a partner gaining 2% a week read like a level.
 * Expected strings written by hand.
 */
import { describe, expect, it } from 'vitest';
import { mdTable } from '../../report/md-table.ts';
import type { TableBlock } from '../../report/dashboard.ts';
import { partnerSection } from './dashboard.ts';
import type { ReferralsResult } from './result.ts';

function partner(name: string, revenue: number, relativeTrend: number | null) {
  return {
    name,
    tier: 'gold',
    status: 'healthy',
    revenue,
    conversions: 1,
    conversionRate: 0.5,
    fraudRate: 0,
    shareOfShares: 0.25,
    relativeTrend,
    nps: null,
    reasons: [],
  };
}

const result = {
  currency: 'USD',
  partners: {
    partners: [
      partner('Apex', 400, -0.009615384615384616),
      partner('Fjord', 300, 0.020833333333333332),
      partner('Cobalt', 200, 0),
      partner('Echo', 100, null),
    ],
    concentration: { topN: 5, topNShare: 1, hhi: 3000, effectiveCount: 3.3 },
    trend_weeks: 5,
    top_by_fraud_rate: [],
    fraud_rate_min_conversions: 10,
  },
} as unknown as ReferralsResult;

describe('optimize-referrals partner table: trend per week', () => {
  it('is signed with the minus sign U+2212', () => {
    const table = partnerSection(result).blocks.find((b) => b.kind === 'table') as TableBlock;
    const md = mdTable(table.columns, table.rows);
    const trend = md
      .split('\n')
      .slice(2)
      .map((line) => line.split('|').map((c) => c.trim()))
      .map((cells) => [cells[1], cells[9]]);
    expect(trend).toEqual([
      ['Apex', '\u22121.0%'],
      ['Fjord', '+2.1%'],
      ['Cobalt', '0.0%'],
      ['Echo', '—'],
    ]);
  });
});
