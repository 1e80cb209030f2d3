import type { Method } from '../../analyses/experiments/index.ts';
import { literal, type Engine, type Row } from '../../data/index.ts';
import type { ReferralsConfig } from '../../workspace/index.ts';
import {
  sufficientStatsSql,
  type ExperimentData,
  type ExperimentDefinition,
  type StatsRow,
  type SufficientStatsMetric,
} from '../shared/experiment-review/index.ts';
import { STAT_COLUMNS } from '../shared/experiment-review/sufficient-stats-sql.ts';
import { defaultControl } from '../../analyses/experiments/default-control.ts';
import { createTableAs } from './sql/sql-fns.ts';
import { num } from './query-numbers.ts';

/**
 * The readout's metrics: referred conversions per advocate; as guardrails, the fraud rate (referrals
 * banded review or reject / referrals) and the cost per referred customer (rewards and incentives
 * net of clawbacks / conversions).
 */
export const EXPERIMENT_METRICS: readonly SufficientStatsMetric[] = [
  { name: 'referred_conversions', type: 'mean', valueColumn: 'conversions' },
  { name: 'fraud_rate', type: 'ratio', numeratorColumn: 'flagged', denominatorColumn: 'referrals' },
  {
    name: 'cost_per_referred_customer',
    type: 'ratio',
    numeratorColumn: 'cost',
    denominatorColumn: 'conversions',
  },
];

/** Experiments asked for that cannot be read out, and why. */
export interface SkippedExperiment {
  id: string;
  reason: string;
}

/** A metric left out of a readout, and why. */
export interface ExperimentNote {
  id: string;
  metric: string;
  note: string;
}

/**
 * A fraud-rate guardrail with no flagged referral in any arm has nothing to estimate (zero
 * variance, and a relative difference from 0 is undefined): it holds trivially, so it is left
 * out of the readout rather than blocking the decision, with a note.
 */
function withoutEmptyFraudRate(id: string, rows: StatsRow[], notes: ExperimentNote[]): StatsRow[] {
  const fraud = rows.filter((r) => r.metric === 'fraud_rate');
  if (!fraud.length || fraud.some((r) => num(r.num_sum) > 0)) return rows;
  notes.push({
    id,
    metric: 'fraud_rate',
    note: 'no referral of any arm was banded review or reject: the guardrail holds and is not estimated',
  });
  return rows.filter((r) => r.metric !== 'fraud_rate');
}

/**
 * A cost guardrail whose every arm cost exactly the same per referred customer (a flat reward per
 * customer, in a test of the message or the landing page rather than of the reward) has nothing
 * to estimate either: zero variance and no difference, so no test can show non-inferiority and
 * the readout kept the test running for ever. It holds trivially: left out with a note, as the
 * empty fraud rate is. Per arm, the units' cost is exactly r × conversions (r = Σ cost / Σ
 * conversions) when Σ (cost − r·conversions)² = Σ cost² − 2r Σ cost·conversions + r² Σ conversions²
 * is 0 (to rounding), with the same r in every arm.
 */
function withoutFlatCost(id: string, rows: StatsRow[], notes: ExperimentNote[]): StatsRow[] {
  const cost = rows.filter((r) => r.metric === 'cost_per_referred_customer');
  if (cost.length < 2) return rows;
  const ratios: number[] = [];
  for (const r of cost) {
    const [a, aa, b, bb, ab] = [
      r.num_sum,
      r.num_sum_squares,
      r.den_sum,
      r.den_sum_squares,
      r.num_den_sum_product,
    ].map((x) => num(x));
    if (!(b > 0)) return rows;
    const ratio = a / b;
    const residual = aa - 2 * ratio * ab + ratio * ratio * bb;
    if (Math.abs(residual) > 1e-9 * Math.max(1, aa)) return rows;
    ratios.push(ratio);
  }
  if (ratios.some((x) => Math.abs(x - ratios[0]) > 1e-9 * Math.max(1, Math.abs(ratios[0])))) return rows;
  notes.push({
    id,
    metric: 'cost_per_referred_customer',
    note: `every arm cost exactly ${Number(ratios[0].toFixed(6))} per referred customer: the guardrail holds and is not estimated`,
  });
  return rows.filter((r) => r.metric !== 'cost_per_referred_customer');
}

