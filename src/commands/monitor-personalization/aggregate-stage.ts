import {
  canonicalReason,
  performanceBySegment,
  type PerformanceMetric,
  type PerformanceResult,
} from '../../analyses/personalization/index.ts';
import type { Engine, NarrowSpec, NormalizeResult } from '../../data/index.ts';
import { quoteIdent } from '../../data/sql-text.ts';
import { plural } from '../../report/plural.ts';
import { GtmError } from '../../errors/index.ts';
import type { StageContext } from '../../orchestrator/index.ts';
import { rejectRateProblem, type KitRun } from '../kit/index.ts';
import { experimentDefs, experimentsOf, type ExperimentDef } from './experiment-defs.ts';
import { unknownInitiative, type MonitorPersonalizationContext } from './inputs.ts';
import { num, scopeOf, str, type Run } from './run-scope.ts';
import type { Scope } from './sql/scope-sql.ts';
import {
  CODED_COLUMNS,
  dailyKpiSql,
  dailyVolumeSql,
  decisionFactsSql,
  decisionGroupsSql,
  dictionarySql,
  firstCodesOf,
  initiativeSourcesSql,
  decisionTotalsSql,
  initiativeRulesSql,
  servedRulesSql,
  kpiLatestSql,
  latestSql,
  performanceSql,
  rulePerformanceTableSql,
  ruleUsersTableSql,
  slimDecisionsSql,
  slimOutcomesSql,
  usersTableSql,
  windowReasonsSql,
  windowVariantsSql,
  canonicalDecisions,
  type CodedColumn,
  type DecisionsFrom,
  HOLDOUT_ARM,
} from './sql/aggregate-sql.ts';
import { scopeOfExperiment } from './experiments-stage.ts';
import { experimentsSql } from './sql/experiment-sql.ts';
import { slimConsentSql } from './sql/governance-sql.ts';

/** Decisions of the initiative above which the daily KPI series are computed on a sample of users. */
export const KPI_SAMPLE_DECISIONS = 2_000_000;

export interface DailyKpiRow {
  day: string;
  users: number;
  engaged: number;
  converters: number;
  revenue: number;
  /** Sum over the day's users of their revenue squared (the spread of revenue per user). */
  revenue_sum_squares: number;
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
  /**
   * Each source's latest row, of all its rows and (`at_end`) of those before the window's end: rows
   * after it are data that arrived later, in a run for a past as-of (a backfill, a later look).
   */
  latest: { entity: string; source: string; latest: string | null; at_end: string | null; n: number }[];
  kpiLatest: { engagement: string | null; conversion: string | null; revenue: string | null };
  /** Rules that ever served the initiative. */
  rules: string[];
  /** Rules that any initiative's decisions name; set only in a run of one initiative. */
  servedRules?: string[];
  experiments: ExperimentDef[];
  /** Decisions of any initiative with a logged consent state (the fallback check without consent records). */
  decisionsWithConsentState: number;
}

/** The decisions' grouped pass: rows per initiative, first/last decision per source, each coded column's values. */
export interface DecisionDict {
  initiatives: {
    initiative: string | null;
    decisions: number;
    first_at: string | null;
    last_at: string | null;
  }[];
  latest: AggregateOutput['latest'];
  columns: Record<CodedColumn, readonly string[] | null>;
  /** Decisions with a logged consent state (any initiative). */
  withConsentState: number;
}

/** Above this many distinct values a column stays text in `mp_decisions` (an ENUM that large buys nothing). */
const MAX_CODES = 10_000;

/** UTF-8 byte order, the order DuckDB sorts text in (the codes keep it). */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * The one grouped pass over every decision (`mp_decision_groups`), read back as counts and times per
 * initiative and source and as the dictionaries of the coded columns.
 */
