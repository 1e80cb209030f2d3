import { changeLog } from './change-log.ts';
import type { PlanGraph } from './plan-graph.ts';
import {
  PLAN_SCHEMA_VERSION,
  type FallbackRecord,
  type NoteRecord,
  type PlanRecord,
  type TaskRecord,
} from './plan-record.ts';
import type { PlanSpec } from './plan-spec.ts';
import { resolveOwner } from './resolve-owner.ts';

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_BACKOFF_MS = 200;

/** A JSON copy: the record must not change when the caller later mutates its inputs, and must serialize. */
export function jsonCopy<T>(value: T): T {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return text === undefined ? (null as T) : (JSON.parse(text) as T);
}

export interface RecordIdentity {
  planId: string;
  runId?: string;
  startedAt: Date;
  previous: PlanRecord | null;
  /** The last succeeded plan of the same command and scope: what the change log compares with (default `previous`). */
  changeBase?: PlanRecord | null;
  pid: number;
  hostname: string;
}

/**
 * The first version of a plan record, status `running`, all tasks `pending`, owners resolved at
 * `spec.asOf`, and the change log against the previous plan of the same command and scope.
 *
 * @example
 * const record = buildPlanRecord(spec, planGraph(spec), { planId, startedAt: new Date(), previous: null, pid: process.pid, hostname: 'ci' });
 */
export function buildPlanRecord(spec: PlanSpec, graph: PlanGraph, id: RecordIdentity): PlanRecord {
  const at = id.startedAt.toISOString();
  const planMaxRetries = spec.errorHandling.maxRetries ?? DEFAULT_MAX_RETRIES;
  const fallbacks: FallbackRecord[] = [];
  const notes: NoteRecord[] = [];

  const task = (stageId: string): TaskRecord => {
    const def = graph.byId.get(stageId)!;
    const owner = resolveOwner(spec.roster, def.owner, spec.asOf, spec.errorHandling.escalationLadder[0]);
    if (owner.fallbackUsed) {
      fallbacks.push({
        context: `task:${def.id}`,
        ...owner.fallbackUsed,
        person: owner.person,
        on: spec.asOf,
      });
    }
    if (owner.person === null) notes.push({ at, task_id: def.id, message: owner.reason ?? 'no owner' });
    return {
      task_id: def.id,
      name: def.name,
      kind: def.kind ?? 'task',
      agent: def.owner,
      owner: owner.person,
      owner_role: owner.role,
      purpose: def.purpose,
      input: jsonCopy(def.input ?? def.dependsOn.map((dep) => `$${graph.byId.get(dep)!.outputVar}`)),
      output_var: def.outputVar,
      dependencies: [...def.dependsOn],
      conditional: def.condition !== undefined,
      status: 'pending',
      attempts: 0,
      max_retries: def.maxRetries ?? planMaxRetries,
      started_at: null,
      ended_at: null,
      duration_ms: null,
      error: null,
      skip_reason: null,
      attempt_log: [],
    };
  };

  const settings = jsonCopy(spec.settings) as Record<string, unknown>;
  const parallel = graph.levels.filter((l) => l.length > 1);
  return {
    plan_id: id.planId,
    schema_version: PLAN_SCHEMA_VERSION,
    run_id: id.runId ?? id.planId,
    command: spec.command,
    scope: spec.scope,
    objective: spec.objective,
    complexity: spec.complexity,
    strategy: spec.strategy,
    stages: graph.levels.map((level, i) => ({
      stage_id: `stage-${i + 1}`,
      name: level.map((s) => s.name).join(' ‖ '),
      execution: level.length > 1 ? 'parallel' : 'sequential',
      tasks: level.map((s) => task(s.id)),
    })),
    parallelization: {
      enabled: parallel.length > 0,
      max_concurrency: Math.max(0, ...graph.levels.map((l) => l.length)),
      parallel_groups: parallel.map((l) => l.map((s) => s.id)),
    },
    error_handling: {
      retry_strategy:
        spec.errorHandling.retryStrategy ??
        `retry retriable errors up to ${planMaxRetries} times with exponential backoff`,
      max_retries: planMaxRetries,
      backoff_ms: spec.errorHandling.backoffMs ?? DEFAULT_BACKOFF_MS,
      fallback_plan: spec.errorHandling.fallbackPlan,
      escalation_ladder: [...spec.errorHandling.escalationLadder],
    },
    success_criteria: [...spec.successCriteria],
    deliverables: [...spec.deliverables],
    status: 'running',
    started_at: at,
    ended_at: null,
    duration_ms: null,
    pid: id.pid,
    hostname: id.hostname,
    as_of: spec.asOf,
    inputs: jsonCopy(spec.inputs),
    settings,
    data_fingerprints: [],
    row_accounting: [],
    alerts: [],
    escalations: [],
    fallbacks_used: fallbacks,
    notes,
    change_log: changeLog(id.changeBase === undefined ? id.previous : id.changeBase, settings),
    previous_plan_id: id.previous?.plan_id ?? null,
    error: null,
  };
}
