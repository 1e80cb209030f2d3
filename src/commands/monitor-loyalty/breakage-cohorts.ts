import {
  allocateTransactionPrice,
  estimateBreakage,
  recognizePointsRevenue,
  type BreakageEstimate,
  type PointsCohort,
} from '../../analyses/loyalty/index.ts';

/** One issuance month as SQL returns it (issuance and the orders that earned the points). */
export interface IssuanceRow {
  cohort: string;
  issued: number;
  issued_before_start: number;
  linked_points: number;
  linked_revenue: number;
  /** Points left of its lots past their expiry date with no expire row (breakage, not outstanding). */
  overdue?: number;
  /**
   * Points of its lots taken back by earn reversals (`netOfReversals`): out of `issued` (and of
   * `linked_points`), which are then net of them.
   */
  reversed?: number;
}

/** One cell of the consumption triangle: points of a cohort consumed at an age, by kind. */
export interface TriangleRow {
  cohort: string;
  age: number;
  /** `reverse`: taken back by an earn reversal (`netOfReversals` moves these out of the triangle). */
  kind: 'redeem' | 'expire' | 'adjust' | 'reverse';
  pts: number;
  pts_before_start: number;
  pts_before_valuation: number;
}

/** A cohort as the report shows it (points to date are at the end of the window). */
export interface CohortLine {
  cohort: string;
  /**
   * Months past the issue month at the valuation month end (the issue month is 0; so is the current
   * month's cohort, not valued yet): the age the maturity rule compares with `maturity_age`.
   */
  age: number;
  /** Points issued net of the earn reversals that took points of its lots back (`reversed`). */
  issued: number;
  /**
   * Points of its lots taken back by earn reversals (returned orders' points: never earned, so out
   * of `issued`, not counted as consumed); the points first issued are `issued` + `reversed`.
   */
  reversed: number;
  redeemed: number;
  /** Points that expired (ledger type expire). */
  expired: number;
  /** Points taken back by negative adjustments (not expiries, not earn reversals). */
  adjusted: number;
  /**
   * Points left of its lots whose expiry date is on or before the as-of with no expire row: they
   * can no longer be redeemed, so they are breakage, not outstanding.
   */
  overdue: number;
  outstanding: number;
  matured: boolean;
  /**
   * Where the ultimate rate comes from: the development method, its prior (the current month's
   * cohort), or `no-breakage` (no cohort has matured yet: every outstanding point is expected to be
   * redeemed).
   */
  basis: 'chain-ladder' | 'bornhuetter-ferguson' | 'prior' | 'no-breakage';
  ultimate_redemption_rate: number;
  breakage_rate: number;
  /** IFRS 15: transaction price allocated to the cohort's order-linked points, revenue of the window, balance. */
  allocated: number;
  revenue_in_window: number;
  deferred_revenue: number;
}

