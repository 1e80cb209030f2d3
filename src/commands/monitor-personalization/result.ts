import type { RowAccounting } from '../../contracts/index.ts';
import { topReasons, type NormalizeResult } from '../../data/index.ts';
import type { AlertRecord, EscalationRecord } from '../../orchestrator/index.ts';
import type { Closing } from '../kit/index.ts';
import type { DailyKpiRow } from './aggregate-stage.ts';
import type { ImmediateEscalation } from './backlog-stage.ts';
import type { AnomalyOut, IssuesOutput } from './issues-stage.ts';
import type { ResolvedWindow } from '../shared/window/index.ts';
import type { MonitorPersonalizationInputs } from './inputs.ts';
import type { MonitorPersonalizationOutputs } from './plan.ts';
import type { Run } from './run-scope.ts';

export const MONITOR_PERSONALIZATION_SCHEMA_ID = 'gtm.monitor-personalization.result/v1';

/** camelCase keys of the analyses' outputs → snake_case, so result.json reads one way throughout. */
export function snakeKeys<T>(value: T): unknown {
  if (Array.isArray(value)) return value.map((v) => snakeKeys(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
        snakeKeys(v),
      ]),
    );
  }
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** The machine contract of `monitor-personalization` (documented by `monitor-personalization.result.schema.json`). */
export interface MonitorPersonalizationResult {
  schema: typeof MONITOR_PERSONALIZATION_SCHEMA_ID;
  run_id: string;
  plan_path: string;
  reports_dir: string;
  as_of: string;
  inputs: MonitorPersonalizationInputs;
  window: ResolvedWindow;
  currency: string;
  initiative: { name: string | null; matched: string[]; decisions_all_time: number };
  totals: { decisions: number; users: number; rules: number };
  /** Performance by dimension × segment × variant vs the holdout (snake_case of `performanceBySegment`). */
  performance: {
    settings: Record<string, unknown>;
    rows: Record<string, unknown>[];
    segments_without_holdout: Record<string, unknown>[];
    /** Metrics without outcome data in the window and why: null in every row, not 0. */
    unmeasured: { metric: string; reason: string }[];
  };
  /** The governance scan (snake_case of `governanceScan`) with how consent was checked. */
  governance: Record<string, unknown> & {
    consent_source: 'records' | 'logged' | null;
    status: 'pass' | 'warn' | 'fail';
    /** Configured rules never evaluated, left out of a run of one initiative (see `GovernanceOutput`). */
    unclaimed_rules: string[];
    /**
     * The list of every user served a decision without consent: its file, the users in it, and
     * whether it was cut at its limit; null when consent was not checked or only counted.
     */
    consent_users: { file: string; listed: number; truncated: boolean } | null;
  };
  /** `value` null: no rule had `min_evaluations` evaluations, the guardrail was not evaluated. */
  fallback: { value: number | null; rule: string | null; threshold: number; min_evaluations: number };
  /** Experiment memos: readout of the shared review, rollout guidance (snake_case). */
  experiments: Record<string, unknown>[];
  anomalies: {
    freshness: Record<string, unknown>[];
    suppression: Record<string, unknown>[];
    kpis: IssuesOutput['kpis'];
    /** The daily KPIs are computed on users whose id hashes to 1 in this many (1 = every user). */
    kpi_sample_every: number;
    /**
     * A KPI without any outcome of its kind before as-of (`kpis[].skipped`) has null counts and
     * rate on every day: unknown, not 0.
     */
    daily: (Omit<DailyKpiRow, 'engaged' | 'converters' | 'revenue' | 'revenue_sum_squares'> & {
      engaged: number | null;
      converters: number | null;
      revenue: number | null;
      revenue_sum_squares: number | null;
      conversion_rate: number | null;
      engagement_rate: number | null;
      revenue_per_user: number | null;
    })[];
    items: AnomalyOut[];
  };
  backlog: {
    /** Ranked items (snake_case of the backlog): id, severity, owner, due, projected_lift, repeat… */
    items: Record<string, unknown>[];
    by_severity: Record<string, number>;
    repeats: string[];
    resolved: string[];
    previous_run: string | null;
  };
  alerts: AlertRecord[];
  escalations: EscalationRecord[];
  /** Escalations made at once (consent violations), besides the kit's second-breach escalations. */
  immediate_escalations: ImmediateEscalation[];
  row_accounting: (RowAccounting & { entity: string })[];
  rejects: { rows: number; file: string | null; top_reasons: { reason: string; rows: number }[] };
  /** Per source and kept source: rows dropped as duplicates, and how many of them differed from the row kept. */
  duplicates: NormalizeResult['duplicates'];
}

