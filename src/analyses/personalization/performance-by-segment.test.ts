/**
 * Rates are hand-computed (counts / users). Lifts, intervals and p-values come from an independent
 * computation with Python 3.11, scipy 1.17.1 (written for this test, not derived from the module),
 * run once and pasted below with 15 significant digits:
 *
 *   def arm(kind, n, s, ss=None):          # engine conventions: Bernoulli p(1-p), sample variance
 *       m = s / n
 *       return n, m, (m * (1 - m) if kind == 'p' else (ss - s * s / n) / (n - 1))
 *   def rel(a, b, alpha=0.05):
 *       (nA, mA, vA), (nB, mB, vB) = a, b
 *       est = (mB - mA) / abs(mA)
 *       se = (vB / (nB * mA**2) + vA * mB**2 / (nA * mA**4)) ** 0.5     # delta method
 *       dof = (vB/nB + vA/nA)**2 / (vB**2 / (nB**2 * (nB-1)) + vA**2 / (nA**2 * (nA-1)))
 *       q = scipy.stats.t.ppf(1 - alpha / 2, dof)
 *       return est, est - q * se, est + q * se, 2 * scipy.stats.t.sf(abs(est / se), dof)
 *
 * applied to engagement (p), conversion (p) and revenue (mean) of each segment's variant against
 * its holdout, then Benjamini–Hochberg written out by hand (sort, p·m/rank, running minimum from
 * the top, cap 1) over the 9 comparisons with ≥ 150 users per arm.
 */
import { describe, expect, it } from 'vitest';
import { performanceBySegment, type PerformanceRow } from './performance-by-segment.ts';
import { PersonalizationInputError } from './personalization-input-error.ts';

const row = (
  dimension: string,
  segment: string,
  variant: string,
  users: number,
  engagedUsers: number,
  converters: number,
  revenueSum: number,
  revenueSumSquares: number,
): PerformanceRow => ({
  dimension,
  segment,
  variant,
  users,
  engagedUsers,
  converters,
  revenueSum,
  revenueSumSquares,
});

const FIXTURE: PerformanceRow[] = [
  row('all', 'all', 'holdout', 1000, 300, 50, 2500, 250000),
  row('all', 'all', 'personalized', 1000, 360, 70, 3500, 330000),
  // 'control' plays the holdout when no 'holdout' is present.
  row('channel', 'email', 'personalized', 420, 147, 21, 1260, 120000),
  row('channel', 'email', 'control', 400, 100, 20, 1000, 90000),
  // Both names present: 'holdout' is preferred and 'control' is compared against it.
  row('channel', 'push', 'control', 500, 110, 30, 1100, 45000),
  row('channel', 'push', 'holdout', 500, 100, 25, 1000, 40000),
  // No holdout at all.
  row('channel', 'sms', 'personalized', 300, 90, 12, 600, 9000),
  // Below 150 users per arm: numbers but no verdict, and outside the correction family.
  row('cohort', 'tiny', 'holdout', 100, 30, 5, 250, 25000),
  row('cohort', 'tiny', 'personalized', 100, 40, 8, 400, 40000),
];

/** [lift, ci low, ci high, p, BH-adjusted p] from the Python reference. */
const REFERENCE: Record<string, [number, number, number, number, number][]> = {
  'all/personalized': [
    [0.2, 0.0491057549135574, 0.350894245086443, 0.00940823510917741, 0.0423370579912983],
    [0.4, -0.0933452205442538, 0.893345220544254, 0.111972422386896, 0.335917267160689],
    [0.4, -0.300024386857128, 1.10002438685713, 0.26258195864092, 0.590809406942071],
  ],
  'email/personalized': [
    [0.4, 0.0999518124694442, 0.700048187530556, 0.00904143958870019, 0.0423370579912983],
    [0.0, -0.597753023969359, 0.597753023969359, 1.0, 1.0],
    [0.2, -0.745413138635752, 1.14541313863575, 0.678073277013164, 0.829317074007293],
  ],
  'push/control': [
    [0.1, -0.165171069143192, 0.365171069143192, 0.459455753175648, 0.790356686438596],
    [0.2, -0.420056498087902, 0.820056498087901, 0.52690445762573, 0.790356686438596],
    [0.1, -0.484561682847589, 0.684561682847589, 0.737170732450927, 0.829317074007293],
  ],
};

