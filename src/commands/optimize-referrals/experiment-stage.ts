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

const METHODS: readonly Method[] = ['frequentist', 'bayesian', 'sequential'];

/**
 * Per assigned advocate (unit) of the experiments asked for: referrals of the window signed up
 * after the assignment, their conversions, those banded review or reject, and their cost (rewards
 * and incentives net of clawbacks).
 */
function unitsSql(ids: readonly string[], days: number): string {
  const inWindow = (c: string) => `${c} >= 0 AND ${c} < ${days}`;
  return createTableAs(
    'ref_exp_units',
    `SELECT x.experiment_id, x.unit_id, x.variant, count(r.referral_id) AS referrals,
       sum(CASE WHEN ${inWindow('r.d_converted')} AND r.prior_claims = 0 THEN 1 ELSE 0 END) AS conversions,
       sum(CASE WHEN v.band IN ('review', 'reject') THEN 1 ELSE 0 END) AS flagged,
       COALESCE(sum(r.reward_amount - r.clawed_back), 0) AS cost
     FROM assignments x
     LEFT JOIN ref_ref r ON r.advocate_id = x.unit_id AND r.signed_up_at >= x.assigned_at AND ${inWindow('r.d_signup')}
     LEFT JOIN ref_verdicts v ON v.referral_id = r.referral_id
     WHERE lower(x.experiment_id) IN (${ids.map((i) => literal(i.toLowerCase())).join(', ')})
     GROUP BY x.experiment_id, x.unit_id, x.variant`,
  );
}

function definitionOf(
  id: string,
  rows: readonly Row[],
  cfg: ReferralsConfig['experiments'],
): ExperimentDefinition {
  const day = (v: unknown) => (v == null ? undefined : String(v).slice(0, 10));
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
      fraud_rate: { guardrail: true, lowerIsBetter: true, nonInferiorityMargin: cfg.fraud_margin },
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
 * definition or with fewer than two variants exposed are skipped with the reason.
 */
export async function experimentData(
  engine: Engine,
  asked: readonly string[],
  days: number,
  cfg: ReferralsConfig['experiments'],
): Promise<{ data: ExperimentData[]; skipped: SkippedExperiment[]; notes: ExperimentNote[] }> {
  await engine.exec(unitsSql(asked, days));
  const defs = await engine.query<Row>(
    `SELECT * FROM experiments WHERE lower(experiment_id) IN (${asked.map((i) => literal(i.toLowerCase())).join(', ')})`,
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
        `SELECT * FROM ref_exp_units WHERE lower(experiment_id) = ${literal(wanted.toLowerCase())}`,
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
    const control = mine.find((r) => r.is_control === true)?.variant;
    const rows = await engine.query<StatsRow>(
      sufficientStatsSql({
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
      rows: withoutEmptyFraudRate(id, rows, notes),
      multipleExposures: num(multiple),
    });
  }
  return { data, skipped, notes };
}
