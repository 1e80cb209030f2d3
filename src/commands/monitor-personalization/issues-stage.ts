import {
  dataFreshness,
  detectDailyKpiAnomalies,
  variantSuppression,
  volumeDrop,
  type Anomaly,
  type CombinedAnomaly,
  type FreshnessCheck,
  type VariantCheck,
} from '../../analyses/anomalies/index.ts';
import type { StageContext } from '../../orchestrator/index.ts';
import type { AggregateOutput, DailyKpiRow } from './aggregate-stage.ts';
import type { ExperimentsOutput } from './experiments-stage.ts';
import type { Run } from './run-scope.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * The daily KPIs watched for dips, and which outcome class each one's data comes from. `share`: the
 * KPI is a share of the day's users (binomial); otherwise a mean over them (revenue per user). Either
 * way a dip must also exceed its sampling noise (`shortfallZ`).
 */
export const KPIS = [
  {
    id: 'conversion_rate',
    label: 'conversion rate',
    of: (r: DailyKpiRow) => r.converters / r.users,
    latest: 'conversion',
    share: true,
  },
  {
    id: 'engagement_rate',
    label: 'engagement rate',
    of: (r: DailyKpiRow) => r.engaged / r.users,
    latest: 'engagement',
    share: true,
  },
  {
    id: 'revenue_per_user',
    label: 'revenue per user',
    of: (r: DailyKpiRow) => r.revenue / r.users,
    latest: 'revenue',
    share: false,
  },
] as const;

/**
 * A dip of a share KPI is kept only when the day's value is below the expected share by more than
 * this many binomial standard errors of the day's users (one-sided p < 0.001). The detectors learn
 * their scale from a few dozen past days (the same weekday: 8 values), which at a few hundred users
 * a day can come out well under the sampling noise: they then flag days that chance explains
 * (demo runs: engagement days at 1.6 and 2.3 standard errors flagged with robust z of 3.8 and 4.2).
 */
export const SHARE_DIP_MIN_Z = 3.09;

/** Standard errors of the day's share below the expected one (positive = below), or null when untestable. */
export function shareShortfallZ(value: number | null, expected: number, users: number | null): number | null {
  if (value === null || users === null || !(users > 0) || !(expected > 0 && expected < 1)) return null;
  return (expected - value) / Math.sqrt((expected * (1 - expected)) / users);
}

/**
 * Standard errors of the day's revenue per user below the expected one (positive = below), the
 * standard error from the day's own users: s / √n with s² = (Σr² − n·mean²) / (n − 1) over every user
 * of the day (zero revenue included); null when untestable (fewer than 2 users, no spread). The same
 * SHARE_DIP_MIN_Z applies: revenue is heavy-tailed, and a day a few big orders short is within its
 * noise until it is this far below.
 */
export function meanShortfallZ(
  value: number | null,
  expected: number,
  row: DailyKpiRow | undefined,
): number | null {
  if (value === null || !row || !(row.users > 1)) return null;
  const mean = row.revenue / row.users;
  const variance = (row.revenue_sum_squares - row.users * mean * mean) / (row.users - 1);
  if (!(variance > 0)) return null;
  return (expected - value) / Math.sqrt(variance / row.users);
}

/** The sampling-noise z of a KPI's dip on a day (`shareShortfallZ` or `meanShortfallZ`). */
const shortfallZ = (share: boolean, value: number | null, expected: number, row: DailyKpiRow | undefined) =>
  share ? shareShortfallZ(value, expected, row?.users ?? null) : meanShortfallZ(value, expected, row);

/** One finding of issue detection, flattened for the report: what, when, how bad, evidence, playbook. */
export interface AnomalyOut {
  /** Stable across runs: detector and subject, never the day (the backlog and alert id). */
  key: string;
  detector: string;
  subject: string;
  at: string;
  direction: 'pos' | 'neg';
  severity: 'warn' | 'error';
  value: number | null;
  expected: number;
  score: number | null;
  threshold: number;
  window: { from: string; to: string; points: number };
  /** Detectors that agreed (KPI dips: 2 of 3, a departure episode or a level shift). */
  detectors: string[];
  playbook: string;
  /** Users exposed that day (KPI dips), for the projected effect. */
  users: number | null;
}

export interface IssuesOutput {
  freshness: FreshnessCheck[];
  suppression: { experiment: string; variants: VariantCheck[]; total: number }[];
  /** KPI series actually tested (last complete day per KPI), and detectors skipped. */
  kpis: {
    kpi: string;
    days: number;
    last_day: string | null;
    skipped: string[];
    /** Days the detectors flagged but left out: the dip is within the day's binomial noise. */
    within_noise: { day: string; value: number | null; expected: number; users: number; z: number }[];
  }[];
  anomalies: AnomalyOut[];
}