const METHODS: readonly Method[] = ['frequentist', 'bayesian', 'sequential'];

/**
 * Per assigned advocate (unit) of the experiments asked for: referrals of the window signed up
 * after the assignment, their conversions, those banded review or reject, and their cost (rewards
 * and incentives net of clawbacks). Advocate ids are matched ignoring case (the referral entities
 * lower-case them): an assignment's unit id, kept as written by the shared entity, is lower-cased
 * here, and spellings of one unit that differ only by case are one unit (its first assignment to
 * each variant).
 */
function unitsSql(ids: readonly string[], days: number): string {
  const inWindow = (c: string) => `${c} >= 0 AND ${c} < ${days}`;
  const assigned = `(SELECT experiment_id, lower(unit_id) AS unit_id, variant, min(assigned_at) AS assigned_at
       FROM assignments GROUP BY experiment_id, lower(unit_id), variant)`;
  return createTableAs(
    'ref_exp_units',
    `SELECT x.experiment_id, x.unit_id, x.variant, count(r.referral_id) AS referrals,
       sum(CASE WHEN ${inWindow('r.d_converted')} AND r.prior_claims = 0 THEN 1 ELSE 0 END) AS conversions,
       sum(CASE WHEN v.band IN ('review', 'reject') THEN 1 ELSE 0 END) AS flagged,
       COALESCE(sum(r.reward_amount - r.clawed_back), 0) AS cost
     FROM ${assigned} x
     LEFT JOIN ref_ref r ON r.advocate_id = x.unit_id AND r.signed_up_at >= x.assigned_at AND ${inWindow('r.d_signup')}
     LEFT JOIN ref_verdicts v ON v.referral_id = r.referral_id
     WHERE lower(x.experiment_id) IN (${ids.map((i) => literal(i.toLowerCase())).join(', ')})
     GROUP BY x.experiment_id, x.unit_id, x.variant`,
  );
}

/** `unitsSql` on ClickHouse 18.16: the time condition of the join as conditional sums after an equality join. */
function unitsSqlCh(ids: readonly string[], days: number): string {
  const d = 'clickhouse' as const;
  const inWindow = (c: string) => `${c} >= 0 AND ${c} < ${days}`;
  const hit = `ifNull(r_at >= x_at, 0)`;
  return createTableAs(
    'ref_exp_units',
    `SELECT experiment_id, unit_id, variant, countIf(${hit}) AS referrals,
       sumIf(r_conv, ${hit}) AS conversions, sumIf(r_flag, ${hit}) AS flagged, sumIf(r_cost, ${hit}) AS cost FROM
       (SELECT experiment_id, x_unit AS unit_id, variant, min(assigned_at) AS x_at
        FROM (SELECT experiment_id, lowerUTF8(unit_id) AS x_unit, variant, assigned_at FROM assignments
              WHERE lowerUTF8(experiment_id) IN (${ids.map((i) => literal(i.toLowerCase(), d)).join(', ')}))
        GROUP BY experiment_id, x_unit, variant)
       ALL LEFT JOIN (
         SELECT unit_id, r_at, r_conv, r_cost, if(ifNull(band IN ('review', 'reject'), 0), 1, 0) AS r_flag FROM
           (SELECT referral_id, advocate_id AS unit_id, signed_up_at AS r_at,
              if(ifNull(${inWindow('d_converted')} AND prior_claims = 0, 0), 1, 0) AS r_conv,
              reward_amount - clawed_back AS r_cost FROM ref_ref WHERE ${inWindow('d_signup')})
           ALL LEFT JOIN (SELECT referral_id, band FROM ref_verdicts) USING referral_id) USING unit_id
     GROUP BY experiment_id, unit_id, variant`,
    d,
  );
}

