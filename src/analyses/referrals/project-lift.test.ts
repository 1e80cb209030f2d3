import { describe, expect, it } from 'vitest';
import { projectLift } from './project-lift.ts';
import { ReferralInputError } from './referral-input-error.ts';
import type { FunnelRow } from './referral-metrics.ts';

/**
 * Three channels:
 *          eligible particip. shares clicks signups conv. revenue
 *   email     1000      200     500   1500     300    75    7500
 *   social    1000      150     600   3000     300    60    5400
 *   sms        500      100     200    400     100    30    3600
 */
const channel = (value: string, c: number[]): FunnelRow => ({
  dimension: 'channel',
  value,
  eligibleAdvocates: c[0],
  participatingAdvocates: c[1],
  shares: c[2],
  clicks: c[3],
  signups: c[4],
  conversions: c[5],
  referredRevenue: c[6],
});
const ROWS = [
  channel('email', [1000, 200, 500, 1500, 300, 75, 7500]),
  channel('social', [1000, 150, 600, 3000, 300, 60, 5400]),
  channel('sms', [500, 100, 200, 400, 100, 30, 3600]),
];

describe('projectLift (hand-computed)', () => {
  const lift = projectLift(ROWS);
  const find = (value: string, stage: string) => lift.find((l) => l.value === value && l.stage === stage)!;

  it('sign-up: social .1 vs median .2 → +3000 × .05 = 150 sign-ups × .2 = 30 conversions × 90 = 2700', () => {
    // rates email 300/1500 = .2, social 300/3000 = .1, sms 100/400 = .25 → median .2
    expect(find('social', 'signup')).toMatchObject({ base: 3000, rate: 0.1, median: 0.2 });
    expect(find('social', 'signup').targetRate).toBeCloseTo(0.15, 15);
    expect(find('social', 'signup').extraStageOutput).toBeCloseTo(150, 9);
    expect(find('social', 'signup').extraConversions).toBeCloseTo(30, 9); // × 60/300
    expect(find('social', 'signup').extraRevenue).toBeCloseTo(2700, 9); // × 5400/60
  });

  it('conversion: social .2 vs median .25 → 300 × .025 = 7.5 conversions, 675 revenue', () => {
    expect(find('social', 'conversion').extraConversions).toBeCloseTo(7.5, 9);
    expect(find('social', 'conversion').extraRevenue).toBeCloseTo(675, 9);
  });

  it('click: sms 2 clicks/share vs median 3 → +100 clicks × .25 × .3 = 7.5 conversions × 120 = 900', () => {
    expect(find('sms', 'click').extraStageOutput).toBeCloseTo(100, 9);
    expect(find('sms', 'click').extraConversions).toBeCloseTo(7.5, 9);
    expect(find('sms', 'click').extraRevenue).toBeCloseTo(900, 9);
  });

  it('share: sms 2 shares/advocate vs median 2.5 → +25 shares × 2 × .25 × .3 = 3.75 conversions', () => {
    expect(find('sms', 'share').extraConversions).toBeCloseTo(3.75, 9);
  });

  it('participation: social .15 vs median .2 → +25 advocates × 4 × 5 × .1 × .2 = 10 conversions, 900', () => {
    expect(find('social', 'participation').extraConversions).toBeCloseTo(10, 9);
    expect(find('social', 'participation').extraRevenue).toBeCloseTo(900, 9);
  });

  it('only segments below the median, largest gain first (ties by value)', () => {
    expect(lift.map((l) => `${l.value}/${l.stage}`)).toEqual([
      'social/signup',
      'social/participation',
      'sms/click',
      'social/conversion',
      'sms/share',
    ]);
  });
});

describe('projectLift options and edge cases', () => {
  it('fraction: closing the whole gap doubles the half-gap lift', () => {
    const full = projectLift(ROWS, { stages: ['signup'], fraction: 1 });
    expect(full[0].extraConversions).toBeCloseTo(60, 9);
  });

  it('minBase drops small segments from the median: clicks ≥ 450 leaves email .2 and social .1 → median .15', () => {
    const l = projectLift(ROWS, { stages: ['signup'], minBase: 450 });
    expect(l).toHaveLength(1);
    expect(l[0].median).toBeCloseTo(0.15, 15);
    expect(l[0].extraConversions).toBeCloseTo(3000 * 0.025 * 0.2, 9); // 15
  });

  it('a segment with no sign-ups uses the dimension’s pooled conversion rate downstream', () => {
    const push = channel('push', [100, 40, 80, 200, 0, 0, 0]);
    const l = projectLift([...ROWS, push], { stages: ['signup'] }).find((x) => x.value === 'push')!;
    // rates .2, .1, .25, 0 → median (.1 + .2)/2 = .15; +200 × .075 = 15 sign-ups
    // pooled conversions / sign-ups = 165 / 700; pooled revenue per conversion = 16500 / 165 = 100
    expect(l.extraStageOutput).toBeCloseTo(15, 9);
    expect(l.extraConversions).toBeCloseTo((15 * 165) / 700, 9);
    expect(l.extraRevenue).toBeCloseTo(((15 * 165) / 700) * 100, 9);
  });

  it('dimensions are judged separately; no revenue → null revenue', () => {
    const regions: FunnelRow[] = [
      { ...ROWS[0], dimension: 'region', value: 'EMEA', referredRevenue: undefined },
      { ...ROWS[1], dimension: 'region', value: 'NA', referredRevenue: undefined },
    ];
    const l = projectLift([...ROWS, ...regions], { stages: ['signup'] });
    const na = l.find((x) => x.dimension === 'region')!;
    expect(na).toMatchObject({ value: 'NA', extraRevenue: null });
    expect(na.median).toBeCloseTo(0.15, 15); // median of .2 and .1
    expect(l.find((x) => x.dimension === 'channel')!.median).toBe(0.2);
  });

  it('rejects a fraction outside [0, 1] and negative counts', () => {
    expect(() => projectLift(ROWS, { fraction: 2 })).toThrow(ReferralInputError);
    expect(() => projectLift([...ROWS, channel('bad', [1, 1, 1, -4, 1, 1, 1])])).toThrow(/clicks/);
  });
});
