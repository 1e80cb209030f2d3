/**
 * Cohort bookkeeping around the breakage estimate, against values worked out by hand: the
 * chain-ladder input at the last month end, the outstanding redemption rate, the IFRS 15 release
 * of a window, and the tier setup and calendar periods.
 */
import { describe, expect, it } from 'vitest';
import {
  breakageAndRevenue,
  cohortsOf,
  netOfReversals,
  outstandingRedemptionRate,
  type TriangleRow,
} from './breakage-cohorts.ts';
import { calendarPeriodStart, tierSetupOf } from './members-stage.ts';

const cell = (
  cohort: string,
  age: number,
  kind: TriangleRow['kind'],
  pts: number,
  before = 0,
  val = pts,
): TriangleRow => ({
  cohort,
  age,
  kind,
  pts,
  pts_before_start: before,
  pts_before_valuation: val,
});
const issuance = [
  { cohort: '2026-01', issued: 1000, issued_before_start: 1000, linked_points: 1000, linked_revenue: 1000 },
  { cohort: '2026-02', issued: 2000, issued_before_start: 2000, linked_points: 2000, linked_revenue: 2000 },
  { cohort: '2026-03', issued: 500, issued_before_start: 0, linked_points: 0, linked_revenue: 0 },
];
const triangle = [
  cell('2026-01', 0, 'redeem', 200, 200),
  cell('2026-01', 1, 'redeem', 300, 300),
  cell('2026-01', 2, 'redeem', 100, 0, 0), // in March, after the valuation at Feb 28
  cell('2026-02', 0, 'redeem', 400, 400),
  cell('2026-02', 1, 'redeem', 100, 0, 0),
];

describe('cohorts at the last month end', () => {
  const chainLadder = () =>
    breakageAndRevenue(issuance, triangle, {
      lastMonth: '2026-02',
      valuePerPoint: 1,
      tailFactor: 1,
      method: 'chain-ladder',
    });

  it('develops complete months only', () => {
    const c = cohortsOf(issuance, triangle, '2026-02');
    expect(c.map((x) => [x.cohort, x.cumulativeRedeemed])).toEqual([
      ['2026-01', [200, 500]],
      ['2026-02', [400]],
    ]);
  });

  it('chain ladder: f0 = 500/200 = 2.5; Feb ultimate 400 × 2.5 = 1,000; March takes the recent rate', () => {
    const { estimate, lines, redemptionRate } = chainLadder();
    expect(estimate.developmentFactors).toEqual([2.5]);
    // Jan: 500 at its latest age, factor 1 → 500, but 600 are redeemed by the end: 600 (60%).
    expect(lines[0]).toMatchObject({ redeemed: 600, ultimate_redemption_rate: 0.6, outstanding: 400 });
    expect(lines[1]).toMatchObject({ redeemed: 500, ultimate_redemption_rate: 0.5, basis: 'chain-ladder' });
    // recent rate = (500 + 1,000) / 3,000 = 0.5 for March
    expect(lines[2]).toMatchObject({ basis: 'prior', ultimate_redemption_rate: 0.5 });
    expect(redemptionRate).toBeCloseTo((600 + 1000 + 250) / 3500, 12);
    // outstanding: Jan 400 (0 more expected), Feb 1,500 (500 more), Mar 500 (250) → 750 / 2,400
    expect(outstandingRedemptionRate(lines, redemptionRate)).toBeCloseTo(750 / 2400, 12);
  });

  it('pending points take the rate of new points (the current month cohort’s), not the average of the older outstanding', () => {
    const { lines, redemptionRate, newPointsRate } = chainLadder();
    // March, the cohort with no development yet, takes the recent rate 0.5
    expect(newPointsRate).toBe(0.5);
    // 600 pending: 750 + 600 × 0.5 = 1,050 expected of 2,400 + 600 outstanding (was 750 / 2,400 for all 3,000)
    const rho = outstandingRedemptionRate(lines, redemptionRate, { points: 600, rate: newPointsRate });
    expect(rho).toBeCloseTo(1050 / 3000, 12);
    expect(rho).not.toBeCloseTo(750 / 2400, 3);
    // nothing outstanding but pending points: their rate
    const settled = lines.map((l) => ({ ...l, outstanding: 0 }));
    expect(outstandingRedemptionRate(settled, redemptionRate, { points: 600, rate: 0.5 })).toBe(0.5);
  });

  it('IFRS 15 release: Jan allocated 1,000 × 1,000/2,000 = 500; recognised 500 × (600 − 500)/600 in the window', () => {
    const { lines } = chainLadder();
    // Allocated with the rate expected at issue (IFRS 15.88): Jan is the first cohort, no history
    // to estimate breakage from, so 1: SSP of its points 1,000 × 1 × 1 = 1,000; price 1,000 →
    // 1,000 × 1,000 / 2,000 = 500. Today's ultimate 600 (no start month given: the start's too).
    expect(lines[0].allocated).toBeCloseTo(500, 9);
    expect(lines[0].revenue_in_window).toBeCloseTo((500 * 100) / 600, 9);
    expect(lines[0].deferred_revenue).toBeCloseTo(0, 9);
  });

  it('IFRS 15: a cohort is allocated at the rate of new points before its month, and the start is valued with the start’s estimate', () => {
    // The window starts on March 1 (the cells' pts_before_start: the March redemptions are after
    // it), so the start is valued at the end of February, like the end (only the March cells differ).
    const r = breakageAndRevenue(issuance, triangle, {
      lastMonth: '2026-02',
      startLastMonth: '2026-02',
      valuePerPoint: 1,
      tailFactor: 1,
      method: 'chain-ladder',
    });
    // Feb's points were issued when Jan was the only cohort, valued at the end of January at age 0
    // with 200 redeemed: no development factor yet, Jan's ultimate 200, no cohort of age ≥ 1 for
    // the recent rate, so the rate of new points is the programme's 200 / 1,000 = 0.2 (today's
    // estimate of Feb is 0.5). Feb: price 2,000, points SSP 2,000 × 0.2 = 400 → 2,000 × 400 / 2,400.
    const feb = (2_000 * 400) / 2_400;
    expect(r.lines[1].allocated).toBeCloseTo(feb, 9);
    // Feb redeemed 400 by the start and 500 by the end; ultimate 400 × 2.5 = 1,000 at both dates:
    // cumulative 333.33 × 0.4 = 133.33 → 333.33 × 0.5 = 166.67, a window revenue of 33.33.
    expect(r.lines[1].revenue_in_window).toBeCloseTo((feb * 100) / 1_000, 9);
    expect(r.lines[1].deferred_revenue).toBeCloseTo(feb / 2, 9);
    // Jan: at the start 500 redeemed of the 500 the start expected (its curve then: 500 at age 1),
    // its whole 500 recognised; at the end 600 of 600: still 500. A window revenue of 0.
    expect(r.lines[0].revenue_in_window).toBeCloseTo(0, 9);
    expect(r.lines[0].deferred_revenue).toBeCloseTo(0, 9);
  });
});