/**
 * `sufficientStatsSql` on ClickHouse 18.16 (which has no WITH): the per-unit sums nested in each
 * metric's SELECT; the same rows, columns and order.
 */
function sufficientStatsSqlCh(
  table: string,
  metrics: readonly SufficientStatsMetric[],
  control?: string,
): string {
  const f = (c: string) => `toFloat64(coalesce(${c}, 0))`;
  // one row per unit, as DuckDB's `sufficientStatsSql` with a unit column: a unit assigned to
  // several variants is left out (a multiple exposure, counted apart)
  const sums = ['conversions', 'flagged', 'referrals', 'cost'];
  const units = `(SELECT gtm_variant AS variant, ${sums.map((c) => `u_${c}`).join(', ')} FROM
       (SELECT if(countIf(isNull(variant)) > 0, NULL, min(variant)) AS gtm_variant, uniqExact(variant) AS gtm_variants,
          ${sums.map((c) => `sum(${f(c)}) AS u_${c}`).join(', ')}
        FROM ${table} GROUP BY unit_id)
     WHERE gtm_variants <= 1)`;
  const nul = 'CAST(NULL AS Nullable(Float64))';
  const stat = (x: string) => `toNullable(toFloat64(sum(${x})))`;
  const selects = metrics.map((m, i) => {
    const exprs: Record<string, string> = {};
    if (m.type === 'ratio') {
      const [a, b] = [`u_${m.numeratorColumn}`, `u_${m.denominatorColumn}`];
      Object.assign(exprs, {
        num_sum: stat(a),
        num_sum_squares: stat(`${a} * ${a}`),
        den_sum: stat(b),
        den_sum_squares: stat(`${b} * ${b}`),
        num_den_sum_product: stat(`${a} * ${b}`),
      });
    } else {
      const y = m.type === 'proportion' ? `if(u_${m.valueColumn} <> 0, 1, 0)` : `u_${m.valueColumn}`;
      Object.assign(exprs, { sum: stat(y), sum_squares: stat(`${y} * ${y}`) });
    }
    return `SELECT ${i} AS metric_order, ${literal(m.name, 'clickhouse')} AS metric, ${literal(m.type, 'clickhouse')} AS type,
       toString(variant) AS variant, toInt64(count()) AS n,
       ${STAT_COLUMNS.map((c) => `${exprs[c] ?? nul} AS ${c}`).join(', ')}
     FROM ${units} GROUP BY variant`;
  });
  const order = control === undefined ? '' : `if(variant = ${literal(control, 'clickhouse')}, 0, 1), `;
  return `SELECT metric, type, variant, n, ${STAT_COLUMNS.join(', ')} FROM (${selects.join('\nUNION ALL\n')})
    ORDER BY metric_order, ${order}variant`;
}

function definitionOf(
  id: string,
  rows: readonly Row[],
  cfg: ReferralsConfig['experiments'],
): ExperimentDefinition {
  // a time is an ISO text on DuckDB, epoch milliseconds on ClickHouse
  const day = (v: unknown) =>
    v == null ? undefined : (typeof v === 'number' ? new Date(v).toISOString() : String(v)).slice(0, 10);
  const method = rows.map((r) => r.method).find((m) => METHODS.includes(m as Method)) as Method | undefined;
  const start = rows
    .map((r) => day(r.start_at))
    .filter(Boolean)
    .sort()[0];
  const end = rows
    .map((r) => day(r.end_at))
    .filter(Boolean)
    .sort()
    .reverse()[0];
  return {
    id,
    name: rows.map((r) => r.name).find((n) => n != null) as string | undefined,
    weights: Object.fromEntries(
      rows.filter((r) => r.weight != null).map((r) => [String(r.variant), num(r.weight)]),
    ),
    metrics: {
      fraud_rate: {
        guardrail: true,
        lowerIsBetter: true,
        nonInferiorityMargin: cfg.fraud_margin,
        absoluteMargin: cfg.fraud_margin_floor,
      },
      cost_per_referred_customer: {
        guardrail: true,
        lowerIsBetter: true,
        nonInferiorityMargin: cfg.cost_margin,
      },
    },
    ...(method ? { method } : {}),
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
  };
}