export async function decisionDict(
  engine: Engine,
  s: Scope,
  cutoff: string,
  from: DecisionsFrom = canonicalDecisions(s),
): Promise<DecisionDict> {
  await engine.exec(decisionGroupsSql(s, cutoff, from));
  const rows = await engine.query(initiativeSourcesSql(s));
  const byInitiative = new Map<string | null, DecisionDict['initiatives'][number]>();
  const bySource = new Map<string, { latest: string | null; at_end: string | null; n: number }>();
  const later = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);
  const earlier = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a < b ? a : b);
  let withConsentState = 0;
  for (const r of rows) {
    const initiative = str(r.initiative);
    const source = String(r._source);
    const prev = byInitiative.get(initiative);
    byInitiative.set(initiative, {
      initiative,
      decisions: (prev?.decisions ?? 0) + num(r.decisions),
      first_at: earlier(prev?.first_at ?? null, str(r.first_at)),
      last_at: later(prev?.last_at ?? null, str(r.last_at)),
    });
    const src = bySource.get(source);
    bySource.set(source, {
      latest: later(src?.latest ?? null, str(r.last_at)),
      at_end: later(src?.at_end ?? null, str(r.last_at_end)),
      n: (src?.n ?? 0) + num(r.decisions),
    });
    withConsentState += num(r.with_consent_state);
  }
  const values = new Map<CodedColumn, string[]>(CODED_COLUMNS.map((c) => [c, []]));
  for (const r of await engine.query(dictionarySql(s)))
    values.get(r.column as CodedColumn)?.push(String(r.value));
  const columns = Object.fromEntries(
    CODED_COLUMNS.map((c) => {
      const vs = [...new Set(values.get(c))];
      return [c, vs.length > MAX_CODES ? null : vs.sort(byteOrder)];
    }),
  ) as Record<CodedColumn, readonly string[] | null>;
  return {
    initiatives: [...byInitiative.values()].sort((a, b) => b.decisions - a.decisions),
    latest: [...bySource.entries()].map(([source, x]) => ({
      entity: 'decisions',
      source,
      latest: x.latest,
      at_end: x.at_end,
      n: x.n,
    })),
    columns,
    withConsentState,
  };
}