describe('a programme with no matured cohort (the s9 review loy2: USD 0 on 590 points)', () => {
  // Oct: 500 issued, 100 redeemed in Oct; Nov: 310 issued, 40 redeemed, 50 expired, 30 taken back
  // by an earn reversal (a negative adjustment). Points expire after 12 months: mature at 13.
  const young = [
    { cohort: '2026-10', issued: 500, issued_before_start: 500, linked_points: 0, linked_revenue: 0 },
    { cohort: '2026-11', issued: 310, issued_before_start: 0, linked_points: 0, linked_revenue: 0 },
  ];
  const cells = [
    cell('2026-10', 0, 'redeem', 100, 100),
    cell('2026-11', 0, 'redeem', 40),
    cell('2026-11', 0, 'expire', 50),
    cell('2026-11', 0, 'adjust', 30),
  ];
  const run = (maturityAge: number | undefined) =>
    breakageAndRevenue(young, cells, {
      lastMonth: '2026-11',
      valuePerPoint: 0.01,
      maturityAge,
      tailFactor: 1,
      method: 'bornhuetter-ferguson',
    });

  it('counts expiries as expired and the earn reversal as taken back', () => {
    const { lines } = run(13);
    expect(lines[1]).toMatchObject({
      issued: 310,
      redeemed: 40,
      expired: 50,
      adjusted: 30,
      outstanding: 190,
    });
    expect(lines[0]).toMatchObject({ expired: 0, adjusted: 0, outstanding: 400 });
  });

  it('recognises no breakage: every outstanding point expected redeemed, the curves kept as the floor', () => {
    const { lines, immature, redemptionRate } = run(13);
    // the development factor f0 = 100/100 = 1 (Oct redeemed nothing in its 2nd month): the
    // curves expect nothing more, the USD 0 the review found
    expect(immature).toEqual({
      basis: 'expiry',
      oldest_cohort: '2026-10',
      observed_months: 1,
      maturity_age: 13,
      curves_redemption_rate: 0,
    });
    expect(lines.map((l) => l.basis)).toEqual(['no-breakage', 'no-breakage']);
    expect(outstandingRedemptionRate(lines, redemptionRate)).toBe(1);
    // no breakage recognised: pending points are expected redeemed in full too
    const { newPointsRate } = run(13);
    expect(newPointsRate).toBe(1);
    expect(outstandingRedemptionRate(lines, redemptionRate, { points: 300, rate: newPointsRate })).toBe(1);
    // ultimate: Oct 500, Nov 310 − 50 − 30 = 230 → (500 + 230) / 810
    expect(redemptionRate).toBeCloseTo(730 / 810, 12);
  });

  it('estimates breakage once a cohort has matured, and when points never expire', () => {
    const older = [
      { cohort: '2025-10', issued: 1000, issued_before_start: 1000, linked_points: 0, linked_revenue: 0 },
      ...young,
    ];
    const matured = breakageAndRevenue(older, [cell('2025-10', 0, 'redeem', 600, 600), ...cells], {
      lastMonth: '2026-11',
      valuePerPoint: 0.01,
      maturityAge: 13,
      tailFactor: 1,
      method: 'bornhuetter-ferguson',
    });
    expect(matured.immature).toBeNull();
    expect(matured.lines.map((l) => l.basis)).not.toContain('no-breakage');
    expect(run(undefined).immature).toBeNull();
  });

  it('a cohort past its expiry month with every point redeemed or expired has matured', () => {
    // the hand-built workspace of the s15 review: 2025-11 issued 300, 100 redeemed, 200 expired in
    // its expiry month 2026-11 (12 months on, the valuation month): its line said matured, yet the
    // programme was "young" (no cohort 13 months on) and the liability took every point at full value
    const resolved = (cohort: string) => [
      { cohort, issued: 300, issued_before_start: 300, linked_points: 0, linked_revenue: 0 },
    ];
    const opts = {
      lastMonth: '2026-11',
      valuePerPoint: 0.01,
      maturityAge: 13,
      tailFactor: 1,
      method: 'bornhuetter-ferguson' as const,
    };
    const atExpiry = breakageAndRevenue(
      [...resolved('2025-11'), ...young],
      [cell('2025-11', 1, 'redeem', 100, 100), cell('2025-11', 12, 'expire', 200, 0), ...cells],
      opts,
    );
    expect(atExpiry.lines[0]).toMatchObject({ cohort: '2025-11', matured: true, outstanding: 0 });
    expect(atExpiry.immature).toBeNull();
    expect(atExpiry.lines.map((l) => l.basis)).not.toContain('no-breakage');
    // resolved early (all redeemed in its second month, a year before its expiry month): it says
    // nothing of the points that wait to expire, so it has not matured (its line said matured,
    // against the maturity rule) and the programme is still young
    const early = breakageAndRevenue(
      [...resolved('2026-09'), ...young],
      [cell('2026-09', 1, 'redeem', 300, 300), ...cells],
      opts,
    );
    expect(early.lines[0]).toMatchObject({ cohort: '2026-09', matured: false, basis: 'no-breakage' });
    expect(early.lines[0].ultimate_redemption_rate).toBe(1);
    expect(early.immature).toMatchObject({ oldest_cohort: '2026-09', observed_months: 2 });
  });
});