/** JSON has no Infinity (a source without data): such numbers become null. */
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function flatten(a: Anomaly, key: string, detectors: string[], users: number | null = null): AnomalyOut {
  return {
    key,
    detector: a.evidence.detector,
    subject: a.subject,
    at: a.at,
    direction: a.direction,
    severity: a.severity,
    value: finite(a.evidence.value),
    expected: a.evidence.expected,
    score: finite(a.evidence.score),
    threshold: a.evidence.threshold,
    window: { ...a.evidence.window },
    detectors,
    playbook: a.playbook,
    users,
  };
}

/**
 * Freshness of every source of the four entities against its SLA (source, else entity default), at
 * the end of as-of from its latest row before then: rows after it are data that came in later, which
 * a run for a past as-of (a backfill, a rerun of an earlier look) sees, and are not "ahead of the run
 * time" unless they are later than the run itself by more than the hour's tolerance (a clock or
 * time-zone error), as the rows past the end of today's as-of always were.
 */
function freshness(run: Run, a: AggregateOutput) {
  const end = run.inputs.window.end;
  const clock = Math.max(Date.parse(end), run.now().getTime());
  const p = run.ws.personalization.freshness;
  const slas = run.ws.sources
    .filter((src) => ['decisions', 'outcomes', 'consent_records', 'rule_changes'].includes(src.entity))
    .map((src) => {
      const sla =
        p.sources[src.name] ?? p[src.entity as 'decisions' | 'outcomes' | 'consent_records' | 'rule_changes'];
      const l = a.latest.find((x) => x.source === src.name);
      const ahead = !!l?.latest && Date.parse(l.latest) > clock + HOUR;
      const latest = (ahead ? l?.latest : l?.at_end) ?? null;
      return sla
        ? {
            source: src.name,
            latest,
            warnAfterHours: sla.warn_after_hours,
            errorAfterHours: sla.error_after_hours,
          }
        : null;
    })
    .filter((x) => x !== null);
  return dataFreshness(slas, end);
}

/** The last day whose data is complete: the day before the one holding `latest`, or that day when it ended within the hour. */
export function lastCompleteDay(latest: string | null, end: string): string | null {
  if (!latest) return null;
  const t = Math.min(Date.parse(latest), Date.parse(end));
  const dayStart = Math.floor(t / DAY) * DAY;
  return new Date(t >= dayStart + DAY - HOUR ? dayStart : dayStart - DAY).toISOString().slice(0, 10);
}

/**
 * Volume drops of each source's daily rows, on its complete days; only days inside the window, and
 * only against a baseline of at least `volume_min_rows` rows, are reported.
 */
function volumeAnomalies(run: Run, a: AggregateOutput): AnomalyOut[] {
  const windowStart = run.inputs.window.start.slice(0, 10);
  const an = run.ws.personalization.anomalies;
  const out: AnomalyOut[] = [];
  for (const source of [...new Set(a.volume.map((v) => v.source))].sort()) {
    const last = lastCompleteDay(
      a.latest.find((l) => l.source === source)?.latest ?? null,
      run.inputs.window.end,
    );
    const points = a.volume
      .filter((v) => v.source === source && last !== null && v.day <= last)
      .map((v) => ({ t: v.day, value: v.n }));
    const filled = fillDays(points, last);
    const { anomalies } = volumeDrop(filled, {
      subject: source,
      warnDrop: an.volume_warn_drop,
      errorDrop: an.volume_error_drop,
    });
    for (const x of anomalies)
      if (x.at >= windowStart && x.evidence.expected >= an.volume_min_rows)
        out.push(flatten(x, `volume-drop:${source}`, ['volume-drop']));
  }
  return out;
}

/** Days with no rows inside a series' span are zero rows, not missing (nothing arrived). */
function fillDays(points: { t: string; value: number }[], last: string | null) {
  if (!points.length || !last) return points;
  const have = new Map(points.map((p) => [p.t, p.value]));
  const out: { t: string; value: number }[] = [];
  for (let t = Date.parse(points[0].t); t <= Date.parse(last); t += DAY) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({ t: day, value: have.get(day) ?? 0 });
  }
  return out;
}

const CANNOT = 'not measured (null in the reports, not 0), and the performance-dip detection cannot run';

/**
 * Why a KPI has no series to watch, when it has no outcome of its kind before as-of: no outcome rows
 * at all (an empty or header-only export, or no outcomes source), or none of its events. The
 * detectors then do not run; they said "seasonal-hybrid-esd: needs more than 14 days of history,
 * has 0", which named neither the source nor the cause.
 */
