import { incrementalRevenueVsHoldout, type IncrementalRevenue } from '../../analyses/loyalty/index.ts';
import { literal, type Engine } from '../../data/index.ts';
import type { StageContext } from '../../orchestrator/index.ts';
import type { KitRun } from '../kit/index.ts';
import { defaultControl } from '../../analyses/experiments/default-control.ts';
import {
  nextTestFor,
  reviewExperiments,
  sufficientStatsSql,
  type ExperimentData,
  type ExperimentDefinition,
  type ExperimentReadout,
  type ExperimentReview,
  type StatsRow,
} from '../shared/experiment-review/index.ts';
import type { MonitorLoyaltyContext } from './inputs.ts';
import { makeTables, relationOf } from './run-tables.ts';
import {
  EXPOSURE_COUNTS_SQL,
  exposureCountsCh,
  experimentUnitsCh,
  experimentUnitsSql,
  holdoutArmsCh,
  holdoutArmsSql,
  reviewStatsCh,
} from './sql/experiment-units-sql.ts';

/** The incremental revenue of a campaign against its holdout. */
export interface HoldoutLift {
  experiment_id: string;
  holdout_units: number;
  treated_units: number;
  estimate: IncrementalRevenue;
}

export interface ExperimentsOutput extends ExperimentReview {
  incremental: HoldoutLift[];
  /** Units assigned to more than one variant (left out), per experiment. */
  multiple_exposures: Record<string, number>;
}

type Run = KitRun<MonitorLoyaltyContext>;

export type DefRow = {
  experiment_id: string;
  name: string | null;
  variant: string;
  weight: number | null;
  is_control: boolean | number | null;
  start_at: string | null;
  end_at: string | null;
  method: string | null;
};

/**
 * A roll back is not recommended from an arm below the minimum sample (`enough_sample: false`): a
 * guardrail "violated" on 3 members against 3 is noise as often as harm. Such a readout (and each
 * such variant) keeps running, its reasons led by "inconclusive: too few units" with the counts and
 * kept after it; a ship is already held back by the engine until the minimum.
 */
export function noRollBackOnTooFew(r: ExperimentReadout): ExperimentReadout {
  if (r.health.enough_sample) return r;
  const why = `inconclusive: too few units (the smallest arm has ${r.health.smallest_arm}, the minimum is ${r.health.min_sample_size}): no roll back is recommended from this result; keep the test running`;
  const variants = r.recommendation.variants.map((v) =>
    v.action === 'roll back' ? { ...v, action: 'keep running' as const, reasons: [why, ...v.reasons] } : v,
  );
  if (r.recommendation.action !== 'roll back' && variants.every((v, i) => v === r.recommendation.variants[i]))
    return r;
  const recommendation =
    r.recommendation.action === 'roll back'
      ? {
          ...r.recommendation,
          action: 'keep running' as const,
          variant: null,
          reasons: [why, ...r.recommendation.reasons],
          variants,
        }
      : { ...r.recommendation, variants };
  const out = { ...r, recommendation };
  return { ...out, next_test: nextTestFor(out, r.name) };
}

/** The experiments source's rows, one per experiment and variant, in sort order. */
export const EXPERIMENT_DEFS_SQL = (rel: (entity: string) => string): string =>
  `SELECT experiment_id, name, variant, weight, is_control, start_at, end_at, method FROM ${rel('experiments')} ORDER BY experiment_id, variant`;

/**
 * Experiment definitions from the experiments source (rows in sort order), with the guardrails on
 * liability and margin, and each one's control: the variant flagged `is_control`, else the one
 * named like the first of `holdout_variants` present (`defaultControl`: the configured priority,
 * any case, trimmed), else the first variant.
 */
export function definitionsOf(
  rows: DefRow[],
  cfg: MonitorLoyaltyContext['config']['experiments'],
): Map<string, { def: ExperimentDefinition; control: string }> {
  const out = new Map<string, { def: ExperimentDefinition; control: string }>();
  for (const id of [...new Set(rows.map((r) => r.experiment_id))]) {
    const mine = rows.filter((r) => r.experiment_id === id);
    // a boolean on DuckDB, 0/1 on ClickHouse
    const flagged = mine.find((r) => r.is_control === true || Number(r.is_control) === 1);
    const control =
      flagged?.variant ??
      defaultControl(
        mine.map((r) => r.variant),
        cfg.holdout_variants,
      ).variant;
    const day = (v: string | null) => (v ? String(v).slice(0, 10) : undefined);
    const method = mine.find((r) => r.method)?.method as ExperimentDefinition['method'] | undefined;
    out.set(id, {
      control,
      def: {
        id,
        name: mine.find((r) => r.name)?.name ?? id,
        weights: Object.fromEntries(mine.map((r) => [r.variant, r.weight ?? 1])),
        metrics: {
          points_liability: {
            guardrail: true,
            lowerIsBetter: true,
            nonInferiorityMargin: cfg.liability_margin,
          },
          margin: { guardrail: true, nonInferiorityMargin: cfg.margin_margin },
        },
        ...(method ? { method } : {}),
        start: day(mine.find((r) => r.start_at)?.start_at ?? null),
        end: day(mine.find((r) => r.end_at)?.end_at ?? null),
      },
    });
  }
  return out;
}