describe('performanceBySegment', () => {
  const result = performanceBySegment(FIXTURE);
  const find = (segment: string, variant: string) => {
    const r = result.rows.find((x) => x.segment === segment && x.variant === variant);
    if (!r) throw new Error(`no row ${segment}/${variant}`);
    return r;
  };

  it('rates are counts over users (hand-computed)', () => {
    const email = find('email', 'personalized');
    expect(email.engagementRate).toBeCloseTo(147 / 420, 15); // 0.35
    expect(email.conversionRate).toBeCloseTo(0.05, 15); // 21/420
    expect(email.revenuePerUser).toBeCloseTo(3, 15); // 1260/420
    const c = email.comparisons;
    expect(c.map((x) => x.holdoutValue)).toEqual([0.25, 0.05, 2.5]);
    expect(c[0].difference).toBeCloseTo(0.1, 15);
    expect(c[2].difference).toBeCloseTo(0.5, 15);
  });

  it.each(Object.entries(REFERENCE))(
    '%s: lift, interval and p match the Python reference',
    (key, expected) => {
      const [segment, variant] = key.split('/');
      const r = find(segment, variant);
      expect(r.comparisons.map((c) => c.metric)).toEqual([
        'engagement_rate',
        'conversion_rate',
        'revenue_per_user',
      ]);
      r.comparisons.forEach((c, i) => {
        const [lift, low, high, p, bh] = expected[i];
        expect(c.lift).toBeCloseTo(lift, 12);
        expect(c.ci?.[0]).toBeCloseTo(low, 10);
        expect(c.ci?.[1]).toBeCloseTo(high, 10);
        expect(c.pValue).toBeCloseTo(p, 10);
        expect(c.adjustedPValue).toBeCloseTo(bh, 10);
      });
    },
  );

  it('verdicts follow the BH-adjusted p-value, and the widened interval agrees with it', () => {
    expect(find('all', 'personalized').comparisons.map((c) => c.verdict)).toEqual([
      'better',
      'inconclusive',
      'inconclusive',
    ]);
    expect(find('email', 'personalized').comparisons[0].verdict).toBe('better');
    for (const r of result.rows) {
      for (const c of r.comparisons) {
        if (c.adjustedPValue === null || c.adjustedCi === null) continue;
        const excludesZero = c.adjustedCi[0] > 0 || c.adjustedCi[1] < 0;
        expect(excludesZero).toBe(c.adjustedPValue < 0.05);
      }
    }
    expect(result.settings.family).toBe(9);
  });

  it('holdout choice: holdout before control, ignoring case; the holdout row comes first', () => {
    expect(find('email', 'control').isHoldout).toBe(true);
    expect(find('email', 'personalized').holdout).toBe('control');
    expect(find('push', 'holdout').isHoldout).toBe(true);
    expect(find('push', 'control').holdout).toBe('holdout');
    const push = result.rows.filter((r) => r.segment === 'push').map((r) => r.variant);
    expect(push).toEqual(['holdout', 'control']);
    const upper = performanceBySegment([
      row('all', 'all', 'HOLDOUT', 1000, 300, 50, 2500, 250000),
      row('all', 'all', 'b', 1000, 360, 70, 3500, 330000),
    ]);
    expect(upper.rows[1].holdout).toBe('HOLDOUT');
  });

  it('configurable holdout names', () => {
    const r = performanceBySegment(FIXTURE, { holdoutVariants: ['personalized'] });
    expect(r.rows.find((x) => x.segment === 'sms')?.isHoldout).toBe(true);
    expect(r.segmentsWithoutHoldout).toEqual([{ dimension: 'channel', segment: 'push' }]);
  });

  it('a segment without holdout is listed and has no comparisons', () => {
    expect(result.segmentsWithoutHoldout).toEqual([{ dimension: 'channel', segment: 'sms' }]);
    const sms = find('sms', 'personalized');
    expect(sms.holdout).toBeNull();
    expect(sms.comparisons).toEqual([]);
    expect(sms.conversionRate).toBeCloseTo(0.04, 15); // 12/300
  });

  it('too few users: numbers shown, no verdict, not in the correction family', () => {
    const tiny = find('tiny', 'personalized');
    expect(tiny.comparisons.every((c) => c.verdict === 'too few users')).toBe(true);
    expect(tiny.comparisons.every((c) => c.adjustedPValue === null)).toBe(true);
    expect(tiny.comparisons[1].lift).toBeCloseTo(0.6, 12); // 8% vs 5%
    const lower = performanceBySegment(FIXTURE, { minUsersPerArm: 100 });
    expect(lower.settings.family).toBe(12);
  });

  it('no correction: the raw p-value decides', () => {
    const r = performanceBySegment(FIXTURE, { correction: 'none' });
    const c = r.rows.find((x) => x.segment === 'all' && !x.isHoldout)?.comparisons[0];
    expect(c?.adjustedPValue).toBeNull();
    expect(c?.verdict).toBe('better');
  });

  it('a zero holdout rate gives no relative lift: the absolute difference is tested, with the note', () => {
    // 10/1000 vs 0/1000: the engine's absolute fallback, Welch with the holdout's variance 0 (df 999);
    // scipy 1.17.1: d = 0.01, se = sqrt(0.01 * 0.99 / 1000), t.ppf(0.975, 999), 2 * t.sf(d / se, 999)
    const r = performanceBySegment(
      [row('all', 'all', 'holdout', 1000, 300, 0, 0, 0), row('all', 'all', 'b', 1000, 360, 10, 100, 1000)],
      { correction: 'none' },
    );
    const conv = r.rows[1].comparisons[1];
    expect(conv.lift).toBeNull();
    expect(conv.scale).toBe('absolute');
    expect(conv.difference).toBeCloseTo(0.01, 15);
    expect(conv.ci?.[0]).toBeCloseTo(0.0038256367372963, 12);
    expect(conv.ci?.[1]).toBeCloseTo(0.0161743632627037, 12);
    expect(conv.pValue).toBeCloseTo(0.0015274037962118, 12);
    expect(conv.verdict).toBe('better');
    expect(conv.error).toBeNull();
    expect(conv.note).toMatch(/relative lift undefined: control rate is 0 %/);
    // the relative comparisons keep their scale and no note
    expect(r.rows[1].comparisons[0]).toMatchObject({ scale: 'relative', note: null });
    // in the correction family, its adjusted interval widened around the difference
    const bh = performanceBySegment([
      row('all', 'all', 'holdout', 1000, 300, 0, 0, 0),
      row('all', 'all', 'b', 1000, 360, 10, 100, 1000),
    ]);
    expect(bh.settings.family).toBe(3);
    const adjusted = bh.rows[1].comparisons[1];
    expect(adjusted.adjustedCi?.[0]).toBeLessThan(0.0038256367372963);
    expect(adjusted.adjustedCi?.[1]).toBeGreaterThan(0.0161743632627037);
    expect(((adjusted.adjustedCi?.[0] ?? 0) + (adjusted.adjustedCi?.[1] ?? 0)) / 2).toBeCloseTo(0.01, 12);
  });

  it('holdoutByDimension: arm rows labelled holdout next to rule rows of the configured name', () => {
    // the command's rows: arms in `all`, variants in `rule`, the holdout variant called ctrl_grp
    const rows = [
      row('all', 'all', 'holdout', 400, 0, 34, 0, 0),
      row('all', 'all', 'personalized', 400, 0, 74, 0, 0),
      row('rule', 'hero', 'ctrl_grp', 400, 0, 34, 0, 0),
      row('rule', 'hero', 'pers', 400, 0, 74, 0, 0),
    ];
    const r = performanceBySegment(rows, {
      holdoutVariants: ['ctrl_grp'],
      holdoutByDimension: { all: ['holdout'] },
    });
    expect(r.rows.map((x) => [x.variant, x.isHoldout, x.holdout])).toEqual([
      ['holdout', true, null],
      ['personalized', false, 'holdout'],
      ['ctrl_grp', true, null],
      ['pers', false, 'ctrl_grp'],
    ]);
    expect(r.segmentsWithoutHoldout).toEqual([]);
    // 0.185 / 0.085 - 1, by hand
    expect(r.rows[1].comparisons[1].lift).toBeCloseTo(0.185 / 0.085 - 1, 12);
    expect(r.rows[1].comparisons[1]).toEqual(r.rows[3].comparisons[1]);
    // without it the arm rows had no holdout (the bug): only ctrl_grp was a holdout name
    const before = performanceBySegment(rows, { holdoutVariants: ['ctrl_grp'] });
    expect(before.segmentsWithoutHoldout).toEqual([{ dimension: 'all', segment: 'all' }]);
    // a rule variant called 'holdout' is not the holdout of the rule rows when it is not configured
    const named = performanceBySegment(
      [row('rule', 'hero', 'holdout', 400, 0, 34, 0, 0), row('rule', 'hero', 'ctrl_grp', 400, 0, 20, 0, 0)],
      { holdoutVariants: ['ctrl_grp'], holdoutByDimension: { all: ['holdout'] } },
    );
    expect(named.rows[0]).toMatchObject({ variant: 'ctrl_grp', isHoldout: true });
    expect(() => performanceBySegment(rows, { holdoutByDimension: { all: [] } })).toThrow(
      /holdoutByDimension\.all/,
    );
  });

  it('the holdout is the first holdout name a variant has, in the list order, any case, trimmed (the shared rule)', () => {
    // a variant spelled 'Holdout ' in the source is the holdout of the default [holdout, control],
    // ahead of control; before, only an exact lower-case match counted and control was taken
    const rows = [
      row('rule', 'hero', 'control', 400, 0, 20, 0, 0),
      row('rule', 'hero', 'Holdout ', 400, 0, 34, 0, 0),
      row('rule', 'hero', 'pers', 400, 0, 74, 0, 0),
      // a dimension named like an Object property still takes the default names
      row('constructor', 'x', 'pers', 400, 0, 74, 0, 0),
      row('constructor', 'x', 'control', 400, 0, 34, 0, 0),
    ];
    const r = performanceBySegment(rows);
    expect(r.rows.map((x) => [x.variant, x.isHoldout, x.holdout])).toEqual([
      ['Holdout ', true, null],
      ['control', false, 'Holdout '],
      ['pers', false, 'Holdout '],
      ['control', true, null],
      ['pers', false, 'control'],
    ]);
    expect(r.segmentsWithoutHoldout).toEqual([]);
  });

  it.each<[string, PerformanceRow[], RegExp]>([
    [
      'converters > users',
      [row('all', 'all', 'holdout', 10, 1, 11, 0, 0)],
      /converters \(11\) exceeds users/,
    ],
    ['engaged > users', [row('all', 'all', 'holdout', 10, 11, 1, 0, 0)], /engagedUsers/],
    ['impossible sum of squares', [row('all', 'all', 'holdout', 10, 1, 1, 100, 10)], /revenueSumSquares/],
    ['fractional users', [row('all', 'all', 'holdout', 10.5, 1, 1, 0, 0)], /whole number/],
    [
      'NULL revenue',
      [{ ...row('all', 'all', 'holdout', 10, 1, 1, 0, 0), revenueSum: null as unknown as number }],
      /finite/,
    ],
    [
      'duplicate variant',
      [row('all', 'all', 'holdout', 10, 1, 1, 0, 0), row('all', 'all', 'holdout', 10, 1, 1, 0, 0)],
      /appears twice/,
    ],
  ])('rejects %s', (_name, rows, message) => {
    expect(() => performanceBySegment(rows)).toThrow(PersonalizationInputError);
    expect(() => performanceBySegment(rows)).toThrow(message);
  });

  it('unmeasured metrics (no outcome data) are null and "no result" with the reason, and leave the correction family', () => {
    const why = 'no conversion outcome in the window';
    const r = performanceBySegment(FIXTURE, {
      unmeasured: { conversion_rate: why, revenue_per_user: 'no outcome with a value' },
    });
    expect(r.unmeasured).toEqual([
      { metric: 'conversion_rate', reason: why },
      { metric: 'revenue_per_user', reason: 'no outcome with a value' },
    ]);
    expect('unmeasured' in r.settings).toBe(false);
    for (const x of r.rows) {
      expect([x.converters, x.conversionRate, x.revenuePerUser]).toEqual([null, null, null]);
      // engagement is measured: its counts and rate stay (the users too)
      expect(x.engagedUsers).not.toBeNull();
      expect(x.engagementRate).toBeCloseTo(Number(x.engagedUsers) / x.users, 15);
      for (const c of x.comparisons.filter((y) => y.metric !== 'engagement_rate'))
        expect(c).toMatchObject({
          value: null,
          holdoutValue: null,
          difference: null,
          lift: null,
          ci: null,
          pValue: null,
          adjustedPValue: null,
          verdict: 'no result',
        });
    }
    const email = r.rows.find((x) => x.segment === 'email' && x.variant === 'personalized');
    expect(email?.comparisons[1].error).toBe(why);
    // the family is the 3 engagement comparisons with enough users; BH by hand over their raw p
    // (0.00904143958870019, 0.00940823510917741, 0.459455753175648): p·3/rank, running minimum
    // from the top → 0.0141123526637661, 0.0141123526637661, 0.459455753175648
    expect(r.settings.family).toBe(3);
    const adjusted = (segment: string, variant: string) =>
      r.rows.find((x) => x.segment === segment && x.variant === variant)?.comparisons[0].adjustedPValue;
    expect(adjusted('all', 'personalized')).toBeCloseTo(0.0141123526637661, 12);
    expect(adjusted('email', 'personalized')).toBeCloseTo(0.0141123526637661, 12);
    expect(adjusted('push', 'control')).toBeCloseTo(0.459455753175648, 12);
    expect(() => performanceBySegment(FIXTURE, { unmeasured: { ctr: 'x' } as never })).toThrow(
      /unmeasured names an unknown metric 'ctr'/,
    );
  });

  it('rejects bad options', () => {
    expect(() => performanceBySegment(FIXTURE, { alpha: 0 })).toThrow(/alpha/);
    expect(() => performanceBySegment(FIXTURE, { holdoutVariants: [] })).toThrow(/holdoutVariants/);
  });

  it('accepts BigInt counts (DuckDB BIGINT)', () => {
    const r = performanceBySegment([
      {
        ...row('all', 'all', 'holdout', 0, 0, 0, 0, 0),
        users: 1000n,
        engagedUsers: 300n,
        converters: 50n,
        revenueSum: 2500,
        revenueSumSquares: 250000,
      },
      row('all', 'all', 'b', 1000, 360, 70, 3500, 330000),
    ]);
    expect(r.rows[1].comparisons[1].lift).toBeCloseTo(0.4, 12);
  });
});
