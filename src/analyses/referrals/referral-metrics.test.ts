import { describe, expect, it } from 'vitest';
import { ReferralInputError } from './referral-input-error.ts';
import { metricsByDimension, referralMetrics, type FunnelCounts } from './referral-metrics.ts';

const PROGRAM: FunnelCounts = {
  eligibleAdvocates: 2000,
  participatingAdvocates: 400,
  shares: 1000,
  invites: 800,
  clicks: 3000,
  signups: 600,
  conversions: 150,
  friendsWhoShared: 30,
  newCustomers: 1000,
  referredRevenue: 15000,
  newCustomerRevenue: 120000,
  rewards: 3000,
  incentives: 1500,
  fees: 500,
  clawbacks: 200,
};

describe('referralMetrics (hand-computed)', () => {
  const m = referralMetrics(PROGRAM);
  it.each<[keyof typeof m, number, string]>([
    ['participationRate', 0.2, '400 / 2000'],
    ['shareRate', 2.5, '1000 / 400'],
    ['clicksPerShare', 3, '3000 / 1000'],
    ['signupRate', 0.2, '600 / 3000'],
    ['conversionRate', 0.25, '150 / 600'],
    ['friendsTurnedAdvocates', 0.2, '30 / 150'],
    ['shareOfNewCustomers', 0.15, '150 / 1000'],
    ['shareOfNewRevenue', 0.125, '15000 / 120000'],
    ['invitesPerAdvocate', 0.4, 'i = 800 / 2000'],
    ['inviteConversionRate', 0.1875, 'c = 150 / 800'],
    ['kFactor', 0.075, 'k = i × c = 0.4 × 0.1875 = 150 / 2000'],
    ['programCost', 4800, '3000 + 1500 + 500 − 200'],
    ['costPerReferredCustomer', 32, '4800 / 150'],
    ['payoutRoi', 2.125, '(15000 − 4800) / 4800'],
  ])('%s = %f (%s)', (key, value) => {
    expect(m[key]).toBeCloseTo(value, 12);
  });

  it('share of new customers counts the referred new customers when given (a won-back friend is not new)', () => {
    const m2 = referralMetrics({ ...PROGRAM, referredNewCustomers: 140 });
    expect(m2.shareOfNewCustomers).toBeCloseTo(140 / 1000, 15);
    expect(m2.conversionRate).toBeCloseTo(150 / 600, 15);
    expect(() => referralMetrics({ ...PROGRAM, referredNewCustomers: -1 })).toThrow(ReferralInputError);
  });

  it('share of new-customer revenue counts the referred new customers’ revenue when given', () => {
    const m2 = referralMetrics({ ...PROGRAM, referredNewCustomerRevenue: 2_000 });
    expect(m2.shareOfNewRevenue).toBeCloseTo(2_000 / PROGRAM.newCustomerRevenue!, 15);
    expect(m2.payoutRoi).toBeCloseTo(m.payoutRoi!, 15); // ROI keeps every referred customer's revenue
    expect(() => referralMetrics({ ...PROGRAM, referredNewCustomerRevenue: -1 })).toThrow(ReferralInputError);
  });

  it('invites default to shares for the k-factor: i = 1000/2000, c = 150/1000, k = 0.075', () => {
    const k = referralMetrics({ ...PROGRAM, invites: undefined });
    expect(k.invitesPerAdvocate).toBeCloseTo(0.5, 15);
    expect(k.inviteConversionRate).toBeCloseTo(0.15, 15);
    expect(k.kFactor).toBeCloseTo(0.075, 15);
  });

  it('empty denominators give null, not 0; no invites gives k = 0', () => {
    const empty = referralMetrics({
      eligibleAdvocates: 0,
      participatingAdvocates: 0,
      shares: 0,
      clicks: 0,
      signups: 0,
      conversions: 0,
    });
    for (const v of Object.values(empty)) expect(v).toBeNull();
    const quiet = referralMetrics({
      ...PROGRAM,
      shares: 0,
      invites: 0,
      clicks: 0,
      signups: 0,
      conversions: 0,
    });
    expect(quiet.kFactor).toBe(0);
    expect(quiet.clicksPerShare).toBeNull();
  });

  it('a segment with customers and no invites (codes pasted, a channel without shares) keeps its k-factor', () => {
    // hand-built workspace, 30d to 2026-11-30, channel "unknown": 22 referred customers, no share
    // on that channel, 39 eligible advocates. k = referred customers / eligible = 22 / 39, not 0
    // (which also left the channels' k-factors short of the program's).
    const m = referralMetrics({
      ...PROGRAM,
      eligibleAdvocates: 39,
      shares: 0,
      invites: 0,
      clicks: 0,
      signups: 40,
      conversions: 22,
    });
    expect(m.inviteConversionRate).toBeNull();
    expect(m.kFactor).toBeCloseTo(22 / 39, 15);
  });

  it('cost metrics need costs; ROI needs a positive cost', () => {
    const noCost = referralMetrics({
      ...PROGRAM,
      rewards: undefined,
      incentives: undefined,
      fees: undefined,
      clawbacks: undefined,
    });
    expect(noCost).toMatchObject({ programCost: null, costPerReferredCustomer: null, payoutRoi: null });
    const free = referralMetrics({ ...PROGRAM, rewards: 200, incentives: 0, fees: 0, clawbacks: 200 });
    expect(free).toMatchObject({ programCost: 0, costPerReferredCustomer: 0, payoutRoi: null });
  });

  it('rejects negative and non-finite counts, naming the field', () => {
    expect(() => referralMetrics({ ...PROGRAM, clicks: -1 })).toThrow(ReferralInputError);
    expect(() => referralMetrics({ ...PROGRAM, rewards: Number.NaN })).toThrow(/counts\.rewards/);
  });
});

describe('metricsByDimension', () => {
  it('one result per row, in order, with the row named on errors', () => {
    const rows = [
      { ...PROGRAM, dimension: 'channel', value: 'email', window: '30d' },
      { ...PROGRAM, dimension: 'region', value: 'EMEA', signups: 300 },
    ];
    const out = metricsByDimension(rows);
    expect(out.map((s) => [s.dimension, s.value, s.window])).toEqual([
      ['channel', 'email', '30d'],
      ['region', 'EMEA', null],
    ]);
    expect(out[1].metrics.conversionRate).toBeCloseTo(0.5, 15); // 150 / 300
    expect(() => metricsByDimension([rows[0], { ...rows[1], shares: -3 }])).toThrow(/rows\[1\]\.shares/);
  });
});
