import {
  canonicalReason,
  performanceBySegment,
  type PerformanceResult,
} from '../../analyses/personalization/index.ts';
import type { Engine } from '../../data/index.ts';
import { GtmError } from '../../errors/index.ts';
import type { StageContext } from '../../orchestrator/index.ts';
import { experimentDefs, experimentsOf, type ExperimentDef } from './experiment-defs.ts';
import { unknownInitiative } from './inputs.ts';
import { num, scopeOf, str, type Run } from './run-scope.ts';
import { decisionsIn, type Scope } from './sql/scope-sql.ts';
import {
  dailyKpiSql,
  dailyVolumeSql,
  decisionTotalsSql,
  initiativeRulesSql,
  initiativesSql,
  kpiLatestSql,
  latestSql,
  performanceSql,
  rulePerformanceTableSql,
  ruleUsersTableSql,
  usersTableSql,
  userPerformanceTableSql,
  windowReasonsSql,
} from './sql/aggregate-sql.ts';
import { experimentsSql } from './sql/experiment-sql.ts';

/** Decisions of the initiative above which the daily KPI series are computed on a sample of users. */
export const KPI_SAMPLE_DECISIONS = 2_000_000;

export interface DailyKpiRow {
  day: string;
  users: number;
  engaged: number;
  converters: number;
  revenue: number;
}

/** What the aggregation hands to governance, experiments and issue detection. */
export interface AggregateOutput {
  /** The initiative as the data names it (every spelling matched), null = all. */
  initiative: { name: string | null; matched: string[]; decisions_all_time: number };
  /** The initiative's spellings in the data, which the queries filter on; null = every initiative. */
  initiativeKeys: string[] | null;
  totals: { decisions: number; users: number; rules: number };
  /** The daily KPIs were computed on users whose id hashes to 1 in this many (1 = all users). */
  kpi_sample_every: number;
  performance: PerformanceResult;
  daily: DailyKpiRow[];
  volume: { entity: string; source: string; day: string; n: number }[];
  latest: { entity: string; source: string; latest: string | null; n: number }[];
  kpiLatest: { engagement: string | null; conversion: string | null; revenue: string | null };
  /** Rules that ever served the initiative. */
  rules: string[];
  experiments: ExperimentDef[];
}

/** The initiative's spellings in the data, checked against the flag and gtm.yaml (did-you-mean). */
async function matchInitiative(run: Run, engine: Engine) {
  const rows = await engine.query(initiativesSql());
  const wanted = run.inputs.initiativeNames.map((n) => n.trim().toLowerCase());
  if (!wanted.length)
    return {
      keys: null,
      matched: [] as string[],
      decisions: rows.reduce((s, r) => s + num(r.decisions), 0),
      rows,
    };
  const hits = rows.filter(
    (r) => r.initiative !== null && wanted.includes(String(r.initiative).trim().toLowerCase()),
  );
  const configured = run.ws.personalization.initiatives.map((i) => i.name);
  const asked = run.inputs.inputs.initiative ?? '';
  if (!hits.length && !configured.includes(asked)) {
    const known = [
      ...new Set([...configured, ...rows.map((r) => str(r.initiative)).filter((x): x is string => !!x)]),
    ];
    throw unknownInitiative(asked, known);
  }
  if (!hits.length)
    throw new GtmError('DATA', `no decisions of initiative "${asked}" in the decision sources`, {
      where: '--initiative',
      hint: 'check the initiative column of the decisions sources (mapping initiative:) and their paths',
    });
  const matched = hits.map((r) => String(r.initiative));
  return {
    keys: matched,
    matched,
    decisions: hits.reduce((s, r) => s + num(r.decisions), 0),
    rows,
  };
}

/** The data's spellings of the holdout variants (matched ignoring case), so the filter compares exact values. */
async function variantSpellings(engine: Engine, s: Scope, holdouts: readonly string[]): Promise<string[]> {
  const wanted = new Set(holdouts.map((h) => h.toLowerCase()));
  const rows = await engine.query(
    `SELECT variant FROM decisions WHERE ${decisionsIn(s, s.start, s.end)} GROUP BY variant`,
  );
  return rows.map((r) => String(r.variant)).filter((v) => wanted.has(v.toLowerCase()));
}

/**
 * Users and their outcomes after exposure, by arm (holdout / personalized / default) and each
 * rule's variants, compared with the holdout by `performanceBySegment`.
 */
