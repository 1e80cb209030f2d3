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

/**
 * A source one plan read (its `settings.sources` entry is the content hash it fingerprinted) and
 * the other only declared (`file:path`, `postgres:table`): the two values are not comparable.
 */
export interface SourceNotCompared {
  source: string;
  /** The plan that read it. */
  only_in: 'a' | 'b';
  a: unknown;
  b: unknown;
}

export interface PlanDiff {
  a: PlanRef;
  b: PlanRef;
  /** Set when the plans are of different commands or scopes (`comparing X "s" with Y "t"`), else null. */
  note: string | null;
  /**
   * Settings and inputs from a to b, in change-log form. `sources.<name>` is compared only where
   * both plans recorded it the same way (both read it, or neither did).
   */
  settings: ChangeLogEntry[];
  /** The sources read by one plan only, left out of `settings`. */
  sources_not_compared: SourceNotCompared[];
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

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a plan read a source: its settings entry is the hash of one of its fingerprints. */
const readBy = (p: PlanRecord, source: string, value: unknown): boolean =>
  p.data_fingerprints.some((f) => f.source === source && f.hash === value);

/**
 * The settings of both plans with the sources recorded differently (read by one, only declared by
 * the other) taken out of `sources`, and those sources.
 */
function comparableSettings(
  a: PlanRecord,
  b: PlanRecord,
): { a: Record<string, unknown>; b: Record<string, unknown>; apart: SourceNotCompared[] } {
  const sa = a.settings.sources;
  const sb = b.settings.sources;
  if (!isPlainObject(sa) || !isPlainObject(sb)) return { a: a.settings, b: b.settings, apart: [] };
  const apart: SourceNotCompared[] = [];
  for (const source of Object.keys(sa)) {
    if (!Object.hasOwn(sb, source)) continue;
    const inA = readBy(a, source, sa[source]);
    if (inA !== readBy(b, source, sb[source]))
      apart.push({ source, only_in: inA ? 'a' : 'b', a: sa[source], b: sb[source] });
  }
  const without = (sources: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(sources).filter(([k]) => !apart.some((x) => x.source === k)));
  return {
    a: { ...a.settings, sources: without(sa) },
    b: { ...b.settings, sources: without(sb) },
    apart,
  };
}

/**
 * What changed from plan `a` to plan `b` (usually an earlier and a later run of the same command and
 * scope): settings, inputs, data fingerprints, row counts, alert values, stage statuses and
 * durations. Durations always differ, so stages count as `changed` only when status or attempts do.
 * A source is compared only where both plans recorded it the same way: a plan's settings hold the
 * content hash of each source it read and the declaration (`file:path`) of the others, so plans of
 * two commands list the sources only one of them read in `sources_not_compared`.
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
  const standIn = new Set([...a.alerts, ...b.alerts].filter((x) => x.detail).map((x) => x.id));
  const strip = <T extends object, K extends keyof T>(item: ItemDiff<T>, drop: K): ItemDiff<Omit<T, K>> => {
    const without = (v: T | null) => {
      if (v === null) return null;
      const copy = { ...v };
      delete copy[drop];
      return copy as Omit<T, K>;
    };
    return { key: item.key, change: item.change, a: without(item.a), b: without(item.b) };
  };

  const comparable = comparableSettings(a, b);
  return {
    a: ref(a),
    b: ref(b),
    note:
      a.command !== b.command || a.scope !== b.scope
        ? `comparing ${a.command} "${a.scope}" with ${b.command} "${b.scope}"`
        : null,
    settings: diffSettings(comparable.a, comparable.b),
    sources_not_compared: comparable.apart,
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
      // no delta where a side's value only stands in for a figure (`detail`: e.g. no rows)
      value_delta: d.a && d.b && !standIn.has(d.a.id) ? d.b.value - d.a.value : null,
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