export function noOutcomesReason(run: Run, a: AggregateOutput, k: (typeof KPIS)[number]): string {
  const sources = run.ws.sources.filter((x) => x.entity === 'outcomes').map((x) => x.name);
  const rest = 'governance and exposure checks ran on the decisions';
  if (!sources.length) return `no outcomes source in gtm.yaml (entity: outcomes): ${CANNOT}; ${rest}`;
  const named = sources.join(', ');
  if (!a.latest.some((l) => l.entity === 'outcomes' && l.n > 0))
    return `no outcome rows in ${named} (an empty or header-only export?): ${CANNOT}; ${rest}`;
  const events = run.ws.personalization.events;
  const kind =
    k.latest === 'revenue'
      ? 'outcome with a value'
      : `${k.latest} outcome (personalization.events.${k.latest}: ${events[k.latest].join(', ')})`;
  return `no ${kind} before as-of in ${named}: ${CANNOT}`;
}

/** Dips of the daily KPIs (S-H-ESD, same-weekday z, trailing z: two of three agree; or a departure episode or level shift), in the window. */
export function kpiAnomalies(run: Run, a: AggregateOutput, kpis: IssuesOutput['kpis']): AnomalyOut[] {
  const windowStart = run.inputs.window.start.slice(0, 10);
  const out: AnomalyOut[] = [];
  for (const k of KPIS) {
    if (a.kpiLatest[k.latest] === null) {
      kpis.push({
        kpi: k.id,
        days: 0,
        last_day: null,
        skipped: [noOutcomesReason(run, a, k)],
        within_noise: [],
      });
      continue;
    }
    const last = lastCompleteDay(a.kpiLatest[k.latest], run.inputs.window.end);
    const rows = a.daily.filter((r) => r.users > 0 && last !== null && r.day <= last);
    const result = detectDailyKpiAnomalies(
      rows.map((r) => ({ t: r.day, value: k.of(r) })),
      { subject: k.id, direction: 'neg' },
    );
    const withinNoise: IssuesOutput['kpis'][number]['within_noise'] = [];
    kpis.push({
      kpi: k.id,
      days: rows.length,
      last_day: last,
      skipped: result.skipped.map((x) => `${x.detector}: ${x.reason}`),
      within_noise: withinNoise,
    });
    for (const c of result.anomalies as readonly CombinedAnomaly[]) {
      if (c.at < windowStart) continue;
      const row = rows.find((r) => r.day === c.at.slice(0, 10));
      const users = row?.users ?? null;
      const a = flatten(c, `kpi-dip:${k.id}`, [...c.detectors], users);
      const z = shortfallZ(k.share, a.value, a.expected, row);
      if (z !== null && users !== null && z < SHARE_DIP_MIN_Z) {
        withinNoise.push({ day: a.at.slice(0, 10), value: a.value, expected: a.expected, users, z });
        continue;
      }
      out.push(a);
    }
  }
  return out;
}

/**
 * Variant suppression and stalls of every live experiment against its planned shares, on its
 * exposures in the window: a variant suppressed for the last ten days of a test running for five
 * weeks is a recent problem, which the shares of its whole life dilute below the tolerance.
 */
export function suppression(
  run: Run,
  x: ExperimentsOutput,
  anomalies: AnomalyOut[],
): IssuesOutput['suppression'] {
  const an = run.ws.personalization.anomalies;
  const windowStart = run.inputs.window.start.slice(0, 10);
  return x.memos
    .filter((m) => m.status === 'live')
    .map((m) => {
      const rows = x.daily.filter(
        (d) =>
          d.experiment === m.id && d.day >= windowStart && m.planned.some((p) => p.variant === d.variant),
      );
      const r = variantSuppression(
        m.planned.map((p) => ({ variant: p.variant, plannedShare: p.share })),
        rows.map((d) => ({ variant: d.variant, t: d.day, exposures: d.exposures })),
        {
          subject: m.id,
          alpha: an.suppression_alpha,
          relativeTolerance: an.suppression_tolerance,
          stalledDays: an.stalled_days,
        },
      );
      for (const y of r.anomalies)
        anomalies.push(flatten(y, `${y.evidence.detector}:${y.subject}`, [y.evidence.detector]));
      return { experiment: m.id, variants: [...r.variants], total: r.total };
    });
}

/**
 * Issue detection: source freshness against SLAs, volume drops, variant suppression of live
 * experiments and dips of the daily KPIs; one alert per watched subject (freshness per source,
 * volume per source, suppression per experiment, dips per KPI), breached when it has an anomaly,
 * so an anomaly that repeats in the next run escalates along the ladder.
 */
export function issuesStage(
  ctx: StageContext,
  run: Run,
  a: AggregateOutput,
  x: ExperimentsOutput,
): IssuesOutput {
  const fresh = freshness(run, a);
  const anomalies: AnomalyOut[] = fresh.anomalies.map((y) =>
    flatten(y, `data-freshness:${y.subject}`, ['data-freshness']),
  );
  anomalies.push(...volumeAnomalies(run, a));
  const supp = suppression(run, x, anomalies);
  const kpis: IssuesOutput['kpis'] = [];
  anomalies.push(...kpiAnomalies(run, a, kpis));
  alertIssues(ctx, run, fresh.checks, supp, anomalies, a);
  return { freshness: [...fresh.checks], suppression: supp, kpis, anomalies };
}