/** The initiative's spellings in the data, checked against the flag and gtm.yaml (did-you-mean). */
function matchInitiative(run: Run, dict: DecisionDict) {
  const rows = dict.initiatives;
  const wanted = run.inputs.initiativeNames.map((n) => n.trim().toLowerCase());
  if (!wanted.length)
    return {
      keys: null,
      matched: [] as string[],
      decisions: rows.reduce((s, r) => s + r.decisions, 0),
      rows,
    };
  const hits = rows.filter(
    (r) => r.initiative !== null && wanted.includes(r.initiative.trim().toLowerCase()),
  );
  const configured = run.ws.personalization.initiatives.map((i) => i.name);
  const asked = run.inputs.inputs.initiative ?? '';
  if (!hits.length && !configured.includes(asked)) {
    const known = [
      ...new Set([...configured, ...rows.map((r) => r.initiative).filter((x): x is string => !!x)]),
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
    decisions: hits.reduce((s, r) => s + r.decisions, 0),
    rows,
  };
}

/** The text columns of the decisions' narrow table kept as integer codes (the user is kept as its hash). */
export const NARROW_CODES = ['initiative', ...CODED_COLUMNS] as const;
/** The same for the outcomes and the consent records. */
export const NARROW_OUTCOME_CODES = ['event'] as const;
export const NARROW_CONSENT_CODES = ['purpose', 'status'] as const;

/** The narrow table of the outcomes (see `narrowTables`). */
const OUTCOMES_TABLE = 'mp_outcomes_in';

/**
 * What the command asks normalize to write from its check pass (DuckDB only): the outcomes as a
 * narrow table (the user hashed, the event coded), read instead of their view. The user's hash is
 * not checked for collisions (`unchecked`): every entity's user key is a 64-bit hash the joins trust
 * alike (at 5M users a collision has a chance of about 7 in 10 million). The decisions and
 * consent records are read through their views: a narrow copy of the decisions (every row, nine
 * text columns coded) cost more than the command's two reads of the view (10M rows: 41 s CPU
 * against about 20), and one of the consent records (the user id kept as text) about as much.
 */
export const narrowTables = (c: MonitorPersonalizationContext): Record<string, NarrowSpec> =>
  c.engine === 'duckdb'
    ? {
        outcomes: {
          table: OUTCOMES_TABLE,
          columns: ['occurred_at', 'value', '_source'],
          codes: NARROW_OUTCOME_CODES,
          hashes: ['user_id'],
          // the decisions' and consent records' user keys are the command's own hash(user_id),
          // unchecked: a check of the outcomes' alone would not make the joins exact (3.9 s at 50M)
          unchecked: ['user_id'],
        },
      }
    : {};

/**
 * An entity as normalize's narrow table `table` has it: the user as `user_id_hash`, the `coded`
 * columns as codes, with their dictionaries read back (`<table>_<column>`: code 0 … n − 1, value).
 */
export async function narrowFrom(
  engine: Engine,
  table: string,
  coded: readonly string[] = NARROW_CODES,
): Promise<DecisionsFrom> {
  const codes: Record<string, string[]> = {};
  for (const c of coded) {
    const rows = await engine.query(`SELECT code, value FROM ${quoteIdent(`${table}_${c}`)} ORDER BY code`);
    if (rows.some((r, i) => num(r.code) !== i))
      throw new GtmError('INTERNAL', `narrow table ${table}: the codes of ${c} are not 0 … n − 1`);
    codes[c] = rows.map((r) => String(r.value));
  }
  return { table: quoteIdent(table), userKey: quoteIdent('user_id_hash'), codes };
}

/** The data's spellings of the holdout variants (matched ignoring case), so the filter compares exact values. */
async function variantSpellings(engine: Engine, s: Scope, holdouts: readonly string[]): Promise<string[]> {
  const wanted = new Set(holdouts.map((h) => h.toLowerCase()));
  const rows = await engine.query(windowVariantsSql(s));
  return rows.map((r) => String(r.variant)).filter((v) => wanted.has(v.toLowerCase()));
}

/** Runs the statements of one derived table in order. */
export async function execAll(engine: Engine, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await engine.exec(sql);
}

/**
 * Users and their outcomes after exposure, by arm (holdout / personalized / default) and each
 * rule's variants, compared with the holdout by `performanceBySegment`.
 */
async function performanceOf(
  run: Run,
  engine: Engine,
  s: Scope,
  dict: DecisionDict['columns'],
  unmeasured: Partial<Record<PerformanceMetric, string>>,
): Promise<{ users: number; performance: PerformanceResult }> {
  const codes = firstCodesOf(s, dict);
  const holdouts = run.ws.personalization.holdout_variants;
  const reasons = (await engine.query(windowReasonsSql(s)))
    .map((r) => str(r.reason))
    .filter((r): r is string => r !== null);
  const matched = reasons.filter((r) => canonicalReason(r, null).reason === 'matched');
  await execAll(engine, ruleUsersTableSql(s, await variantSpellings(engine, s, holdouts), matched, codes));
  await execAll(engine, rulePerformanceTableSql(s));
  await execAll(engine, usersTableSql(s, codes));
  const [{ n: users }] = await engine.query(`SELECT count(*) AS n FROM ${s.q.table('mp_users')}`);
  const perfRows = await engine.query(performanceSql(s, run.inputs.inputs.dimension, codes));
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
    {
      // rule rows carry the variants' own names; the arm rows label the holdout arm HOLDOUT_ARM
      holdoutVariants: holdouts,
      holdoutByDimension: Object.fromEntries(
        ['all', ...run.inputs.inputs.dimension].map((d) => [d, [HOLDOUT_ARM]]),
      ),
      unmeasured,
    },
  );
  return { users: num(users), performance };
}