async function statsOf(engine: Engine, id: string, control: string): Promise<StatsRow[]> {
  if (engine.dialect === 'clickhouse')
    return engine.query<StatsRow>(reviewStatsCh(id, control, relationOf(engine)));
  await engine.exec(
    `CREATE OR REPLACE TABLE lm_exp_one AS SELECT * FROM lm_exp_units WHERE experiment_id = ${literal(id)}`,
  );
  return engine.query<StatsRow>(
    sufficientStatsSql({
      table: 'lm_exp_one',
      variantColumn: 'variant',
      controlVariant: control,
      // amounts and a 0/1 flag: the same statistics on every run
      exactAmounts: true,
      metrics: [
        { name: 'revenue', type: 'mean', valueColumn: 'revenue' },
        { name: 'purchased', type: 'proportion', valueColumn: 'purchased' },
        // liability per unit of revenue: a campaign that sells more without richer points is not penalised
        {
          name: 'points_liability',
          type: 'ratio',
          numeratorColumn: 'points_liability',
          denominatorColumn: 'revenue',
        },
        { name: 'margin', type: 'mean', valueColumn: 'margin' },
      ],
    }),
  );
}

async function holdoutLift(engine: Engine, id: string, holdouts: string[]): Promise<HoldoutLift | null> {
  const arms = await engine.query<{ arm: string; n: number; sum: number; sum_squares: number }>(
    engine.dialect === 'clickhouse'
      ? holdoutArmsCh(id, holdouts, relationOf(engine))
      : holdoutArmsSql(id, holdouts),
  );
  const h = arms.find((a) => a.arm === 'holdout');
  const t = arms.find((a) => a.arm === 'treated');
  if (!h || !t) return null;
  const arm = (a: typeof h) => ({ n: Number(a.n), sum: Number(a.sum), sumSquares: Number(a.sum_squares) });
  return {
    experiment_id: id,
    holdout_units: Number(h.n),
    treated_units: Number(t.n),
    estimate: incrementalRevenueVsHoldout(arm(t), arm(h)),
  };
}

/**
 * Experiment review: each campaign test's members reduced to sufficient statistics in the engine
 * (revenue, purchase, the points liability the campaign creates and the margin after it), read out
 * by the shared statistics engine with the liability and margin guardrails and a next test; and the
 * incremental revenue against the holdout where a test has one.
 */
export async function reviewLoyaltyExperiments(ctx: StageContext, run: Run): Promise<ExperimentsOutput> {
  const engine = await run.engine();
  const cfg = run.inputs.config;
  const ch = engine.dialect === 'clickhouse';
  const rel = relationOf(engine);
  const unitOpts = {
    end: run.inputs.window.end,
    valuePerPoint: cfg.value_per_point,
    marginRate: cfg.experiments.margin_rate,
  };
  if (ch) await makeTables(engine, experimentUnitsCh(unitOpts));
  else for (const s of experimentUnitsSql(unitOpts)) await engine.exec(s);
  const rows = await engine.query<DefRow>(EXPERIMENT_DEFS_SQL(rel));
  // times on ClickHouse are epoch milliseconds: as ISO instants, as DuckDB's rows give them
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());
  const defs = definitionsOf(
    ch ? rows.map((r) => ({ ...r, start_at: iso(r.start_at), end_at: iso(r.end_at) })) : rows,
    cfg.experiments,
  );
  const counts = await engine.query<{
    experiment_id: string;
    units: number;
    multiple: number;
    member_units: number;
  }>(ch ? exposureCountsCh(rel) : EXPOSURE_COUNTS_SQL);
  const asked = run.inputs.inputs.experiments ?? [];
  // Without --experiments: the tests whose units are mostly loyalty members (the experiments
  // entity is shared with the other monitoring commands).
  const wantedIds = counts
    .filter((c) =>
      asked.length
        ? asked.some((a) => a.toLowerCase() === c.experiment_id.toLowerCase())
        : Number(c.member_units) >= 0.5 * (Number(c.units) + Number(c.multiple)),
    )
    .map((c) => c.experiment_id)
    .filter((id) => defs.has(id));
  const data: ExperimentData[] = [];
  const incremental: HoldoutLift[] = [];
  for (const id of wantedIds) {
    const { def, control } = defs.get(id)!;
    const multiple = Number(counts.find((c) => c.experiment_id === id)?.multiple ?? 0);
    const stats = await statsOf(engine, id, control);
    if (new Set(stats.map((r) => r.variant)).size < 2) {
      ctx.note(`experiment ${id}: fewer than two variants with members; not read out`);
      continue;
    }
    data.push({ def, rows: stats, multipleExposures: multiple });
    const lift = await holdoutLift(engine, id, cfg.experiments.holdout_variants);
    if (lift) incremental.push(lift);
  }
  const review = reviewExperiments(ctx, run, data, asked, cfg.owners.experiments);
  return {
    ...review,
    readouts: review.readouts.map(noRollBackOnTooFew),
    incremental,
    multiple_exposures: Object.fromEntries(counts.map((c) => [c.experiment_id, Number(c.multiple)])),
  };
}