async function performanceOf(
  run: Run,
  engine: Engine,
  s: Scope,
): Promise<{ users: number; performance: PerformanceResult }> {
  const holdouts = run.ws.personalization.holdout_variants;
  const reasons = (await engine.query(windowReasonsSql(s)))
    .map((r) => str(r.reason))
    .filter((r): r is string => r !== null);
  const matched = reasons.filter((r) => canonicalReason(r, null).reason === 'matched');
  await engine.exec(usersTableSql(s, await variantSpellings(engine, s, holdouts), matched));
  const [{ n: users }] = await engine.query('SELECT count(*) AS n FROM mp_users');
  await engine.exec(userPerformanceTableSql(s));
  await engine.exec(ruleUsersTableSql(s));
  await engine.exec(rulePerformanceTableSql(s));
  const perfRows = await engine.query(performanceSql(s, run.inputs.inputs.dimension));
  const performance = performanceBySegment(
    perfRows.map((r) => ({
      dimension: String(r.dimension),
      segment: String(r.segment),
      variant: String(r.variant),
      users: num(r.users),
      engagedUsers: num(r.engagedUsers),
      converters: num(r.converters),
      revenueSum: num(r.revenueSum),
      revenueSumSquares: num(r.revenueSumSquares),
    })),
    { holdoutVariants: run.ws.personalization.holdout_variants },
  );
  return { users: num(users), performance };
}

/**
 * The aggregation stage: resolves the initiative in the data, then reduces decisions and outcomes
 * to performance rows by dimension × segment × variant (compared with the holdout by
 * `performanceBySegment`), daily KPI and volume series, source freshness and the initiative's
 * experiments.
 */
export async function aggregateStage(ctx: StageContext, run: Run): Promise<AggregateOutput> {
  const engine = await run.engine();
  const init = await matchInitiative(run, engine);
  const s = scopeOf(run, engine, init.keys);
  const [totals] = await engine.query(decisionTotalsSql(s));
  if (num(totals.decisions) === 0) {
    const last = init.rows.find((r) => init.matched.includes(String(r.initiative)))?.last_at;
    throw new GtmError(
      'DATA',
      `no decisions of ${run.inputs.inputs.initiative ?? 'any initiative'} in the ${run.inputs.window.label} window to ${run.inputs.inputs.as_of}`,
      {
        where: '--window',
        hint: last
          ? `the last decision is from ${String(last)}; widen --window or set --as-of`
          : 'check the decisions sources',
      },
    );
  }
  ctx.progress('aggregating users and outcomes');
  const { users, performance } = await performanceOf(run, engine, s);
  ctx.progress('daily series');
  // Above 2M decisions the daily KPIs use a fixed 1-in-N sample of users (rates stay unbiased).
  const sampleEvery = Math.max(1, Math.ceil(init.decisions / KPI_SAMPLE_DECISIONS));
  const rules = (await engine.query(initiativeRulesSql(s))).map((r) => String(r.rule));
  const [kpi] = await engine.query(kpiLatestSql(s));
  return {
    initiative: {
      name: run.inputs.inputs.initiative,
      matched: init.matched,
      decisions_all_time: init.decisions,
    },
    initiativeKeys: init.keys,
    totals: { decisions: num(totals.decisions), users: num(users), rules: num(totals.rules) },
    kpi_sample_every: sampleEvery,
    performance,
    daily: (await engine.query(dailyKpiSql(s, sampleEvery))).map((r) => ({
      day: String(r.day),
      users: num(r.users),
      engaged: num(r.engaged),
      converters: num(r.converters),
      revenue: num(r.revenue),
    })),
    volume: (await engine.query(dailyVolumeSql(s))).map((r) => ({
      entity: String(r.entity),
      source: String(r.source),
      day: String(r.day),
      n: num(r.n),
    })),
    latest: (await engine.query(latestSql(s))).map((r) => ({
      entity: String(r.entity),
      source: String(r.source),
      latest: str(r.latest),
      n: num(r.n),
    })),
    kpiLatest: {
      engagement: str(kpi?.engagement),
      conversion: str(kpi?.conversion),
      revenue: str(kpi?.revenue),
    },
    rules,
    experiments: experimentsOf(
      experimentDefs(await engine.query(experimentsSql()), run.ws.personalization.holdout_variants),
      init.keys,
      rules,
    ),
  };
}
