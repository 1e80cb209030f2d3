/**
 * The terminal's funnel table: revenue and cost per referred customer are money in the reporting
 * currency, with its decimals below 1,000 (a cost per customer of USD 8.44 printed "8"; summary.md
 * and the insights said 8.44). Expected strings are written by hand.
 */
import { describe, expect, it } from 'vitest';
import { funnelLines } from './format.ts';

type R = Parameters<typeof funnelLines>[0];

const result = (currency: string, revenue: number, cost: number | null): R =>
  ({
    currency,
    window: { label: '30d to 2026-11-30' },
    inputs: { dimensions: ['channel'] },
    funnel: {
      current: [
        {
          dimension: 'program',
          value: 'program',
          counts: { shares: 100, clicks: 300, signups: 60, conversions: 25, referredRevenue: revenue },
          metrics: { signupRate: 0.2, conversionRate: 25 / 60, costPerReferredCustomer: cost },
        },
      ],
    },
  }) as unknown as R;

/** The program row's cells, split on the table's two-space gaps. */
const programRow = (r: R) => {
  const row = funnelLines(r, 'summary')[1].split('\n')[2];
  return row.trim().split(/ {2,}/);
};

describe('funnelLines', () => {
  it('USD: cost per referred customer 8.44 (211 / 25), revenue 1,000 and up whole', () => {
    expect(funnelLines(result('USD', 1000, 211 / 25), 'summary')[0]).toBe('Funnel (30d to 2026-11-30, USD):');
    expect(programRow(result('USD', 1000, 211 / 25))).toEqual([
      'program',
      '100',
      '300',
      '60',
      '25',
      '20.0%',
      '41.7%',
      '1,000',
      '8.44',
    ]);
    expect(programRow(result('USD', 999.994, null)).slice(-2)).toEqual(['999.99', '—']);
  });

  it('JPY without decimals, KWD with three', () => {
    // JPY 21,100 / 25 = 844
    expect(programRow(result('JPY', 530.4, 844)).slice(-2)).toEqual(['530', '844']);
    // KWD 211 / 25 = 8.44 → 8.440; revenue 0.25 → 0.250
    expect(programRow(result('KWD', 0.25, 8.44)).slice(-2)).toEqual(['0.250', '8.440']);
  });
});
