import {
  PERIODS_PER_MONTH,
  spendFrequencyCorrelation,
  type BgNbdParams,
  type FitResult,
  type GammaGammaParams,
} from '../../analyses/loyalty/index.ts';
import type { Engine } from '../../data/index.ts';
import { engineTurn } from '../shared/engine-turn.ts';
import { fetchColumns } from './fetch-columns.ts';
import { relationOf } from './run-tables.ts';
import { inThisThread, type ModelThread } from './model-thread.ts';

/**
 * Mean repeat spend to the cent, the Gamma-Gamma groups. A mean of two repeat days is often an
 * exact half cent, and which way a sum of doubles lands at such a tie depends on the order the
 * engine added the days in (not the same on DuckDB and ClickHouse, nor on DuckDB with more
 * threads): a millionth of a cent added first rounds every tie up, whatever the order. DuckDB's
 * `round` halves away from zero (`std::round`); the ClickHouse form writes that out.
 */
const CENT_NUDGE = 1e-6;
const roundCentsSql = (z: string) => `round(${z} * 100 + ${CENT_NUDGE}) / 100`;
const roundCentsCh = (z: string) =>
  `(floor(${z} * 100 + ${CENT_NUDGE}) + if(${z} * 100 + ${CENT_NUDGE} - floor(${z} * 100 + ${CENT_NUDGE}) >= 0.5, 1, 0)) / 100`;

/** A fit as the report shows it: parameters, likelihood, convergence and the data it used. */
export interface FitSummary<P> {
  params: P;
  log_likelihood: number;
  converged: boolean;
  gradient_norm: number;
  iterations: number;
  /** Distinct combinations fitted, and the members they stand for. */
  rows: number;
  members: number;
}

/** The BG/NBD fit with per-combination predictions (joined back to members by (x, t_x, T)). */
export interface BgnbdModel {
  fit: FitSummary<BgNbdParams>;
  combos: { x: Float64Array; tx: Float64Array; T: Float64Array; n: Float64Array };
  pAlive: Float64Array;
  expected: Float64Array;
  /** Discounted expected purchases over the CLV horizon (CLV = expected spend × this). */
  discounted: Float64Array;
}

export const summaryOf = <P>(f: FitResult<P>): FitSummary<P> => ({
  params: f.params,
  log_likelihood: f.logLikelihood,
  converged: f.converged,
  gradient_norm: f.gradientNorm,
  iterations: f.iterations,
  rows: f.rows,
  members: f.members,
});

/** The smallest sample the churn and value models are fitted on (`loyalty.models.min_*`). */
export interface ModelSampleMinimum {
  /** Members with a purchase at least a day old (the BG/NBD is fitted on them). */
  purchasers: number;
  /** Of those, members with a repeat purchase (x > 0): BG/NBD's a, b and Gamma-Gamma rest on them. */
  repeatBuyers: number;
}

/** The fit sample: members fitted on (T > 0) and the repeat buyers among them. */
export interface FitSample {
  purchasers: number;
  repeatBuyers: number;
  /** The latest repeat purchase after a first one, in days (t_x), over the repeat buyers. */
  repeatSpanDays?: number;
  /** The oldest first purchase, in days before the as-of day (T). */
  maxAgeDays?: number;
}

/** Why a sample is too small to fit on, or null when it is large enough. */
export function tooFewForModels(s: FitSample, min: ModelSampleMinimum): string | null {
  if (s.purchasers === 0) return null;
  const short: string[] = [];
  if (s.purchasers < min.purchasers)
    short.push(
      `${s.purchasers} member${s.purchasers === 1 ? '' : 's'} with a purchase at least a day old (loyalty.models.min_purchasers: ${min.purchasers})`,
    );
  if (s.repeatBuyers < min.repeatBuyers)
    short.push(
      `${s.repeatBuyers} repeat buyer${s.repeatBuyers === 1 ? '' : 's'} (loyalty.models.min_repeat_buyers: ${min.repeatBuyers})`,
    );
  return short.length ? `too few members to fit on: ${short.join(' and ')}` : null;
}

