import {
  bgnbdDiscountedPurchases,
  fitBgnbd,
  fitGammaGamma,
  PERIODS_PER_MONTH,
  predictBgnbd,
  spendFrequencyCorrelation,
  type BgNbdParams,
  type FitResult,
  type GammaGammaParams,
} from '../../analyses/loyalty/index.ts';
import type { Engine } from '../../data/index.ts';
import { fetchColumns } from './fetch-columns.ts';
import { relationOf } from './run-tables.ts';

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

/** Members with a purchase as DISTINCT (x, t_x, T) in whole weeks with their count, fitted by ML. */
export async function fitRepeatPurchases(
  engine: Engine,
  opts: { predictionWeeks: number; clvMonths: number; monthlyDiscountRate: number },
): Promise<BgnbdModel | null> {
  const c = await fetchColumns(
    engine,
    engine.dialect === 'clickhouse'
      ? `SELECT x, tx, t_age AS T, count() AS n FROM ${relationOf(engine)('lm_purchases')} GROUP BY x, tx, T ORDER BY x, tx, T`
      : 'SELECT x, tx, t_age AS T, count(*) AS n FROM lm_purchases GROUP BY 1, 2, 3 ORDER BY 1, 2, 3',
    ['x', 'tx', 'T', 'n'],
  );
  if (c.rowCount === 0) return null;
  const combos = { x: c.x, tx: c.tx, T: c.T, n: c.n };
  // Members whose first purchase is less than a week old (T = 0 weeks) carry no information on
  // the rates yet: they are scored, not fitted on.
  const keep = (col: Float64Array) => col.filter((_, i) => c.T[i] > 0);
  if (!c.T.some((t) => t > 0)) return null;
  const fit = fitBgnbd({ x: keep(c.x), tx: keep(c.tx), T: keep(c.T), weight: keep(c.n) });
  const pred = predictBgnbd(fit.params, combos, opts.predictionWeeks);
  return {
    fit: summaryOf(fit),
    combos,
    pAlive: pred.probabilityAlive,
    expected: pred.expectedPurchases,
    discounted: bgnbdDiscountedPurchases(fit.params, combos, {
      periodsPerMonth: PERIODS_PER_MONTH.week,
      months: opts.clvMonths,
      monthlyDiscountRate: opts.monthlyDiscountRate,
    }),
  };
}

/** Gamma-Gamma on repeat buyers' distinct (x, mean repeat spend to the cent), and the independence check. */
export async function fitSpend(
  engine: Engine,
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
  return { fit: summaryOf(fitGammaGamma(data)), correlation: Number.isFinite(corr) ? corr : null };
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
export async function holdoutCheck(engine: Engine, windowDays: number): Promise<HoldoutCheck | null> {
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
  const fit = fitBgnbd({ x: c.x, tx: c.tx, T: c.T, weight: c.n });
  const weeks = windowDays / 7;
  const { expectedPurchases } = predictBgnbd(fit.params, { x: c.x, tx: c.tx, T: c.T }, weeks);
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