/** What `kpiLatestSql` reads: where each KPI's data stops, and the outcome rows in the window. */
interface KpiLatestRow {
  engagement: unknown;
  conversion: unknown;
  revenue: unknown;
  window_outcomes: unknown;
  window_engagement: unknown;
  window_conversion: unknown;
  window_revenue: unknown;
}

const KIND_OF: Record<PerformanceMetric, 'engagement' | 'conversion' | 'revenue'> = {
  engagement_rate: 'engagement',
  conversion_rate: 'conversion',
  revenue_per_user: 'revenue',
};

/**
 * The performance metrics the window's outcomes cannot measure, with why: no outcomes source, no
 * outcome rows at all (an empty or header-only export), none in the window, or none of the metric's
 * kind there (no conversion event, no outcome with a value). Their values are then null, not the 0
 * of users never seen converting; with outcomes of the kind in the window, a segment without any
 * conversion is 0 (evidence). Outcomes covering only part of the window are not judged here (the
 * freshness check reports a source that stopped).
 */
export function unmeasuredMetrics(
  run: Run,
  kpi: KpiLatestRow | undefined,
  outcomesRows: number,
): Partial<Record<PerformanceMetric, string>> {
  const sources = run.ws.sources.filter((x) => x.entity === 'outcomes').map((x) => x.name);
  const named = sources.join(', ');
  const window = `the ${run.inputs.window.label} window to ${run.inputs.inputs.as_of}`;
  const events = run.ws.personalization.events;
  const why = (metric: PerformanceMetric): string | null => {
    if (!sources.length) return 'no outcomes source in gtm.yaml (entity: outcomes)';
    if (outcomesRows === 0) return `no outcome rows in ${named} (an empty or header-only export?)`;
    if (num(kpi?.window_outcomes) === 0) return `no outcome rows in ${named} in ${window}`;
    const kind = KIND_OF[metric];
    if (num(kpi?.[`window_${kind}`]) > 0) return null;
    const what =
      kind === 'revenue'
        ? 'outcome with a value'
        : `${kind} outcome (personalization.events.${kind}: ${events[kind].join(', ')})`;
    return `no ${what} in ${named} in ${window}`;
  };
  const out: Partial<Record<PerformanceMetric, string>> = {};
  for (const metric of Object.keys(KIND_OF) as PerformanceMetric[]) {
    const reason = why(metric);
    if (reason !== null) out[metric] = reason;
  }
  return out;
}

/** The stale-rule cutoff of the governance scan: `stale_days` before the window's end. */
export const staleCutoff = (run: Run): string =>
  new Date(
    Date.parse(run.inputs.window.end) - run.ws.personalization.governance.stale_days * 86_400_000,
  ).toISOString();

/** When the initiative's last decision was made (of every source), if it has one. */
function lastDecisionAt(init: ReturnType<typeof matchInitiative>): string | null {
  const last = init.rows.find((r) => r.initiative !== null && init.matched.includes(r.initiative))?.last_at;
  return last ? String(last) : null;
}

/** Where a source's rows come from, as gtm.yaml names it: the file's path, or the PostgreSQL table or query. */
const sourceOrigin = (src: Run['ws']['sources'][number]): string =>
  src.kind === 'file' ? src.path : src.table ? `PostgreSQL table ${src.table}` : 'a PostgreSQL query';

/**
 * The DATA error of decision sources without a single decision: the problem is the export, so it
 * names the source and its file (where: the file, or `sources.<name>` for a PostgreSQL source), not
 * `--window` or `--initiative` (a header-only log read "--window: no decisions of any initiative in
 * the 14d window to 2026-11-30 — check the decisions sources"). Decisions read outside the window
 * are the window's business (`emptyWindowWarning`). Rows read and every one rejected (under a
 * `thresholds.max_reject_rate` raised to 1) are named as such.
 */