const num = (v: number) => (v >= 1e4 || v < 1e-3 ? v.toExponential(2) : v.toPrecision(3));

/** Parameters beyond these ran to the edge of their range: no fit of real purchases lies there. */
const EDGE = { low: 1e-30, high: 1e30 };

/**
 * A BG/NBD fit whose parameters ran to the edge of their range (below 1e-30 or above 1e30, or not
 * finite), converged or not: the likelihood keeps growing towards a boundary instead of settling
 * on credible values, which happens when the purchases show no steady buying rate to extrapolate
 * (the s10 review's loyB: 228 members whose repeat purchases all fell within 1 week of their
 * first, 32 weeks before as-of, gave alpha 1.5e-323 and a, b 4e80, 2e80 after 483 iterations).
 * Says what happened, from `sample` (`BOUNDARY_ADVICE`: what to do). Null when no parameter is at the edge.
 */
export function boundaryBgnbd(p: BgNbdParams, sample?: FitSample): string | null {
  const at = (v: number) => !Number.isFinite(v) || v < EDGE.low || v > EDGE.high;
  if (![p.r, p.alpha, p.a, p.b].some(at)) return null;
  const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  const seen =
    sample && sample.purchasers > 0
      ? ` (${sample.repeatBuyers} of the ${sample.purchasers} members fitted on bought again${
          sample.repeatSpanDays !== undefined && sample.repeatBuyers > 0
            ? `, all within ${days(sample.repeatSpanDays)} of their first purchase`
            : ''
        }${sample.maxAgeDays !== undefined ? `; first purchases up to ${days(sample.maxAgeDays)} old` : ''})`
      : '';
  return (
    `the fit is degenerate: its parameters ran to the edge of their range (r ${num(p.r)}, alpha ${num(p.alpha)}, a ${num(p.a)}, b ${num(p.b)}) ` +
    `instead of settling on credible values, because the purchases show no steady buying rate to extrapolate${seen}`
  );
}

/** What to do about a fit at the edge (`boundaryBgnbd`). */
export const BOUNDARY_ADVICE =
  'fit on a longer purchase history (orders over a longer period, or a later as-of once members have bought again), ' +
  'or check the order dates (a one-off import or a single campaign burst puts every repeat purchase in a few days)';

/**
 * A BG/NBD optimum that says nothing credible about the members: parameters at the edge of their
 * range (`boundaryBgnbd`), or the mean dropout probability after a purchase, a / (a + b), at 0.99
 * or more (every repeat buyer would be gone after their last purchase, P(alive) ≈ 0 however recent
 * it was). The likelihood runs there when the repeat buyers are few and their gaps say little
 * (a = 10,246, b = 9.8e-5 on four members). Null when credible.
 */
export function degenerateBgnbd(p: BgNbdParams, sample?: FitSample): string | null {
  const edge = boundaryBgnbd(p, sample);
  if (edge) return edge;
  const dropout = p.a / (p.a + p.b);
  return dropout >= 0.99
    ? `the fit is degenerate (a ${num(p.a)}, b ${num(p.b)}: a mean dropout of ${(dropout * 100).toFixed(1)}% after every purchase, so every repeat buyer would look lapsed however recent the purchase)`
    : null;
}

/** Days to the models' time unit, weeks (FHL 2005 and lifetimes fit CDNOW in weeks of days / 7). */
const inWeeks = (col: Float64Array) => col.map((d) => d / 7);

/**
 * Members with a purchase as DISTINCT (x, t_x, T) with their count, fitted by ML. t_x and T come
 * in whole days (`lm_purchases`: T = the as-of day − the first purchase day) and are fitted in weeks
 * of days / 7, the published convention: the CDNOW transactions give Fader, Hardie & Lee's fit.
 * `combos` keep the days (members look their row up by them); the predictions are per row.
 */
