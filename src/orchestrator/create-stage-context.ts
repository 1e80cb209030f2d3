import { GtmError } from '../errors/index.ts';
import {
  evaluateAlert,
  type AlertEvaluation,
  type AlertHistoryEntry,
  type AlertInput,
} from './evaluate-alert.ts';
import { changeLog } from './change-log.ts';
import type { FallbackRecord, PlanRecord } from './plan-record.ts';
import type { FingerprintInput, PlanSpec, RowAccountingInput, RunEvent, StageContext } from './plan-spec.ts';
import type { FallbackUsed } from './resolve-owner.ts';

/** What a stage context needs from the running plan. */
export interface ContextHost {
  record: PlanRecord;
  /** Path of the plan file. */
  path: string;
  spec: PlanSpec;
  signal: AbortSignal;
  iso(): string;
  /** Requests a write of the record; failures surface at the end of the run. */
  save(): void;
  emit(e: RunEvent): void;
  previousAlert(id: string): AlertHistoryEntry | null;
  /** The previous plan of the same command and scope, for the change log. */
  previous: { settings: Record<string, unknown> } | null;
  /** Work that records into the plan after the attempt returned (a fingerprint still hashing); the run awaits it before its final write. */
  defer(work: Promise<void>): void;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/**
 * Removes what earlier attempts of a task recorded, so that after a retry the plan holds the data
 * of the attempt that counted, not a mix.
 */
export function clearTaskRecords(record: PlanRecord, taskId: string): void {
  const alertIds = new Set(record.alerts.filter((a) => a.task_id === taskId).map((a) => a.id));
  record.data_fingerprints = record.data_fingerprints.filter((f) => f.task_id !== taskId);
  record.row_accounting = record.row_accounting.filter((r) => r.task_id !== taskId);
  record.alerts = record.alerts.filter((a) => a.task_id !== taskId);
  record.escalations = record.escalations.filter((e) => e.task_id !== taskId);
  record.fallbacks_used = record.fallbacks_used.filter((f) => {
    const [kind, id] = [
      f.context.slice(0, f.context.indexOf(':')),
      f.context.slice(f.context.indexOf(':') + 1),
    ];
    return !((kind === 'alert' || kind === 'escalation') && alertIds.has(id));
  });
}

/**
 * The `StageContext` of one attempt. Its recording methods write into the plan record and request a
 * save; once the attempt has ended (`close`), they throw, because a stage that keeps writing after
 * it returned would change a record already reported.
 */
export function createStageContext(
  host: ContextHost,
  taskId: string,
  attempt: number,
  outputs: Record<string, unknown>,
): StageContext & { close(): void } {
  let open = true;
  const where = `stage ${taskId}`;
  const ensureOpen = (what: string) => {
    if (!open) {
      throw new GtmError('INTERNAL', `ctx.${what}() called after the stage attempt ended`, {
        where,
        hint: 'await all work inside run() before returning',
      });
    }
  };
  const invalid = (message: string, hint: string) => new GtmError('DATA', message, { where, hint });
  const pushFallback = (context: string, used: FallbackUsed | null, person: string | null) => {
    if (!used) return;
    const entry: FallbackRecord = { context, ...used, person, on: host.spec.asOf };
    host.record.fallbacks_used.push(entry);
  };

  return {
    outputs,
    attempt,
    stageId: taskId,
    signal: host.signal,
    planPath: host.path,

    recorded() {
      return {
        alerts: structuredClone(host.record.alerts),
        escalations: structuredClone(host.record.escalations),
      };
    },

    fingerprint(f: FingerprintInput) {
      ensureOpen('fingerprint');
      const pending = typeof f.hash === 'object' && f.hash !== null && typeof f.hash.then === 'function';
      if (!f.source || !isCount(f.rows) || (!pending && (typeof f.hash !== 'string' || f.hash === ''))) {
        throw invalid(
          `invalid fingerprint for "${String(f.source)}"`,
          'pass a source name, a non-negative integer row count and a content hash',
        );
      }
      const record = (hash: unknown) => {
        if (typeof hash !== 'string' || hash === '')
          throw invalid(
            `invalid fingerprint for "${f.source}"`,
            'the content hash must be a non-empty string',
          );
        host.record.data_fingerprints = host.record.data_fingerprints.filter(
          (x) => !(x.task_id === taskId && x.source === f.source),
        );
        host.record.data_fingerprints.push({
          task_id: taskId,
          source: f.source,
          rows: f.rows,
          hash,
          ...(f.columns ? { columns: [...f.columns] } : {}),
          recorded_at: host.iso(),
        });
        // Source content is part of the settings the change log compares: a changed file or table
        // shows as `sources.<name> changed`, which only a stage reading it can know.
        const settings = host.record.settings as Record<string, unknown>;
        const sources =
          settings.sources && typeof settings.sources === 'object'
            ? (settings.sources as Record<string, unknown>)
            : {};
        settings.sources = { ...sources, [f.source]: hash };
        host.record.change_log = changeLog(host.previous, settings);
        host.save();
      };
      if (pending) host.defer((f.hash as Promise<string>).then(record));
      else record(f.hash);
    },

    setting(key: string, value: unknown) {
      ensureOpen('setting');
      const settings = host.record.settings as Record<string, unknown>;
      settings[key] = JSON.parse(JSON.stringify(value ?? null));
      host.record.change_log = changeLog(host.previous, settings);
      host.save();
    },

    rows(a: RowAccountingInput) {
      ensureOpen('rows');
      const counts = [a.rows_in, a.accepted, a.deduplicated, a.rejected];
      if (!a.source || !counts.every(isCount)) {
        throw invalid(
          `invalid row accounting for "${String(a.source)}"`,
          'counts must be non-negative integers',
        );
      }
      if (a.rows_in !== a.accepted + a.deduplicated + a.rejected) {
        throw invalid(
          `row accounting for "${a.source}" does not reconcile: ${a.rows_in} rows in, but ${a.accepted} accepted + ${a.deduplicated} deduplicated + ${a.rejected} rejected = ${a.accepted + a.deduplicated + a.rejected}`,
          'every input row must end in exactly one bucket; look for rows dropped by a filter or a join',
        );
      }
      host.record.row_accounting = host.record.row_accounting.filter(
        (x) => !(x.task_id === taskId && x.source === a.source),
      );
      host.record.row_accounting.push({
        task_id: taskId,
        source: a.source,
        rows_in: a.rows_in,
        accepted: a.accepted,
        deduplicated: a.deduplicated,
        rejected: a.rejected,
        ...(a.entity ? { entity: a.entity } : {}),
        ...(a.rejects_file ? { rejects_file: a.rejects_file } : {}),
      });
      host.save();
    },

    alert(input: AlertInput): AlertEvaluation {
      ensureOpen('alert');
      const other = host.record.alerts.find((x) => x.id === input.id && x.task_id !== taskId);
      if (other) {
        throw new GtmError(
          'INTERNAL',
          `alert "${input.id}" was already evaluated by stage "${other.task_id}"`,
          {
            where,
            hint: 'alert ids identify an alert across runs; give each alert its own id',
          },
        );
      }
      const at = host.iso();
      const evaluation = evaluateAlert(input, host.previousAlert(input.id), {
        escalationLadder: host.spec.errorHandling.escalationLadder,
        roster: host.spec.roster,
        asOf: host.spec.asOf,
        now: at,
      });
      // Re-evaluating the same alert in one attempt replaces the earlier evaluation.
      host.record.alerts = host.record.alerts.filter((x) => x.id !== input.id);
      host.record.escalations = host.record.escalations.filter((x) => x.alert_id !== input.id);
      host.record.fallbacks_used = host.record.fallbacks_used.filter(
        (f) => f.context !== `alert:${input.id}` && f.context !== `escalation:${input.id}`,
      );
      host.record.alerts.push({ task_id: taskId, evaluated_at: at, ...structuredClone(evaluation) });
      byStageOrder(host.record.alerts, host.spec);
      if (evaluation.owner)
        pushFallback(`alert:${input.id}`, evaluation.owner.fallbackUsed, evaluation.owner.person);
      const esc = evaluation.escalation;
      if (esc) {
        host.record.escalations.push({
          alert_id: input.id,
          metric: input.metric,
          task_id: taskId,
          level: esc.level,
          role: esc.role,
          person: esc.person,
          fallback_used: esc.fallbackUsed,
          consecutive_breaches: evaluation.consecutive_breaches,
          value: input.value,
          threshold: input.threshold,
          direction: input.direction,
          at,
        });
        pushFallback(`escalation:${input.id}`, esc.fallbackUsed, esc.person);
        byStageOrder(host.record.escalations, host.spec);
      }
      host.emit({ type: 'alert', task_id: taskId, evaluation, at });
      host.save();
      return evaluation;
    },

    note(message: string) {
      ensureOpen('note');
      host.record.notes.push({ at: host.iso(), task_id: taskId, message: String(message) });
      host.save();
    },

    progress(message: string) {
      // Progress after the end is harmless noise, not a record change: drop it quietly.
      if (open) host.emit({ type: 'progress', task_id: taskId, message: String(message), at: host.iso() });
    },

    close() {
      open = false;
    },
  };
}

/**
 * Keeps alerts and escalations in the plan's stage order (each stage's in the order it raised them),
 * not in the order parallel stages happened to finish: the same run gives the same lists, in the
 * plan record and in every report built from it. `evaluated_at` / `at` still say when.
 */
function byStageOrder<T extends { task_id: string }>(list: T[], spec: Pick<PlanSpec, 'stages'>): void {
  const rank = new Map(spec.stages.map((s, i) => [s.id, i]));
  const at = (x: T) => rank.get(x.task_id) ?? spec.stages.length;
  // Array.prototype.sort is stable: raise order within a stage is kept
  list.sort((a, b) => at(a) - at(b));
}
