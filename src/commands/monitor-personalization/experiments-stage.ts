import type { RolloutGuidance } from '../../analyses/personalization/index.ts';
import type { StageContext } from '../../orchestrator/index.ts';
import {
  reviewExperiments,
  STAT_COLUMNS,
  sufficientStatsSql,
  type ExperimentData,
  type ExperimentReadout,
  type StatsRow,
} from '../shared/experiment-review/index.ts';
import type { AggregateOutput } from './aggregate-stage.ts';
import type { ExperimentDef } from './experiment-defs.ts';
import { guidanceFor } from './experiment-guidance.ts';
import { eventToken, num, scopeOf, type Run } from './run-scope.ts';
import {
  experimentOutcomesSql,
  exposedTableSql,
  metricColumn,
  multipleExposureSql,
  statsRowsOf,
  unitsTable,
  unitsTableSql,
  unitStatsCh,
  variantDailySql,
  type ExperimentScope,
} from './sql/experiment-sql.ts';
import type { Scope } from './sql/scope-sql.ts';

/** One experiment's readout with its rollout guidance (or why it has none). */
export interface ExperimentMemoOut {
  id: string;
  name: string;
  rule: string | null;
  status: 'not started' | 'live' | 'completed';
  start: string | null;
  end: string | null;
  /** Planned share per variant (normalised), control first. */
  planned: { variant: string; share: number }[];
  multiple_exposures: number;
  readout: ExperimentReadout | null;
  guidance: RolloutGuidance | null;
  /** Why there is no readout (not started, no exposures, one variant only). */
  no_readout: string | null;
}

export interface ExperimentsOutput {
  memos: ExperimentMemoOut[];
  /** Exposures per experiment, variant and day (running experiments), for variant suppression. */
  daily: { experiment: string; variant: string; day: string; exposures: number }[];
}

const METRIC_NAMES = new Set(['conversion_rate', 'engagement_rate', 'revenue_per_user']);
const metricName = (m: string) => (METRIC_NAMES.has(m) ? m : eventToken(m));

/** What the queries of an experiment need: its rule, variants, window and metric columns. */
export function scopeOfExperiment(def: ExperimentDef, index: number, windowEnd: string): ExperimentScope {
  const names = [
    ...new Set(
      [...(def.primary.length ? def.primary : ['conversion_rate']), ...def.guardrails].map(metricName),
    ),
  ];
  return {
    index,
    rule: def.rule ?? '',
    variants: def.variants.map((v) => v.name),
    start: def.start ?? windowEnd,
    stop: def.end && def.end < windowEnd ? def.end : windowEnd,
    metrics: names.map((name, i) => ({ name, type: 'proportion', column: `m${i}` })),
  };
}

/** Sufficient statistics of one experiment through the shared review's SQL, and its multiple exposures. */
async function experimentData(run: Run, s: Scope, def: ExperimentDef, e: ExperimentScope) {
  const engine = await run.engine();
  await engine.exec(exposedTableSql(s, e));
  await engine.exec(unitsTableSql(s, e));
  const [{ users: multiple }] = await engine.query(multipleExposureSql(s, e));
  const metrics = e.metrics.map((m) => ({
    name: m.name,
    type: metricColumn(s, m.name).type,
    valueColumn: m.column,
  }));
  // one row per unit already: the statistics per variant (ClickHouse: one row per variant with
  // every metric's sums, laid out as DuckDB's query lays them out)
  const rows =
    s.q.name === 'clickhouse'
      ? statsRowsOf(
          await engine.query(
            unitStatsCh(
              s,
              e,
              metrics.map((m) => m.type),
            ),
          ),
          metrics,
          def.control,
          STAT_COLUMNS,
        )
      : ((await engine.query(
          sufficientStatsSql({
            table: unitsTable(e),
            variantColumn: 'variant',
            metrics,
            controlVariant: def.control,
            // revenue and 0/1 flags: the same statistics on every run
            exactAmounts: true,
          }),
        )) as StatsRow[]);
  const metricsOpts = Object.fromEntries(
    e.metrics.map((m) => {
      const cfg = run.ws.personalization.metrics[m.name] ?? {};
      return [
        m.name,
        {
          guardrail:
            def.guardrails.map(metricName).includes(m.name) && !def.primary.map(metricName).includes(m.name),
          lowerIsBetter: cfg.lower_is_better ?? false,
          nonInferiorityMargin: cfg.non_inferiority_margin ?? 0,
        },
      ];
    }),
  );
  const data: ExperimentData = {
    def: {
      id: def.id,
      name: def.name,
      weights: Object.fromEntries(def.variants.map((v) => [v.name, v.weight])),
      metrics: metricsOpts,
      method: def.method ?? run.ws.personalization.experiments.method,
      start: def.start?.slice(0, 10),
      end: def.end?.slice(0, 10),
      plannedDays:
        def.start && def.end
          ? Math.round((Date.parse(def.end) - Date.parse(def.start)) / 86_400_000)
          : undefined,
    },
    rows: rows.map((r) => ({
      ...r,
      metric: String(r.metric),
      type: String(r.type),
      variant: String(r.variant),
    })),
    multipleExposures: num(multiple),
  };
  return data;
}