export async function fitRepeatPurchases(
  engine: Engine,
  opts: { predictionWeeks: number; clvMonths: number; monthlyDiscountRate: number; min: ModelSampleMinimum },
  /** Where the fit and predictions run (a worker thread at scale). */
  models: ModelThread = inThisThread,
): Promise<{ model: BgnbdModel | null; sample: FitSample; tooFew: string | null }> {
  const c = await fetchColumns(
    engine,
    engine.dialect === 'clickhouse'
      ? `SELECT x, tx, t_age AS T, count() AS n FROM ${relationOf(engine)('lm_purchases')} GROUP BY x, tx, T ORDER BY x, tx, T`
      : 'SELECT x, tx, t_age AS T, count(*) AS n FROM lm_purchases GROUP BY 1, 2, 3 ORDER BY 1, 2, 3',
    ['x', 'tx', 'T', 'n'],
  );
  const combos = { x: c.x, tx: c.tx, T: c.T, n: c.n };
  // Members whose first purchase is on the as-of day (T = 0) carry no information on the rates
  // yet: they are scored, not fitted on.
  const sample: FitSample = { purchasers: 0, repeatBuyers: 0 };
  for (let i = 0; i < c.rowCount; i++) {
    if (!(c.T[i] > 0)) continue;
    sample.purchasers += c.n[i];
    sample.maxAgeDays = Math.max(sample.maxAgeDays ?? 0, c.T[i]);
    if (c.x[i] > 0) {
      sample.repeatBuyers += c.n[i];
      sample.repeatSpanDays = Math.max(sample.repeatSpanDays ?? 0, c.tx[i]);
    }
  }
  // No member with a purchase a day old, or too few to fit on (a repeat buyer at least: with
  // every x = 0 the likelihood does not depend on a and b)
  const tooFew =
    tooFewForModels(sample, opts.min) ??
    (sample.purchasers > 0 && sample.repeatBuyers === 0 ? 'no member has a repeat purchase' : null);
  if (sample.purchasers === 0 || tooFew) return { model: null, sample, tooFew };
  const keep = (col: Float64Array) => col.filter((_, i) => c.T[i] > 0);
  const fit = await models.call('fitBgnbd', {
    x: keep(c.x),
    tx: inWeeks(keep(c.tx)),
    T: inWeeks(keep(c.T)),
    weight: keep(c.n),
  });
  // the engine's queue moves between the long steps (see `engineTurn`)
  await engineTurn();
  const weeks = { x: c.x, tx: inWeeks(c.tx), T: inWeeks(c.T) };
  const pred = await models.call('predictBgnbd', fit.params, weeks, opts.predictionWeeks);
  await engineTurn();
  const discounted = await models.call('bgnbdDiscountedPurchases', fit.params, weeks, {
    periodsPerMonth: PERIODS_PER_MONTH.week,
    months: opts.clvMonths,
    monthlyDiscountRate: opts.monthlyDiscountRate,
  });
  const model: BgnbdModel = {
    fit: summaryOf(fit),
    combos,
    pAlive: pred.probabilityAlive,
    expected: pred.expectedPurchases,
    discounted,
  };
  return { model, sample, tooFew: null };
}

/** Gamma-Gamma on repeat buyers' distinct (x, mean repeat spend to the cent), and the independence check. */
export async function fitSpend(
  engine: Engine,
  models: ModelThread = inThisThread,
): Promise<{ fit: FitSummary<GammaGammaParams>; correlation: number | null } | null> {
  const c = await fetchColumns(
    engine,
    engine.dialect === 'clickhouse'
      ? `SELECT x, z, count() AS n FROM (SELECT x, ${roundCentsCh('zbar')} AS z FROM ${relationOf(engine)('lm_purchases')}
         WHERE x > 0 AND zbar > 0) GROUP BY x, z ORDER BY x, z`
      : `SELECT x, ${roundCentsSql('zbar')} AS z, count(*) AS n FROM lm_purchases WHERE x > 0 AND zbar > 0 GROUP BY 1, 2 ORDER BY 1, 2`,
    ['x', 'z', 'n'],
  );
  if (c.rowCount < 2) return null;
  const data = { x: c.x, zbar: c.z, weight: c.n };
  const corr = spendFrequencyCorrelation(data);
  return {
    fit: summaryOf(await models.call('fitGammaGamma', data)),
    correlation: Number.isFinite(corr) ? corr : null,
  };
}