describe("Bornhuetter–Ferguson's prior is the matured cohorts' rate (maturity rule)", () => {
  // Points expire after 3 months: mature at 4; valuation 2026-05-31. By hand:
  // 2026-01: 1,000 issued, 400 redeemed at age 1, 600 expired at age 3; age 4: matured, 40 %.
  // 2026-04: 200 issued, all 200 redeemed (or taken back) at age 1; age 1: resolved early, not
  //   matured (its expiry month is 2026-07).
  // 2026-05: 2,000 issued, nothing yet; age 0. f₀ = (400 + 200) / 0 = ∞, so BF expects the prior.
  // Prior = 400 / 1,000 = 0.4, and the May cohort 2,000 × 0.4 = 800 points. The resolved cohort
  // was in the prior: (400 + 200) / 1,200 = 0.5 (1,000 points) when redeemed, (400 + 0) / 1,200 =
  // 1/3 (667 points) when taken back.
  const issued = [
    { cohort: '2026-01', issued: 1000, issued_before_start: 1000, linked_points: 0, linked_revenue: 0 },
    { cohort: '2026-04', issued: 200, issued_before_start: 200, linked_points: 0, linked_revenue: 0 },
    { cohort: '2026-05', issued: 2000, issued_before_start: 2000, linked_points: 0, linked_revenue: 0 },
  ];
  const opts = {
    lastMonth: '2026-05',
    valuePerPoint: 0.01,
    maturityAge: 4,
    tailFactor: 1,
    method: 'bornhuetter-ferguson' as const,
  };
  const jan = [cell('2026-01', 1, 'redeem', 400, 400), cell('2026-01', 3, 'expire', 600, 600)];

  it.each([
    ['redeemed', 'redeem' as const],
    ['taken back', 'adjust' as const],
  ])('a cohort resolved early (all %s) is neither matured nor in the prior', (_label, kind) => {
    const r = breakageAndRevenue(issued, [...jan, cell('2026-04', 1, kind, 200, 200)], opts);
    expect(r.estimate.priorRedemptionRate).toBeCloseTo(0.4, 12);
    expect(r.lines.map((l) => [l.cohort, l.matured])).toEqual([
      ['2026-01', true],
      ['2026-04', false],
      ['2026-05', false],
    ]);
    expect(r.lines[2].ultimate_redemption_rate).toBeCloseTo(0.4, 12);
    // the May cohort alone is outstanding: 800 of its 2,000 points expected redeemed
    expect(outstandingRedemptionRate(r.lines, r.redemptionRate)).toBeCloseTo(0.4, 12);
    expect(r.newPointsRate).toBeCloseTo(0.4, 12);
  });
});