/**
 * The incentive tests asked for with `--experiments`, reduced in the engine to sufficient
 * statistics per variant (`sufficientStatsSql`) for the shared experiment review; tests without a
 * definition or with fewer than two variants exposed are skipped with the reason. The control is
 * the variant flagged `is_control`, else one named control, holdout, baseline or original
 * (`defaultControl`), else the first in sort order.
 */
export async function experimentData(
  engine: Engine,
  asked: readonly string[],
  days: number,
  cfg: ReferralsConfig['experiments'],
): Promise<{ data: ExperimentData[]; skipped: SkippedExperiment[]; notes: ExperimentNote[] }> {
  const d = engine.dialect;
  await engine.exec(d === 'clickhouse' ? unitsSqlCh(asked, days) : unitsSql(asked, days));
  const defs = await engine.query<Row>(
    d === 'clickhouse'
      ? `SELECT * FROM experiments WHERE lowerUTF8(experiment_id) IN (${asked.map((i) => literal(i.toLowerCase(), d)).join(', ')})`
      : `SELECT * FROM experiments WHERE lower(experiment_id) IN (${asked.map((i) => literal(i.toLowerCase())).join(', ')})`,
  );
  const data: ExperimentData[] = [];
  const skipped: SkippedExperiment[] = [];
  const notes: ExperimentNote[] = [];
  for (const wanted of asked) {
    const mine = defs.filter((r) => String(r.experiment_id).toLowerCase() === wanted.toLowerCase());
    const id = mine.length ? String(mine[0].experiment_id) : wanted;
    await engine.exec(
      createTableAs(
        'ref_exp_one',
        d === 'clickhouse'
          ? `SELECT * FROM ref_exp_units WHERE lowerUTF8(experiment_id) = ${literal(wanted.toLowerCase(), d)}`
          : `SELECT * FROM ref_exp_units WHERE lower(experiment_id) = ${literal(wanted.toLowerCase())}`,
        d,
      ),
    );
    const variants = await engine.query<Row>('SELECT DISTINCT variant FROM ref_exp_one');
    if (variants.length < 2) {
      skipped.push({
        id,
        reason: variants.length ? 'only one variant has assigned advocates' : 'no assignments',
      });
      continue;
    }
    // a boolean is true on DuckDB, 1 on ClickHouse; without one, a variant named like a control
    // (control, holdout, baseline, original), else the SQL's first in sort order
    const named = defaultControl(variants.map((r) => String(r.variant)).sort());
    const control =
      mine.find((r) => r.is_control === true || r.is_control === 1)?.variant ??
      (named.chosen_by === 'name' ? named.variant : undefined);
    const rows = await engine.query<StatsRow>(
      d === 'clickhouse'
        ? sufficientStatsSqlCh(
            'ref_exp_one',
            EXPERIMENT_METRICS,
            control == null ? undefined : String(control),
          )
        : sufficientStatsSql({
            table: 'ref_exp_one',
            variantColumn: 'variant',
            unitColumn: 'unit_id',
            metrics: EXPERIMENT_METRICS,
            ...(control != null ? { controlVariant: String(control) } : {}),
          }),
    );
    const [{ multiple }] = await engine.query<Row>(
      `SELECT count(*) AS multiple FROM (SELECT unit_id FROM ref_exp_one GROUP BY unit_id HAVING count(DISTINCT variant) > 1) t`,
    );
    data.push({
      def: definitionOf(id, mine, cfg),
      rows: withoutFlatCost(id, withoutEmptyFraudRate(id, rows, notes), notes),
      multipleExposures: num(multiple),
    });
  }
  return { data, skipped, notes };
}