/** Predicted vs actual repeat purchases in the window, per calibration frequency and in total. */
export interface HoldoutCheck {
  weeks: number;
  members: number;
  fit: FitSummary<BgNbdParams>;
  predicted: number;
  actual: number;
  /** (predicted − actual) / actual. */
  relative_error: number | null;
  by_frequency: { x: string; members: number; predicted: number; actual: number }[];
}

/**
 * The model checked on this workspace's data: fitted on the history before the window
 * (calibration), it predicts each member's purchases in the window, compared with what happened
 * (lifetimes' calibration/holdout check). Skipped when the window has too little history before it.
 */
export async function holdoutCheck(
  engine: Engine,
  windowDays: number,
  min: ModelSampleMinimum,
  models: ModelThread = inThisThread,
): Promise<HoldoutCheck | null> {
  const c = await fetchColumns(
    engine,
    engine.dialect === 'clickhouse'
      ? `SELECT x, tx, T, count() AS n, sum(w) AS actual
         FROM (SELECT x_cal AS x, tx_cal AS tx, t_cal AS T, days_window AS w FROM ${relationOf(engine)('lm_purchases')}
               WHERE has_cal = 1 AND t_cal > 0)
         GROUP BY x, tx, T ORDER BY x, tx, T`
      : `SELECT x_cal AS x, tx_cal AS tx, t_cal AS T, count(*) AS n, sum(days_window) AS actual
     FROM lm_purchases WHERE has_cal = 1 AND t_cal > 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    ['x', 'tx', 'T', 'n', 'actual'],
  );
  if (c.rowCount < 5) return null;
  let purchasers = 0;
  let repeatBuyers = 0;
  for (let i = 0; i < c.rowCount; i++) {
    purchasers += c.n[i];
    if (c.x[i] > 0) repeatBuyers += c.n[i];
  }
  // the calibration history is held to the same minimum as the model it checks
  if (repeatBuyers === 0 || tooFewForModels({ purchasers, repeatBuyers }, min)) return null;
  const inWeeksData = { x: c.x, tx: inWeeks(c.tx), T: inWeeks(c.T) };
  const fit = await models.call('fitBgnbd', { ...inWeeksData, weight: c.n });
  const weeks = windowDays / 7;
  const { expectedPurchases } = await models.call('predictBgnbd', fit.params, inWeeksData, weeks);
  const buckets = new Map<string, { members: number; predicted: number; actual: number }>();
  let predicted = 0;
  let actual = 0;
  for (let i = 0; i < c.rowCount; i++) {
    const key = c.x[i] >= 6 ? '6+' : String(c.x[i]);
    const b = buckets.get(key) ?? { members: 0, predicted: 0, actual: 0 };
    b.members += c.n[i];
    b.predicted += expectedPurchases[i] * c.n[i];
    b.actual += c.actual[i];
    buckets.set(key, b);
    predicted += expectedPurchases[i] * c.n[i];
    actual += c.actual[i];
  }
  return {
    weeks,
    members: c.n.reduce((s, v) => s + v, 0),
    fit: summaryOf(fit),
    predicted,
    actual,
    relative_error: actual > 0 ? (predicted - actual) / actual : null,
    by_frequency: [...buckets].map(([x, b]) => ({ x, ...b })),
  };
}