describe("a cohort line's age is the maturity rule's", () => {
  it('counts the months past the issue month at the valuation month end (the issue month is 0)', () => {
    // the hand-built workspace of h-loy, as of 2028-03-31 (12-month expiry, maturity at 13): the
    // 2027-03 cohort, 12 months past its issue month with points outstanding, showed age 13 beside
    // maturity_age 13 and matured false; 2027-02, 13 months past it, matures
    const issued = (cohort: string) => ({
      cohort,
      issued: 100,
      issued_before_start: 100,
      linked_points: 0,
      linked_revenue: 0,
    });
    const r = breakageAndRevenue(
      [issued('2027-02'), issued('2027-03'), issued('2028-03')],
      [cell('2027-02', 1, 'redeem', 40), cell('2027-02', 12, 'expire', 60), cell('2027-03', 1, 'redeem', 50)],
      {
        lastMonth: '2028-03',
        valuePerPoint: 0.01,
        maturityAge: 13,
        tailFactor: 1,
        method: 'bornhuetter-ferguson',
      },
    );
    expect(r.lines.map((l) => [l.cohort, l.age, l.outstanding, l.matured])).toEqual([
      ['2027-02', 13, 0, true],
      ['2027-03', 12, 50, false],
      ['2028-03', 0, 100, false],
    ]);
    const ages = r.estimate.cohorts.map((c) => [c.cohort, c.latestAge]);
    expect(ages).toEqual(r.lines.map((l) => [l.cohort, l.age]));
  });
});

