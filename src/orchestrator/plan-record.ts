import type { RowAccounting } from '../contracts/index.ts';
import type { AlertEvaluation } from './evaluate-alert.ts';
import type { FallbackUsed } from './resolve-owner.ts';

/** Version of the plan JSON; `plan.schema.json` describes exactly this version. */
export const PLAN_SCHEMA_VERSION = 1 as const;

export type PlanStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

/**
 * `interrupted`: a task of a run whose signal aborted while it ran or waited (its statement stopped,
 * not retried), or of a process that died (`markInterrupted`).
 */
export type TaskStatus =
  'pending' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped' | 'interrupted';

export interface TaskError {
  code: string;
  message: string;
  retriable: boolean;
  where?: string;
  hint?: string;
}

export interface AttemptRecord {
  attempt: number;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  outcome: 'running' | 'succeeded' | 'failed' | 'interrupted';
  error?: TaskError;
  /** Backoff waited after this attempt before the next one. */
  retry_delay_ms?: number;
}

export interface TaskRecord {
  task_id: string;
  name: string;
  kind: 'task' | 'merge-gate';
  /** Owner role. */
  agent: string;
  /** Resolved person, or null when nobody along the fallback chain is available. */
  owner: string | null;
  /** The role the owner came from when a fallback was used. */
  owner_role: string;
  purpose: string;
  input: unknown;
  output_var: string;
  dependencies: string[];
  conditional: boolean;
  status: TaskStatus;
  attempts: number;
  max_retries: number;
  started_at: string | null;
  ended_at: string | null;
  /** From the first attempt's start to the end of the last, backoff included. */
  duration_ms: number | null;
  error: TaskError | null;
  skip_reason: string | null;
  attempt_log: AttemptRecord[];
}

export interface StageRecord {
  stage_id: string;
  name: string;
  execution: 'sequential' | 'parallel';
  tasks: TaskRecord[];
}

export interface DataFingerprint {
  task_id: string;
  source: string;
  rows: number;
  hash: string;
  columns?: string[];
  recorded_at: string;
}

/** Row accounting as the plan records it: the shared type plus the task that counted. */
export type RowAccountingRecord = RowAccounting & { task_id: string };

export interface AlertRecord extends AlertEvaluation {
  task_id: string;
  evaluated_at: string;
}

export interface EscalationRecord {
  alert_id: string;
  metric: string;
  task_id: string;
  level: number;
  role: string | null;
  person: string | null;
  fallback_used: FallbackUsed | null;
  consecutive_breaches: number;
  value: number;
  threshold: number;
  direction: 'below' | 'above';
  at: string;
}

export interface FallbackRecord extends FallbackUsed {
  /** What needed an owner: `task:<id>`, `alert:<id>` or `escalation:<id>`. */
  context: string;
  person: string | null;
  on: string;
}

export interface NoteRecord {
  at: string;
  task_id: string | null;
  message: string;
}

/**
 * One difference between the settings of two plans. `field` is a dotted path (`model`,
 * `sources.crm`, `thresholds.min_roas`); a key that is not a plain identifier is bracketed and
 * quoted (`sources["orders.csv"]`). The first plan of a command and scope has one `initial` entry.
 */
export interface ChangeLogEntry {
  field: string;
  change: 'initial' | 'added' | 'removed' | 'changed';
  from: unknown;
  to: unknown;
}

/** The plan JSON: the plan as declared plus its execution record. */
export interface PlanRecord {
  plan_id: string;
  schema_version: typeof PLAN_SCHEMA_VERSION;
  run_id: string;
  command: string;
  scope: string;
  objective: string;
  complexity: 'low' | 'medium' | 'high';
  strategy: 'pipeline' | 'diamond' | 'fan-out' | 'conditional';
  stages: StageRecord[];
  parallelization: { enabled: boolean; max_concurrency: number; parallel_groups: string[][] };
  error_handling: {
    retry_strategy: string;
    max_retries: number;
    backoff_ms: number;
    fallback_plan: string;
    escalation_ladder: string[];
  };
  success_criteria: string[];
  deliverables: string[];
  status: PlanStatus;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  /** Set by `markInterrupted` when it found the run's process gone. */
  interrupted_at?: string;
  pid: number;
  hostname: string;
  as_of: string;
  inputs: Record<string, unknown>;
  settings: Record<string, unknown>;
  data_fingerprints: DataFingerprint[];
  row_accounting: RowAccountingRecord[];
  alerts: AlertRecord[];
  escalations: EscalationRecord[];
  fallbacks_used: FallbackRecord[];
  notes: NoteRecord[];
  change_log: ChangeLogEntry[];
  previous_plan_id: string | null;
  /** The failure that ended the run, when it failed. */
  error: (TaskError & { task_id: string }) | null;
}