function noDecisions(run: Run, normalized?: NormalizeResult): GtmError {
  const sources = run.ws.sources.filter((x) => x.entity === 'decisions');
  const rowsIn = (name: string) => normalized?.accounting.find((a) => a.source === name)?.rows_in ?? 0;
  const rejected = sources.filter((x) => rowsIn(x.name) > 0);
  const first = rejected[0] ?? sources[0];
  const named = (x: (typeof sources)[number]) =>
    sources.length > 1 || x.kind !== 'file' ? `${x.name} (${sourceOrigin(x)})` : x.name;
  const parts = [
    ...rejected.map((x) => `source ${named(x)}: ${plural(rowsIn(x.name), 'row')} read, every one rejected`),
    ...sources
      .filter((x) => rowsIn(x.name) === 0)
      .map((x) => `source ${named(x)} has no data rows (a header-only export?)`),
  ];
  return new GtmError('DATA', `no decisions to monitor: ${parts.join('; ')}`, {
    where: first ? (first.kind === 'file' ? first.path : `sources.${first.name}`) : 'sources',
    hint: rejected.length
      ? `fix the rows of ${first.name} (gtm doctor names them) and run again`
      : `export the decision log again, or point sources.${first?.name ?? '<decisions source>'} in gtm.yaml at a log with rows`,
  });
}

/**
 * A window left empty by rejected rows (a quote opened on line 5 and never closed swallows the rest
 * of the decision log) ends the run with the reject-rate error it would have ended with, naming the
 * file, the row and the reason, not as "no decisions in the window"; the report, and its
 * rejects.csv, are not written, so the fix points at `gtm doctor`. Only the decisions' sources can
 * empty the window: rejected outcome or consent rows did not (h-per23: 3 bad rows of a billing
 * export and an as-of past the data stopped the run naming the billing file). When decisions were
 * read outside the window, the hint names the other explanation, a window past the data.
 */
function rejectedDecisions(
  run: Run,
  init: ReturnType<typeof matchInitiative> | null,
  normalized?: NormalizeResult,
): GtmError | null {
  if (!normalized) return null;
  const sources = new Set(run.ws.sources.filter((x) => x.entity === 'decisions').map((x) => x.name));
  const problem = rejectRateProblem(run as KitRun<unknown>, {
    ...normalized,
    accounting: normalized.accounting.filter((a) => sources.has(a.source)),
    rejects: normalized.rejects.filter((r) => sources.has(r.source)),
  });
  if (!problem) return null;
  const last = init && init.decisions > 0 ? lastDecisionAt(init) : null;
  return new GtmError('DATA', problem.message, {
    where: problem.where,
    hint: `fix the rows (gtm doctor names them), or raise thresholds.max_reject_rate in gtm.yaml${
      last
        ? `; or, if the window is past the data (${plural(init?.decisions ?? 0, 'decision')} read outside it, the last from ${last}), set --as-of or widen --window`
        : ''
    }`,
  });
}

/** The daily KPI series (on the users' sample above 2M decisions) and the daily volume per source. */
async function dailySeries(
  engine: Engine,
  s: ReturnType<typeof scopeOf>,
  sampleEvery: number,
): Promise<Pick<AggregateOutput, 'daily' | 'volume'>> {
  return {
    daily: (await engine.query(dailyKpiSql(s, sampleEvery))).map((r) => ({
      day: String(r.day),
      users: num(r.users),
      engaged: num(r.engaged),
      converters: num(r.converters),
      revenue: num(r.revenue),
      revenue_sum_squares: num(r.revenue_sum_squares),
    })),
    volume: (await engine.query(dailyVolumeSql(s))).map((r) => ({
      entity: String(r.entity),
      source: String(r.source),
      day: String(r.day),
      n: num(r.n),
    })),
  };
}

/** The initiative's rules and, in a run of one initiative, the rules any initiative's decisions name. */
async function rulesOf(engine: Engine, s: Scope, keys: string[] | null) {
  const names = async (sql: string) => (await engine.query(sql)).map((r) => String(r.rule));
  return {
    rules: await names(initiativeRulesSql(s)),
    servedRules: keys ? await names(servedRulesSql(s)) : undefined,
  };
}