describe("earn reversals leave their cohort's issued points (points never earned)", () => {
  // Valued at 2026-03-31, maturity at age 2, Bornhuetter–Ferguson. By hand:
  //   2026-01: 1,000 issued, 200 taken back by earn reversals (FIFO: its lots), 300 + 200 redeemed,
  //            300 expired at age 2: matured; net issued 800, actual rate 500 / 800 = 0.625
  //   2026-02: 1,000 issued, 400 + 100 redeemed (age 1)
  //   2026-03: 1,000 issued, 100 reversed, 200 redeemed (age 0); net issued 900
  // f0 = (500 + 500) / (300 + 400) = 10/7, f1 = 500 / 500 = 1: CDF at age 0 = 10/7, at age 1 = 1.
  // Prior = 0.625 (it was 500 / 1,000 = 0.5 with the reversal counted as points removed, breakage).
  // March: 200 + 900 × 0.625 × (1 − 7/10) = 368.75; February: 500 + 0 = 500.
  // Outstanding: Feb 1,000 − 500 = 500, Mar 900 − 200 = 700 (as before: 1,000 − 100 − 200);
  // expected of them: 0 + 168.75 → 168.75 / 1,200 = 0.140625 (it was 150 / 1,200 = 0.125).
  const issued = (cohort: string, linked: number) => ({
    cohort,
    issued: 1000,
    issued_before_start: 1000,
    linked_points: linked,
    linked_revenue: 2 * linked,
  });
  const raw = {
    issuance: [issued('2026-01', 1000), issued('2026-02', 1000), issued('2026-03', 1000)],
    triangle: [
      cell('2026-01', 0, 'redeem', 300, 300),
      cell('2026-01', 0, 'reverse', 200, 200),
      cell('2026-01', 1, 'redeem', 200, 200),
      cell('2026-01', 2, 'expire', 300, 300),
      cell('2026-02', 0, 'redeem', 400, 400),
      cell('2026-02', 1, 'redeem', 100, 100),
      cell('2026-03', 0, 'redeem', 200, 0),
      cell('2026-03', 0, 'reverse', 100, 0),
    ],
  };
  const opts = {
    lastMonth: '2026-03',
    valuePerPoint: 0.01,
    maturityAge: 2,
    tailFactor: 1,
    method: 'bornhuetter-ferguson' as const,
  };

  it('nets issued and order-linked points, and moves the reversals out of the triangle', () => {
    const net = netOfReversals(raw.issuance, raw.triangle);
    expect(
      net.issuance.map((i) => [i.cohort, i.issued, i.reversed, i.linked_points, i.issued_before_start]),
    ).toEqual([
      ['2026-01', 800, 200, 800, 800],
      ['2026-02', 1000, 0, 1000, 1000],
      ['2026-03', 900, 100, 900, 1000],
    ]);
    expect(net.triangle.some((t) => t.kind === 'reverse')).toBe(false);
    // a second pass changes nothing
    expect(netOfReversals(net.issuance, net.triangle)).toEqual(net);
  });

  it('gives the cohort figures and rates worked out by hand', () => {
    const r = breakageAndRevenue(raw.issuance, raw.triangle, opts);
    expect(r.estimate.priorRedemptionRate).toBeCloseTo(0.625, 12);
    expect(
      r.lines.map((l) => [
        l.cohort,
        l.issued,
        l.reversed,
        l.redeemed,
        l.expired,
        l.adjusted,
        l.outstanding,
        l.matured,
      ]),
    ).toEqual([
      ['2026-01', 800, 200, 500, 300, 0, 0, true],
      ['2026-02', 1000, 0, 500, 0, 0, 500, false],
      ['2026-03', 900, 100, 200, 0, 0, 700, false],
    ]);
    expect(r.lines.map((l) => l.ultimate_redemption_rate)).toEqual([
      0.625,
      0.5,
      expect.closeTo(368.75 / 900, 12),
    ]);
    expect(r.lines[0].breakage_rate).toBeCloseTo(0.375, 12);
    expect(r.redemptionRate).toBeCloseTo((500 + 500 + 368.75) / 2700, 12);
    expect(outstandingRedemptionRate(r.lines, r.redemptionRate)).toBeCloseTo(168.75 / 1200, 12);
    // the same from the rows already netted (liability-stage nets them once for the curve too)
    const net = netOfReversals(raw.issuance, raw.triangle);
    expect(breakageAndRevenue(net.issuance, net.triangle, opts).lines).toEqual(r.lines);
  });
});

describe('tier setup', () => {
  it('orders tiers by rank and appends tiers members hold that the rules do not list', () => {
    const rule = (tier: string, rank: number, qualify: number) => ({
      tier,
      rank,
      qualify,
      retain: null,
      measure: null,
      qualification_months: null,
      qualification_period: null,
      downgrade_policy: null,
    });
    const t = tierSetupOf(
      [rule('Gold', 2, 800), rule('Member', 0, 0), rule('Silver', 1, 300)],
      ['Gold', 'VIP'],
    );
    expect(t.names).toEqual(['Member', 'Silver', 'Gold', 'VIP']);
    expect(t).toMatchObject({ measure: 'spend', period: 'calendar', months: 12, unknown: ['VIP'] });
  });

  it('finds the calendar qualification period of as-of', () => {
    expect(calendarPeriodStart('2026-11-15', 12)).toBe('2026-01-01');
    expect(calendarPeriodStart('2026-11-15', 6)).toBe('2026-07-01');
    expect(calendarPeriodStart('2026-02-01', 3)).toBe('2026-01-01');
  });
});
