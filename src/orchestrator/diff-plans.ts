import { canonicalJson, diffSettings } from './change-log.ts';
import type { ChangeLogEntry, PlanRecord, TaskStatus } from './plan-record.ts';

export type Change = 'added' | 'removed' | 'changed' | 'unchanged';

/** One keyed item (a source, an alert, a stage) in two plans; `a` or `b` is null when absent there. */
export interface ItemDiff<T> {
  key: string;
  change: Change;
  a: T | null;
  b: T | null;
}

export interface PlanRef {
  plan_id: string;
  command: string;
  scope: string;
  status: PlanRecord['status'];
  started_at: string;
}

export interface PlanDiff {
  a: PlanRef;
  b: PlanRef;
  /** Settings and inputs from a to b, in change-log form. */
  settings: ChangeLogEntry[];
  inputs: ChangeLogEntry[];
  /** Keyed `task_id/source`. */
  fingerprints: ItemDiff<{ rows: number; hash: string }>[];
  /** Keyed `task_id/source`. */
  rows: ItemDiff<{ rows_in: number; accepted: number; deduplicated: number; rejected: number }>[];
  /** Keyed by alert id; `value_delta` is b − a when both evaluated it. */
  alerts: (ItemDiff<{
    metric: string;
    value: number;
    threshold: number;
    breached: boolean;
    consecutive_breaches: number;
  }> & {
    value_delta: number | null;
  })[];
  /** Keyed by task id; `duration_delta_ms` is b − a when both have a duration. */
  stages: (ItemDiff<{ name: string; status: TaskStatus; attempts: number; duration_ms: number | null }> & {
    duration_delta_ms: number | null;
  })[];
}

/** Pairs items of two lists by key, in a's order then b's new keys. `same` decides `unchanged`. */
function pair<T>(
  a: T[],
  b: T[],
  key: (item: T) => string,
  same: (x: T, y: T) => boolean = (x, y) => canonicalJson(x) === canonicalJson(y),
): ItemDiff<T>[] {
  const inA = new Map(a.map((x) => [key(x), x]));
  const inB = new Map(b.map((x) => [key(x), x]));
  const keys = [...inA.keys(), ...[...inB.keys()].filter((k) => !inA.has(k))];
  return keys.map((k) => {
    const x = inA.get(k) ?? null;
    const y = inB.get(k) ?? null;
    const change: Change =
      x === null ? 'added' : y === null ? 'removed' : same(x, y) ? 'unchanged' : 'changed';
    return { key: k, change, a: x, b: y };
  });
}

const ref = (p: PlanRecord): PlanRef => ({
  plan_id: p.plan_id,
  command: p.command,
  scope: p.scope,
  status: p.status,
  started_at: p.started_at,
});

/**
 * What changed from plan `a` to plan `b` (usually an earlier and a later run of the same command and
 * scope): settings, inputs, data fingerprints, row counts, alert values, stage statuses and
 * durations. Durations always differ, so stages count as `changed` only when status or attempts do.
 *
 * @example
 * const [latest, before] = await listPlans(dir, { command: 'track-source', scope: 'AI Launch Tour' });
 * console.log(formatPlanDiff(diffPlans(before.record, latest.record)));
 */
export function diffPlans(a: PlanRecord, b: PlanRecord): PlanDiff {
  const tasks = (p: PlanRecord) =>
    p.stages
      .flatMap((s) => s.tasks)
      .map((t) => ({
        id: t.task_id,
        name: t.name,
        status: t.status,
        attempts: t.attempts,
        duration_ms: t.duration_ms,
      }));
  const sourceKey = (x: { task_id: string; source: string }) => `${x.task_id}/${x.source}`;
  const fp = (p: PlanRecord) =>
    p.data_fingerprints.map((f) => ({ k: sourceKey(f), rows: f.rows, hash: f.hash }));
  const rows = (p: PlanRecord) =>
    p.row_accounting.map((r) => ({
      k: sourceKey(r),
      rows_in: r.rows_in,
      accepted: r.accepted,
      deduplicated: r.deduplicated,
      rejected: r.rejected,
    }));
  const alerts = (p: PlanRecord) =>
    p.alerts.map((x) => ({
      id: x.id,
      metric: x.metric,
      value: x.value,
      threshold: x.threshold,
      breached: x.breached,
      consecutive_breaches: x.consecutive_breaches,
    }));
  const strip = <T extends object, K extends keyof T>(item: ItemDiff<T>, drop: K): ItemDiff<Omit<T, K>> => {
    const without = (v: T | null) => {
      if (v === null) return null;
      const copy = { ...v };
      delete copy[drop];
      return copy as Omit<T, K>;
    };
    return { key: item.key, change: item.change, a: without(item.a), b: without(item.b) };
  };

  return {
    a: ref(a),
    b: ref(b),
    settings: diffSettings(a.settings, b.settings),
    inputs: diffSettings(a.inputs, b.inputs),
    fingerprints: pair(fp(a), fp(b), (x) => x.k).map((d) => strip(d, 'k')),
    rows: pair(rows(a), rows(b), (x) => x.k).map((d) => strip(d, 'k')),
    alerts: pair(
      alerts(a),
      alerts(b),
      (x) => x.id,
      (x, y) => x.value === y.value && x.breached === y.breached && x.threshold === y.threshold,
    ).map((d) => ({
      ...strip(d, 'id'),
      value_delta: d.a && d.b ? d.b.value - d.a.value : null,
    })),
    stages: pair(
      tasks(a),
      tasks(b),
      (x) => x.id,
      (x, y) => x.status === y.status && x.attempts === y.attempts,
    ).map((d) => ({
      ...strip(d, 'id'),
      duration_delta_ms:
        d.a?.duration_ms != null && d.b?.duration_ms != null ? d.b.duration_ms - d.a.duration_ms : null,
    })),
  };
}