/**
 * The aggregation stage: resolves the initiative in the data, then reduces decisions and outcomes
 * to performance rows by dimension × segment × variant (compared with the holdout by
 * `performanceBySegment`), daily KPI and volume series, source freshness and the initiative's
 * experiments.
 */
export async function aggregateStage(
  ctx: StageContext,
  run: Run,
  normalized?: NormalizeResult,
): Promise<AggregateOutput> {
  const engine = await run.engine();
  ctx.progress('reading the decisions');
  const dict = await decisionDict(engine, scopeOf(run, engine, null), staleCutoff(run));
  // no decision at all (a header-only log, or every row rejected): the sources are named, before
  // an initiative is looked for in them or a window in them
  if (!dict.initiatives.some((r) => r.decisions > 0))
    throw rejectedDecisions(run, null, normalized) ?? noDecisions(run, normalized);
  const init = matchInitiative(run, dict);
  const s = scopeOf(run, engine, init.keys);
  await engine.exec(decisionFactsSql(s));
  const defs = experimentDefs(
    await engine.query(experimentsSql(s.q)),
    run.ws.personalization.holdout_variants,
  );
  // every experiment's exposures are kept (the experiments branch reads those of the initiative)
  const exposures = defs.filter((d) => d.rule).map((d, i) => scopeOfExperiment(d, i, run.inputs.window.end));
  // Above 2M decisions the daily KPIs use a fixed 1-in-N sample of users (rates stay unbiased).
  const sampleEvery = Math.max(1, Math.ceil(init.decisions / KPI_SAMPLE_DECISIONS));
  await execAll(engine, slimDecisionsSql(s, dict.columns, exposures, sampleEvery));
  const [totals] = await engine.query(decisionTotalsSql(s));
  // a window past (or before) the decisions runs empty and says so (`emptyWindowWarning`), as the
  // other commands do; a window emptied by rejected rows stops the run (no decision at all did above)
  if (num(totals.decisions) === 0) {
    const stop = rejectedDecisions(run, init, normalized);
    if (stop) throw stop;
  }
  ctx.progress('reading the outcomes');
  const outcomesIn = normalized?.narrow?.outcomes?.table;
  await execAll(
    engine,
    slimOutcomesSql(s, outcomesIn ? await narrowFrom(engine, outcomesIn, NARROW_OUTCOME_CODES) : undefined),
  );
  await execAll(engine, slimConsentSql(s));
  const [kpi] = (await engine.query(kpiLatestSql(s))) as unknown as KpiLatestRow[];
  const latest = (await engine.query(latestSql(s))).map((r) => ({
    entity: String(r.entity),
    source: String(r.source),
    latest: str(r.latest),
    at_end: str(r.latest_at_end),
    n: num(r.n),
  }));
  const outcomesRows = latest.filter((l) => l.entity === 'outcomes').reduce((t, l) => t + l.n, 0);
  ctx.progress('aggregating users and outcomes');
  const { users, performance } = await performanceOf(
    run,
    engine,
    s,
    dict.columns,
    unmeasuredMetrics(run, kpi, outcomesRows),
  );
  ctx.progress('daily series');
  const { rules, servedRules } = await rulesOf(engine, s, init.keys);
  return {
    initiative: {
      name: run.inputs.inputs.initiative,
      matched: init.matched,
      decisions_all_time: init.decisions,
    },
    initiativeKeys: init.keys,
    servedRules,
    totals: { decisions: num(totals.decisions), users: num(users), rules: num(totals.rules) },
    kpi_sample_every: sampleEvery,
    performance,
    ...(await dailySeries(engine, s, sampleEvery)),
    latest: [...dict.latest, ...latest],
    kpiLatest: {
      engagement: str(kpi?.engagement),
      conversion: str(kpi?.conversion),
      revenue: str(kpi?.revenue),
    },
    rules,
    experiments: experimentsOf(defs, init.keys, rules),
    decisionsWithConsentState: dict.withConsentState,
  };
}