/** The stand-in value of a freshness alert on a source without rows (never shown: see `detail`). */
const NO_ROWS_LAG_HOURS = 1e9;

/** A freshness anomaly of a source without rows (no latest row, so no lag to measure). */
export const noRows = (y: Pick<AnomalyOut, 'value' | 'detectors'>): boolean =>
  y.value === null && y.detectors.includes('data-freshness');

/** What a freshness alert on a source without rows says. */
export const noRowsDetail = (source: string, warnAfterHours: number): string =>
  `no rows in ${source} (an empty or header-only export?): no data to be fresh within its ${warnAfterHours} h SLA; check the export or its loader`;

function alertIssues(
  ctx: StageContext,
  run: Run,
  checks: readonly FreshnessCheck[],
  supp: IssuesOutput['suppression'],
  anomalies: AnomalyOut[],
  a: AggregateOutput,
) {
  const owner = run.ws.personalization.owners.anomalies;
  const count = (key: string) => anomalies.filter((y) => y.key === key).length;
  for (const c of checks)
    ctx.alert({
      id: `freshness.${c.source}`,
      metric: `hours since the latest ${c.source} data (warn after ${c.warnAfterHours} h, error after ${c.errorAfterHours} h)`,
      // a source without a row has no lag to measure: it breaches (an export that came back empty
      // is the staleness to catch), and the alert says so instead of a stand-in number of hours
      value: c.lagHours ?? NO_ROWS_LAG_HOURS,
      ...(c.lagHours === null ? { detail: noRowsDetail(c.source, c.warnAfterHours) } : {}),
      threshold: c.warnAfterHours,
      direction: 'above',
      unit: 'hours',
      owner_role: owner,
    });
  for (const source of [...new Set(a.volume.map((v) => v.source))].sort())
    ctx.alert({
      id: `volume_drop.${source}`,
      metric: `days in the window with a volume drop in ${source}`,
      value: count(`volume-drop:${source}`),
      threshold: 0,
      direction: 'above',
      unit: 'count',
      owner_role: owner,
    });
  for (const s of supp)
    ctx.alert({
      id: `variant_suppression.${s.experiment}`,
      metric: `suppressed or stalled variants of ${s.experiment}`,
      value: s.variants.filter((v) => v.suppressed || v.stalled).length,
      threshold: 0,
      direction: 'above',
      unit: 'count',
      owner_role: owner,
    });
  // a KPI without any outcome of its kind is not watched (`kpiAnomalies`): no alert is evaluated on
  // it, where "0 days with a dip" would read as a series checked and found fine
  for (const k of KPIS.filter((x) => a.kpiLatest[x.latest] !== null))
    ctx.alert({
      id: `kpi_dip.${k.id}`,
      metric: `days in the window with a dip in ${k.label}`,
      value: count(`kpi-dip:${k.id}`),
      threshold: 0,
      direction: 'above',
      unit: 'count',
      owner_role: owner,
    });
}

/**
 * One line per reason a KPI's dip detection was skipped, naming the KPIs it holds for: without
 * outcome rows the three KPIs share one line naming the source.
 */
export function skippedWarnings(r: { anomalies: Pick<IssuesOutput, 'kpis'> }): string[] {
  const byReason = new Map<string, string[]>();
  for (const k of r.anomalies.kpis) {
    if (!k.skipped.length) continue;
    const reason = k.skipped.join('; ');
    byReason.set(reason, [...(byReason.get(reason) ?? []), k.kpi]);
  }
  return [...byReason].map(([reason, kpis]) => `${kpis.join(', ')}: ${reason}`);
}

/**
 * One line per reason a performance metric is unmeasured (no outcome of its kind in the window)
 * that `skippedWarnings` does not already give (a KPI with outcomes before the window but none in it).
 */
export function unmeasuredWarnings(r: {
  anomalies: Pick<IssuesOutput, 'kpis'>;
  performance: { unmeasured: readonly { metric: string; reason: string }[] };
}): string[] {
  const skipped = new Set(
    r.anomalies.kpis.filter((k) => k.skipped.some((x) => x.includes(CANNOT))).map((k) => k.kpi),
  );
  const byReason = new Map<string, string[]>();
  for (const u of r.performance.unmeasured) {
    if (skipped.has(u.metric)) continue;
    byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), u.metric]);
  }
  return [...byReason].map(
    ([reason, metrics]) =>
      `performance vs holdout: ${metrics.join(', ')}: ${reason}: not measured (null in the reports, not 0)`,
  );
}
