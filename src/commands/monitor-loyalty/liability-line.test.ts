/**
 * The terminal's liability line and segments table: money in the reporting currency with its
 * decimals below 1,000 and whole units from 1,000 up, as summary.md prints it. A small programme's
 * liability of USD 5.30 on 530 points printed "Liability (USD): 5 on 530 points outstanding" (and
 * the floor, the revenue released and the segments' "at stake" likewise). Expected strings are
 * written by hand: 530 points × 0.01 = 5.30.
 */
import { describe, expect, it } from 'vitest';
import { liabilityLine, segmentsTable } from './format.ts';

type L = Parameters<typeof liabilityLine>[0];
type S = Parameters<typeof segmentsTable>[0];

const immature = {
  basis: 'expiry' as const,
  oldest_cohort: '2026-10',
  observed_months: 1,
  maturity_age: 13,
  curves_redemption_rate: 0,
};

const liability = (currency: string, l: Record<string, unknown>): L =>
  ({
    currency,
    liability: {
      liability: 5.3,
      outstanding_points: 530,
      value_per_point: 0.01,
      expected_redemption_rate: 1,
      change_rate: null,
      immature,
      liability_floor: 0,
      revenue_released: 1.2,
      method: 'chain-ladder',
      expected_breakage_rate: 0,
      ...l,
    },
  }) as unknown as L;

describe('liabilityLine', () => {
  it('USD 5.30 on 530 points: cents below 1,000, the floor and revenue released too', () => {
    const line = liabilityLine(liability('USD', {}));
    expect(line).toMatch(
      /^Liability \(USD\): 5\.30 on 530 points outstanding × 0\.01 × 100\.0% expected redemption; no previous run\. At full value: /,
    );
    expect(line).toContain(
      'the redemptions seen so far give 0.00 (a floor); revenue released in the window 1.20.',
    );
  });

  it('from 1,000 up whole units; points a whole count with separators', () => {
    // 2,070,940 points × 0.01 = 20,709.40 → 20,709; released 999.5 stays 999.50
    const line = liabilityLine(
      liability('USD', {
        liability: 20709.4,
        outstanding_points: 2070940,
        immature: null,
        method: 'chain-ladder',
        expected_breakage_rate: 0.25,
        revenue_released: 999.5,
        change_rate: 0.1,
      }),
    );
    expect(line).toBe(
      'Liability (USD): 20,709 on 2,070,940 points outstanding × 0.01 × 100.0% expected redemption; +10.0% since the previous run. Breakage (chain ladder) 25.0%; revenue released in the window 999.50.',
    );
  });

  it('a change since the previous run carries its sign: +, − (U+2212), none at zero (h-fmt24)', () => {
    const since = (change_rate: number) =>
      /; ([^;]*) since the previous run/.exec(liabilityLine(liability('USD', { change_rate })))?.[1];
    expect(since(0.1)).toBe('+10.0%');
    // it printed "-3.1%" with a hyphen, "+0.0%" at zero
    expect(since(-0.031)).toBe('\u22123.1%');
    expect(since(0)).toBe('0.0%');
  });

  it('JPY has no decimals, KWD three', () => {
    // JPY: 53,000 points × 0.01 = 530 (530.4 rounds to 530); floor 12.6 → 13
    expect(
      liabilityLine(liability('JPY', { liability: 530.4, outstanding_points: 53040, liability_floor: 12.6 })),
    ).toMatch(
      /^Liability \(JPY\): 530 on 53,040 points outstanding .* give 13 \(a floor\); revenue released in the window 1\.$/,
    );
    // KWD: 5.3 → 5.300; released 1.2 → 1.200
    expect(liabilityLine(liability('KWD', {}))).toMatch(
      /^Liability \(KWD\): 5\.300 on 530 points .* give 0\.000 \(a floor\); revenue released in the window 1\.200\.$/,
    );
  });
});

describe('segmentsTable', () => {
  const segments = (currency: string): S =>
    ({
      currency,
      segments: [
        { segment: 'upgrade-opportunity', size: 3, value_at_stake: 12.5, play: 'nudge.', unavailable: null },
        { segment: 'win-back', size: 105, value_at_stake: 138252.4, play: 'win back.', unavailable: null },
        { segment: 'downgrade-risk', size: 0, value_at_stake: 0, play: '', unavailable: 'not available' },
      ],
    }) as unknown as S;

  it('at stake in the currency: 12.50 and 138,252 (USD), 13 (JPY), 12.500 (KWD)', () => {
    const rows = (c: string) => segmentsTable(segments(c)).split('\n').slice(2);
    expect(rows('USD')[0]).toMatch(/^upgrade-opportunity +3 +12\.50 +nudge\.$/);
    expect(rows('USD')[1]).toMatch(/^win-back +105 +138,252 +win back\.$/);
    expect(rows('USD')[2]).toMatch(/^downgrade-risk +— +— +not available$/);
    expect(segmentsTable(segments('USD')).split('\n')[0]).toMatch(/at stake \(USD\)/);
    expect(rows('JPY')[0]).toMatch(/^upgrade-opportunity +3 +13 +nudge\.$/);
    expect(rows('KWD')[0]).toMatch(/^upgrade-opportunity +3 +12\.500 +nudge\.$/);
  });
});