/**
 * The experiment branch: for each experiment of the initiative, its exposures (the decisions of
 * its rule in its window) and outcomes reduced to per-unit statistics, read out by the shared
 * experiment review (frequentist, Bayesian or sequential per experiment; SRM, multiple exposure,
 * guardrails), with rollout guidance on top.
 */
export async function experimentsStage(
  ctx: StageContext,
  run: Run,
  a: AggregateOutput,
): Promise<ExperimentsOutput> {
  const engine = await run.engine();
  const s = scopeOf(run, engine, a.initiativeKeys);
  const nowMs = Date.parse(run.inputs.window.end);
  const memos: ExperimentMemoOut[] = [];
  const data: { def: ExperimentDef; d: ExperimentData }[] = [];
  const daily: ExperimentsOutput['daily'] = [];
  for (const [i, def] of a.experiments.entries()) {
    const e = scopeOfExperiment(def, i, run.inputs.window.end);
    const memo = baseMemo(def, nowMs);
    if (memo.status === 'not started' || !def.rule) {
      memos.push({ ...memo, no_readout: def.rule ? 'not started' : 'no rule (subject) names its exposures' });
      continue;
    }
    ctx.progress(`experiment ${def.id}`);
    const d = await experimentData(run, s, def, e);
    const variants = new Set(d.rows.map((r) => r.variant));
    const noOutcomes = await noOutcomesIn(run, s, e);
    if (noOutcomes)
      memos.push({ ...memo, multiple_exposures: d.multipleExposures ?? 0, no_readout: noOutcomes });
    else if (variants.size < 2)
      memos.push({
        ...memo,
        multiple_exposures: d.multipleExposures ?? 0,
        no_readout: `exposures in ${variants.size} variant${variants.size === 1 ? '' : 's'} only`,
      });
    else data.push({ def, d });
    if (memo.status === 'live')
      for (const r of await engine.query(variantDailySql(s, e)))
        daily.push({
          experiment: def.id,
          variant: String(r.variant),
          day: String(r.day),
          exposures: num(r.exposures),
        });
  }
  const review = reviewExperiments(
    ctx,
    run as never,
    data.map((x) => x.d),
    [],
    run.ws.personalization.owners.experiments,
  );
  const settings = run.ws.personalization.experiments;
  review.readouts.forEach((readout, k) => {
    const { def, d } = data[k];
    memos.push({
      ...baseMemo(def, nowMs),
      multiple_exposures: d.multipleExposures ?? 0,
      readout,
      guidance: guidanceFor(def, readout, d.rows, nowMs, {
        minimumDetectableEffect: settings.minimum_detectable_effect,
        power: settings.power,
        rampSteps: settings.ramp_steps,
      }),
    });
  });
  const order = new Map(a.experiments.map((x, i) => [x.id, i]));
  memos.sort((x, y) => (order.get(x.id) ?? 0) - (order.get(y.id) ?? 0));
  return { memos, daily };
}

/**
 * Why an experiment has nothing to read out when no outcome row falls in its window (no outcomes
 * source, an empty export, or outcomes that stop before it or start after it): its arms would all
 * read 0 and the memo "no evidence either way (0 % in both)", a measurement there was none of. Null
 * when outcomes are there (an arm without conversions then reads 0: evidence).
 */
async function noOutcomesIn(run: Run, s: Scope, e: ExperimentScope): Promise<string | null> {
  const sources = run.ws.sources.filter((x) => x.entity === 'outcomes').map((x) => x.name);
  if (!sources.length) return 'no outcomes source in gtm.yaml (entity: outcomes): no metric to read out';
  const [{ n }] = await (await run.engine()).query(experimentOutcomesSql(s, e));
  if (num(n) > 0) return null;
  const to = new Date(Date.parse(e.stop) - 1).toISOString().slice(0, 10);
  return `no outcome rows in ${sources.join(', ')} from ${e.start.slice(0, 10)} to ${to} (its exposures so far): no metric to read out`;
}

function baseMemo(def: ExperimentDef, nowMs: number): ExperimentMemoOut {
  const start = def.start ? Date.parse(def.start) : null;
  const end = def.end ? Date.parse(def.end) : null;
  const total = def.variants.reduce((x, v) => x + v.weight, 0) || 1;
  return {
    id: def.id,
    name: def.name,
    rule: def.rule,
    status:
      start === null || nowMs < start ? 'not started' : end !== null && end < nowMs ? 'completed' : 'live',
    start: def.start,
    end: def.end,
    planned: def.variants.map((v) => ({ variant: v.name, share: v.weight / total })),
    multiple_exposures: 0,
    readout: null,
    guidance: null,
    no_readout: null,
  };
}