export const monthsBetween = (from: string, to: string): number =>
  (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
  Number(to.slice(5, 7)) -
  Number(from.slice(5, 7));

type Field = 'pts' | 'pts_before_start' | 'pts_before_valuation';

/**
 * Issuance net of earn reversals. An earn of negative points takes a returned order's points back;
 * like every consumption it takes the member's oldest points first (FIFO), so it is charged to the
 * cohorts of the lots it consumed (the triangle's `reverse` cells). Those points were never earned
 * (IFRS 15 B20–B27: the sale is reversed, and with it the points' share of its price), so they are
 * neither redeemed nor breakage: they leave the cohort's issued points (and its order-linked points,
 * a reversal being of an order's earn; never below 0) instead of counting as consumed, and the
 * `reverse` cells leave the triangle. The cohort keeps them as `reversed`. Its outstanding points
 * are unchanged (issued − reversed − expired − adjusted − overdue − redeemed either way); its
 * redemption and breakage rates are over the points truly issued.
 */
export function netOfReversals(
  issuance: readonly IssuanceRow[],
  triangle: readonly TriangleRow[],
): { issuance: IssuanceRow[]; triangle: TriangleRow[] } {
  const reversed = new Map<string, { pts: number; before: number }>();
  for (const t of triangle) {
    if (t.kind !== 'reverse') continue;
    const r = reversed.get(t.cohort) ?? { pts: 0, before: 0 };
    r.pts += Number(t.pts);
    r.before += Number(t.pts_before_start);
    reversed.set(t.cohort, r);
  }
  return {
    issuance: issuance.map((i) => {
      const r = reversed.get(i.cohort);
      if (!r) return { ...i, reversed: i.reversed ?? 0 };
      return {
        ...i,
        issued: i.issued - r.pts,
        issued_before_start: Math.max(0, i.issued_before_start - r.before),
        linked_points: Math.max(0, i.linked_points - r.pts),
        reversed: (i.reversed ?? 0) + r.pts,
      };
    }),
    triangle: triangle.filter((t) => t.kind !== 'reverse'),
  };
}

/** Cumulative series of one cohort from its triangle cells, ages 0..latest. */
function cumulative(cells: TriangleRow[], latest: number, kinds: string[], field: Field): number[] {
  const out = new Array<number>(latest + 1).fill(0);
  for (const c of cells) if (kinds.includes(c.kind) && c.age <= latest) out[c.age] += Number(c[field]);
  for (let k = 1; k <= latest; k++) out[k] += out[k - 1];
  return out;
}

const total = (cells: TriangleRow[], kinds: string[], field: Field) =>
  cells.filter((c) => kinds.includes(c.kind)).reduce((s, c) => s + Number(c[field]), 0);

/**
 * Chain-ladder input at the valuation month end: cohorts issued up to `lastMonth` (the last
 * complete month), with cumulative redeemed and removed (expired or adjusted away) by age.
 */
export function cohortsOf(
  issuance: IssuanceRow[],
  triangle: TriangleRow[],
  lastMonth: string,
): PointsCohort[] {
  const byCohort = new Map<string, TriangleRow[]>();
  for (const t of triangle) {
    const list = byCohort.get(t.cohort);
    if (list) list.push(t);
    else byCohort.set(t.cohort, [t]);
  }
  return issuance
    .filter((i) => i.cohort <= lastMonth)
    .map((i) => {
      const latest = monthsBetween(i.cohort, lastMonth);
      const cells = byCohort.get(i.cohort) ?? [];
      return {
        cohort: i.cohort,
        pointsIssued: Number(i.issued),
        cumulativeRedeemed: cumulative(cells, latest, ['redeem'], 'pts_before_valuation'),
        cumulativeExpired: cumulative(cells, latest, ['expire', 'adjust'], 'pts_before_valuation'),
      };
    });
}

/** Issued-weighted ultimate redemption rate of the (up to) 12 most recent developed cohorts. */
function recentRate(estimate: BreakageEstimate): number {
  const recent = estimate.cohorts.filter((c) => c.latestAge >= 1).slice(-12);
  const issued = recent.reduce((s, c) => s + c.pointsIssued, 0);
  return issued > 0
    ? recent.reduce((s, c) => s + c.ultimateRedeemed, 0) / issued
    : estimate.expectedRedemptionRate;
}

/**
 * IFRS 15 for one cohort (B39–B43, Illustrative Example 52): its order-linked points' share of the
 * orders' price, allocated by relative stand-alone selling price with the redemption rate expected
 * when the points were issued (`inceptionRate`: IFRS 15.88, the price is not reallocated when that
 * estimate changes later), recognised as points are redeemed relative to the redemptions expected
 * at each date (cumulative catch-up): the window's revenue is the cumulative revenue at its end
 * (today's estimate) less that at its start (the estimate of the start, `startUltimate`), so a
 * change of estimate is recognised in the window that makes it, as IE52's year 2 does.
 */
function ifrs(
  i: IssuanceRow,
  inceptionRate: number,
  redeemed: { end: number; start: number },
  ultimate: { end: number; start: number },
  vpp: number,
) {
  const share = i.issued > 0 ? i.linked_points / i.issued : 0;
  const allocated = allocateTransactionPrice({
    transactionPrice: i.linked_revenue,
    goodsStandaloneSellingPrice: i.linked_revenue,
    pointsIssued: i.linked_points,
    valuePerPoint: vpp,
    expectedRedemptionRate: Math.min(1, Math.max(0, inceptionRate)),
  }).points;
  const [atStart, atEnd] = recognizePointsRevenue(allocated, [
    { cumulativeRedeemed: redeemed.start * share, expectedRedemptions: ultimate.start * share },
    { cumulativeRedeemed: redeemed.end * share, expectedRedemptions: ultimate.end * share },
  ]);
  // nothing redeemed by the start, nothing recognised by then (a cohort the start's estimate
  // expected to redeem nothing, as the chain ladder says of its valuation month's, would otherwise
  // count its whole allocation as recognised before the window)
  const before = redeemed.start > 0 ? atStart.cumulativeRevenue : 0;
  return {
    allocated,
    revenue_in_window: atEnd.cumulativeRevenue - before,
    deferred_revenue: atEnd.liability,
  };
}

/**
 * A programme whose points expire but none of whose cohorts has reached the maturity age yet: the
 * redemption curves stop at the oldest cohort's age, so the development beyond it (and with it
 * the breakage) is not observed. Null when a cohort has matured, or when points never expire (the
 * development is then never complete: `breakage.tail_factor` carries it).
 */
export interface Immature {
  /**
   * `expiry`: points expire by age and no cohort has reached the maturity age; `history`: points
   * do not expire by age (never, or after inactivity) and the oldest cohort has less than
   * `breakage.min_history_months` of history (`maturity_age` is then that setting).
   */
  basis: 'expiry' | 'history';
  /** The oldest issuance cohort, the months of its development observed (to the valuation month end) and the months needed. */
  oldest_cohort: string | null;
  observed_months: number;
  maturity_age: number;
  /** Share of the outstanding points the cohort curves alone expect redeemed (what is seen so far: a floor). */
  curves_redemption_rate: number;
}

/**
 * Whether no cohort has matured (see `Immature`): with expiring points, no issuance cohort has
 * reached the maturity age, and none has passed its expiry month (age ≥ maturity age − 1) with
 * every point redeemed or expired. Such a cohort's development is complete: its line says
 * `matured`, and the programme then has a matured cohort (a cohort that resolved early, before its
 * expiry month, does not count: it says nothing of the points that wait until expiry).
 */
export function immatureProgramme(
  estimate: BreakageEstimate,
  maturityAge: number | undefined,
  minHistoryMonths?: number,
): boolean {
  if (maturityAge === undefined) {
    // points that do not expire by age: a young programme while its oldest cohort's history is short
    if (minHistoryMonths === undefined) return false;
    const ages = estimate.cohorts.filter((c) => c.pointsIssued > 0).map((c) => c.latestAge);
    return (ages.length ? Math.max(...ages) : -1) < minHistoryMonths;
  }
  return !estimate.cohorts.some((c) => c.pointsIssued > 0 && maturedCohort(c, maturityAge));
}

/**
 * Whether a cohort has matured: at the maturity age, or from its expiry month on (maturity age − 1)
 * with nothing outstanding. A cohort resolved earlier (every point redeemed or taken back within
 * months of issue) has its ultimate, but is not matured: it says nothing of the points that wait
 * until expiry. Without expiry (no maturity age) a cohort with nothing outstanding.
 */
export function maturedCohort(
  c: BreakageEstimate['cohorts'][number],
  maturityAge: number | undefined,
): boolean {
  if (maturityAge === undefined) return c.matured;
  return c.latestAge >= maturityAge || (c.matured && c.latestAge >= maturityAge - 1);
}

/**
 * Bornhuetter–Ferguson's prior: the actual redemption rate of the matured cohorts (`maturedCohort`),
 * issued-weighted; with none matured, the chain ladder's rate of all cohorts (what the report then
 * says it is); undefined (the estimator's default) when points never expire.
 */
function maturedPrior(chain: BreakageEstimate, maturityAge: number | undefined): number | undefined {
  if (maturityAge === undefined) return undefined;
  const matured = chain.cohorts.filter((c) => c.pointsIssued > 0 && maturedCohort(c, maturityAge));
  const issued = matured.reduce((s, c) => s + c.pointsIssued, 0);
  return issued > 0
    ? matured.reduce((s, c) => s + c.ultimateRedeemed, 0) / issued
    : chain.expectedRedemptionRate;
}

/** What a cohort's line is worked out from: the programme's prior rate, whether no cohort matured, and the run's settings. */
interface LineContext {
  estimate: BreakageEstimate;
  prior: number;
  young: boolean;
  lastMonth: string;
  maturityAge: number | undefined;
}

/**
 * One issuance cohort's line, with what the programme totals take from it: its ultimate
 * redemptions and the part of its outstanding points the cohort curves alone expect redeemed.
 */
function cohortLine(
  i: IssuanceRow,
  triangle: TriangleRow[],
  { estimate, prior, young, lastMonth, maturityAge }: LineContext,
): { line: CohortLine; ultimate: number; curvesExpected: number } {
  const cells = triangle.filter((t) => t.cohort === i.cohort);
  const c = estimate.cohorts.find((x) => x.cohort === i.cohort);
  const redeemed = total(cells, ['redeem'], 'pts');
  const expired = total(cells, ['expire'], 'pts');
  const adjusted = total(cells, ['adjust'], 'pts');
  const overdue = i.overdue ?? 0;
  // overdue points count as expired at the as-of, posted or not
  const open = i.issued - expired - adjusted - overdue;
  const rate = c ? c.ultimateRedemptionRate : prior;
  const curves = c?.matured ? redeemed : Math.max(redeemed, Math.min(open, rate * i.issued));
  // matured by the maturity rule (a cohort resolved early is not: in a young programme it is
  // valued like the others, at no breakage, its open points being its redeemed ones)
  const matured = c ? maturedCohort(c, maturityAge) : false;
  const ultimate = young && !matured ? Math.max(redeemed, open) : curves;
  const outstanding = Math.max(0, open - redeemed);
  const line: CohortLine = {
    cohort: i.cohort,
    // the maturity rule's age (`latestAge`): months past the issue month at the valuation month end
    age: Math.max(0, monthsBetween(i.cohort, lastMonth)),
    issued: i.issued,
    reversed: i.reversed ?? 0,
    redeemed,
    expired,
    adjusted,
    overdue,
    outstanding,
    matured,
    basis: young && !matured ? 'no-breakage' : c ? estimate.method : 'prior',
    ultimate_redemption_rate: i.issued > 0 ? ultimate / i.issued : 0,
    breakage_rate: i.issued > 0 ? 1 - ultimate / i.issued : 0,
    // the IFRS 15 columns: `breakageAndRevenue` fills them in (`ifrs`)
    allocated: 0,
    revenue_in_window: 0,
    deferred_revenue: 0,
  };
  const curvesExpected = outstanding > 0 ? Math.max(0, Math.min(outstanding, curves - redeemed)) : 0;
  return { line, ultimate, curvesExpected };
}

/** `Immature` of a programme none of whose cohorts matured (`young`), else null. */
function immatureOf(
  estimate: BreakageEstimate,
  young: boolean,
  maturityAge: number | undefined,
  minHistoryMonths: number | undefined,
  curvesExpected: number,
  outstanding: number,
): Immature | null {
  const age = maturityAge ?? minHistoryMonths;
  if (!young || age === undefined) return null;
  const oldest = estimate.cohorts.reduce<(typeof estimate.cohorts)[number] | null>(
    (m, c) => (m === null || c.latestAge > m.latestAge ? c : m),
    null,
  );
  return {
    basis: maturityAge === undefined ? 'history' : 'expiry',
    oldest_cohort: oldest?.cohort ?? null,
    observed_months: oldest?.latestAge ?? 0,
    maturity_age: age,
    curves_redemption_rate: outstanding > 0 ? curvesExpected / outstanding : 0,
  };
}

/** The breakage settings of a run (`loyalty.breakage`, the expiry's maturity age). */
export interface BreakageOptions {
  /** The valuation month: the last complete month before the window's end. */
  lastMonth: string;
  /**
   * The valuation month of the window's start (the last complete month before it): the IFRS 15
   * revenue recognised by the start is valued with the estimate of that date. Absent: with
   * today's (every cohort's start estimate is its end estimate).
   */
  startLastMonth?: string;
  valuePerPoint: number;
  maturityAge?: number;
  /** Points that do not expire by age: history the oldest cohort needs (`breakage.min_history_months`). */
  minHistoryMonths?: number;
  tailFactor: number;
  method: 'chain-ladder' | 'bornhuetter-ferguson';
}

/** The programme's estimate at `opts.lastMonth`, its prior and whether no cohort has matured. */
function programmeEstimate(
  issuance: IssuanceRow[],
  triangle: TriangleRow[],
  opts: BreakageOptions,
): { estimate: BreakageEstimate; prior: number; young: boolean } {
  const cohorts = cohortsOf(issuance, triangle, opts.lastMonth);
  const settings = { maturityAge: opts.maturityAge, tailFactor: opts.tailFactor };
  // The prior is the matured cohorts' rate, as the maturity rule says: the estimator's own default
  // also takes cohorts resolved early (nothing outstanding at any age), whose 100 % (all redeemed)
  // or 0 % (all taken back) says nothing of a whole issue month's life.
  const prior =
    opts.method === 'bornhuetter-ferguson'
      ? maturedPrior(estimateBreakage(cohorts, settings), opts.maturityAge)
      : undefined;
  const estimate = estimateBreakage(cohorts, {
    ...settings,
    method: opts.method,
    priorRedemptionRate: prior,
  });
  // No cohort matured: breakage cannot be estimated from the programme's own redemptions, so none
  // is recognised (IFRS 15.56-58 constraint, B46): every point not yet redeemed, expired or taken
  // back is expected to be redeemed. The curves' projection is kept as the floor.
  const young = immatureProgramme(estimate, opts.maturityAge, opts.minHistoryMonths);
  return { estimate, prior: estimate.priorRedemptionRate ?? recentRate(estimate), young };
}

/** Expected redemption rate of points with no development yet: the prior; 1 while no cohort has matured. */
const newPointsRateOf = (p: { prior: number; young: boolean }): number =>
  p.young ? 1 : Math.min(1, Math.max(0, p.prior));

/** The month before `month` (YYYY-MM). */
function monthBefore(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * What the ledger said at the end of `lastMonth`: the cohorts issued by then, the consumption of
 * the months up to it (overdue points unknown: none).
 */
function ledgerAtMonthEnd(
  issuance: IssuanceRow[],
  triangle: TriangleRow[],
  lastMonth: string,
): { issuance: IssuanceRow[]; triangle: TriangleRow[] } {
  return {
    issuance: issuance.filter((i) => i.cohort <= lastMonth).map((i) => ({ ...i, overdue: 0 })),
    triangle: triangle
      .filter((t) => t.age < monthsBetween(t.cohort, lastMonth) + 1)
      .map((t) => ({ ...t, pts_before_start: t.pts, pts_before_valuation: t.pts })),
  };
}

/**
 * The expected redemption rate of each cohort when its points were issued (IFRS 15 allocates the
 * price at contract inception and does not reallocate it, 15.88): the rate of new points at the
 * end of the month before its issue month, from the ledger as it stood then — the prior, or 1
 * while no cohort had matured (no breakage could be estimated yet, IFRS 15.56–58).
 */
function inceptionRates(
  issuance: IssuanceRow[],
  triangle: TriangleRow[],
  opts: BreakageOptions,
): Map<string, number> {
  const rates = new Map<string, number>();
  for (const i of issuance) {
    if (rates.has(i.cohort)) continue;
    const lastMonth = monthBefore(i.cohort);
    const then = ledgerAtMonthEnd(issuance, triangle, lastMonth);
    const net = netOfReversals(then.issuance, then.triangle);
    // nothing issued before: no history to estimate breakage from (none is recognised)
    const history = net.issuance.some((c) => c.issued > 0);
    rates.set(
      i.cohort,
      history ? newPointsRateOf(programmeEstimate(net.issuance, net.triangle, { ...opts, lastMonth })) : 1,
    );
  }
  return rates;
}

/**
 * Each cohort's expected ultimate redemptions at the window's start, as a run whose window ended
 * there valued them (`opts.startLastMonth`; consumption before the start; overdue points unknown):
 * cohorts issued after that valuation month take the rate of new points then.
 */
function startUltimates(
  issuance: IssuanceRow[],
  triangle: TriangleRow[],
  opts: BreakageOptions & { startLastMonth: string },
): (i: IssuanceRow) => number {
  const atStart = triangle.map((t) => ({
    ...t,
    pts: t.pts_before_start,
    pts_before_valuation: t.pts_before_start,
  }));
  const before = issuance.filter((i) => i.cohort <= opts.startLastMonth).map((i) => ({ ...i, overdue: 0 }));
  const net = netOfReversals(before, atStart);
  const startOpts = { ...opts, lastMonth: opts.startLastMonth };
  const programme = programmeEstimate(net.issuance, net.triangle, startOpts);
  const ctx: LineContext = {
    ...programme,
    lastMonth: opts.startLastMonth,
    maturityAge: opts.maturityAge,
  };
  const ultimates = new Map(net.issuance.map((i) => [i.cohort, cohortLine(i, net.triangle, ctx).ultimate]));
  const rate = newPointsRateOf(programme);
  return (i) => ultimates.get(i.cohort) ?? rate * i.issued;
}

/**
 * Breakage from the issuance-cohort redemption curves on complete months (valuation at the last
 * month end), issuance net of earn reversals (`netOfReversals`): chain ladder, or Bornhuetter–Ferguson with the matured cohorts' actual rate as the
 * prior; then per cohort the ultimate redemptions (never below what is redeemed at the end of the
 * window; the current month's cohort takes the prior, or the recent cohorts' rate), and the IFRS 15
 * allocation of its order-linked points (relative stand-alone selling prices, points at value per
 * point × the redemption rate expected when they were issued, `inceptionRates`) with the revenue
 * recognised as points are redeemed relative to the redemptions expected (cumulative catch-up):
 * revenue of the window = cumulative revenue at its end (today's estimate) − at its start (the
 * start's estimate, `startUltimates`), deferred revenue = allocated − cumulative revenue at the end.
 */
export function breakageAndRevenue(
  issuance: IssuanceRow[],
  triangle: TriangleRow[],
  opts: BreakageOptions,
): {
  estimate: BreakageEstimate;
  lines: CohortLine[];
  redemptionRate: number;
  /** Expected redemption rate of points with no development yet (the current month's cohort's; 1 when no cohort matured). */
  newPointsRate: number;
  immature: Immature | null;
} {
  const inception = inceptionRates(issuance, triangle, opts);
  const startUltimate = opts.startLastMonth
    ? startUltimates(issuance, triangle, { ...opts, startLastMonth: opts.startLastMonth })
    : undefined;
  // net of earn reversals (a no-op on what `netOfReversals` returned: no `reverse` cell is left)
  ({ issuance, triangle } = netOfReversals(issuance, triangle));
  const programme = programmeEstimate(issuance, triangle, opts);
  const { estimate, young } = programme;
  const ctx: LineContext = {
    ...programme,
    lastMonth: opts.lastMonth,
    maturityAge: opts.maturityAge,
  };
  let ultimateTotal = 0;
  let curvesExpected = 0;
  let outstandingTotal = 0;
  const lines = issuance.map((i): CohortLine => {
    const one = cohortLine(i, triangle, ctx);
    if (one.line.outstanding > 0) {
      outstandingTotal += one.line.outstanding;
      curvesExpected += one.curvesExpected;
    }
    ultimateTotal += one.ultimate;
    const redeemed = triangle.filter((t) => t.cohort === i.cohort && t.kind === 'redeem');
    Object.assign(
      one.line,
      ifrs(
        i,
        inception.get(i.cohort) ?? 1,
        {
          end: one.line.redeemed,
          start: redeemed.reduce((s, t) => s + Number(t.pts_before_start), 0),
        },
        { end: one.ultimate, start: startUltimate ? startUltimate(i) : one.ultimate },
        opts.valuePerPoint,
      ),
    );
    return one.line;
  });
  const issued = issuance.reduce((s, i) => s + i.issued, 0);
  return {
    estimate,
    lines,
    redemptionRate: issued > 0 ? ultimateTotal / issued : 0,
    newPointsRate: newPointsRateOf(programme),
    immature: immatureOf(
      estimate,
      young,
      opts.maturityAge,
      opts.minHistoryMonths,
      curvesExpected,
      outstandingTotal,
    ),
  };
}

/**
 * Share of the outstanding points expected to be redeemed: (Σ (ultimate − redeemed) over cohorts
 * with points outstanding + pending points × the rate of new points) / (Σ outstanding + pending);
 * the programme-wide rate when nothing is outstanding. Pending points (earned on orders still in
 * their return window) are in no cohort's lots yet: they are the newest points, with their whole
 * life ahead, so they take a new cohort's rate, not the average of the older points outstanding
 * (which are partly past their redemptions and near expiry).
 */
export function outstandingRedemptionRate(
  lines: CohortLine[],
  programmeRate: number,
  pending: { points: number; rate: number } = { points: 0, rate: 0 },
): number {
  let outstanding = Math.max(0, pending.points);
  let expected = outstanding * pending.rate;
  for (const l of lines) {
    if (l.outstanding <= 0) continue;
    outstanding += l.outstanding;
    expected += Math.max(0, Math.min(l.outstanding, l.ultimate_redemption_rate * l.issued - l.redeemed));
  }
  return outstanding > 0 ? expected / outstanding : programmeRate;
}

/** The average redemption curve: Σ cumulative redeemed / Σ issued at each age, over cohorts observed at that age. */
export function redemptionCurve(
  cohorts: PointsCohort[],
): { age: number; redeemed_share: number; cohorts: number }[] {
  const maxAge = cohorts.reduce((m, c) => Math.max(m, c.cumulativeRedeemed.length - 1), 0);
  const out = [];
  for (let age = 0; age <= maxAge; age++) {
    const seen = cohorts.filter((c) => c.cumulativeRedeemed.length > age && c.pointsIssued > 0);
    const issued = seen.reduce((s, c) => s + c.pointsIssued, 0);
    const redeemed = seen.reduce((s, c) => s + c.cumulativeRedeemed[age], 0);
    out.push({ age, redeemed_share: issued > 0 ? redeemed / issued : 0, cohorts: seen.length });
  }
  return out;
}