const rate = (x: number, n: number) => (n > 0 ? x / n : null);

/**
 * The daily KPI rows with their rates; a KPI without any outcome of its kind before as-of (no
 * outcome rows, or none of its events) reads null, not a series of 0 (no outcome could have been seen).
 */
export function dailyRows(
  daily: readonly DailyKpiRow[],
  kpiLatest: { engagement: string | null; conversion: string | null; revenue: string | null },
): MonitorPersonalizationResult['anomalies']['daily'] {
  const known = <T>(kind: keyof typeof kpiLatest, v: T): T | null => (kpiLatest[kind] === null ? null : v);
  return daily.map((r) => ({
    day: r.day,
    users: r.users,
    engaged: known('engagement', r.engaged),
    converters: known('conversion', r.converters),
    revenue: known('revenue', r.revenue),
    revenue_sum_squares: known('revenue', r.revenue_sum_squares),
    conversion_rate: known('conversion', rate(r.converters, r.users)),
    engagement_rate: known('engagement', rate(r.engaged, r.users)),
    revenue_per_user: known('revenue', rate(r.revenue, r.users)),
  }));
}

/** The result of a run, assembled once every stage has finished. */
export function buildMonitorPersonalizationResult(
  run: Run,
  o: MonitorPersonalizationOutputs,
  closing: Closing,
): MonitorPersonalizationResult {
  const { aggregate: a, governance: g, issues: i, backlog: b, normalize: n } = o;
  const scan = snakeKeys(g.scan) as Record<string, unknown>;
  return {
    schema: MONITOR_PERSONALIZATION_SCHEMA_ID,
    run_id: run.runId,
    plan_path: closing.plan_path,
    reports_dir: run.rel(run.reportsDir),
    as_of: run.inputs.inputs.as_of,
    inputs: run.inputs.inputs,
    window: run.inputs.window,
    currency: run.ws.currency.reporting,
    initiative: a.initiative,
    totals: a.totals,
    performance: snakeKeys(a.performance) as MonitorPersonalizationResult['performance'],
    governance: {
      ...scan,
      consent_source: g.consent_source,
      status: g.scan.checklist.status,
      unclaimed_rules: g.unclaimed_rules ?? [],
      consent_users: g.consent_users
        ? {
            file: 'consent_violation_users.csv',
            listed: g.consent_users.rows.length,
            truncated: g.consent_users.truncated,
          }
        : null,
    },
    fallback: g.fallback,
    experiments: snakeKeys(o.experiments.memos) as Record<string, unknown>[],
    anomalies: {
      freshness: snakeKeys(i.freshness) as Record<string, unknown>[],
      suppression: snakeKeys(i.suppression) as Record<string, unknown>[],
      kpis: i.kpis,
      kpi_sample_every: a.kpi_sample_every,
      daily: dailyRows(a.daily, a.kpiLatest),
      items: i.anomalies,
    },
    backlog: {
      items: snakeKeys(b.items) as Record<string, unknown>[],
      by_severity: b.by_severity,
      repeats: b.repeats,
      resolved: b.resolved,
      previous_run: b.previous_run,
    },
    alerts: closing.alerts,
    escalations: closing.escalations,
    immediate_escalations: b.immediate_escalations,
    row_accounting: n.accounting,
    rejects: {
      rows: n.rejects.length,
      file: n.rejects.length ? run.rel(`${run.reportsDir}/rejects.csv`) : null,
      top_reasons: topReasons(n.rejects.map((r) => r.reason)).slice(0, 5),
    },
    duplicates: n.duplicates,
  };
}
