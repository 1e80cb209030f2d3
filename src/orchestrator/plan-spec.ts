import type { AlertEvaluation, AlertInput } from './evaluate-alert.ts';
import type { AlertRecord, EscalationRecord, PlanStatus, TaskError } from './plan-record.ts';
import type { Roster } from './resolve-owner.ts';
import type { RowAccounting } from '../contracts/index.ts';

/** What a stage reports about one source it read: enough to tell later whether the data changed. */
export interface FingerprintInput {
  source: string;
  rows: number;
  /**
   * The content hash, or its promise: a hash still being computed (a large file read again byte by
   * byte) is recorded when it settles, while the run goes on; the plan is final only after it.
   */
  hash: string | Promise<string>;
  columns?: string[];
}

/** Where every input row of a source went. `rows_in` must equal accepted + deduplicated + rejected. */
export type RowAccountingInput = RowAccounting;

/** What a stage's `run` gets: the outputs of the stages before it, and the record it writes into. */
export interface StageContext {
  /** Outputs of the stages that finished before this attempt started, keyed by `outputVar` (frozen). */
  outputs: Record<string, unknown>;
  /** 1 on the first try, 2 on the first retry, … */
  attempt: number;
  stageId: string;
  /** Aborted when the run is interrupted (`RunOptions.signal`); long stages should pass it on. */
  signal: AbortSignal;
  /** Records the source's rows and content hash in `data_fingerprints`. */
  fingerprint(f: FingerprintInput): void;
  /** Records row accounting; throws `DATA` when the buckets do not add up to `rows_in`. */
  rows(accounting: RowAccountingInput): void;
  /** Evaluates an alert against its threshold and the alert history of this command and scope. */
  alert(a: AlertInput): AlertEvaluation;
  /**
   * Records a setting only a stage can know (e.g. the events a catalog produced, the governance rules
   * in force); it joins `settings` and the change log against the previous plan is recomputed.
   */
  setting(key: string, value: unknown): void;
  /** A line kept in the plan's `notes` (decisions, caveats). */
  note(message: string): void;
  /** A transient progress line for the terminal; not kept in the plan. */
  progress(message: string): void;
  /** Where the plan record is written (known from the start of the run). */
  readonly planPath: string;
  /**
   * The alerts and escalations recorded so far, for a closing stage (the report) that runs after
   * every stage that raises them.
   */
  recorded(): { alerts: readonly AlertRecord[]; escalations: readonly EscalationRecord[] };
}

/**
 * One stage of a plan as a command declares it. In the plan record it becomes a task; tasks whose
 * dependencies finish together form a record stage and run in parallel. `Out` types the value `run`
 * resolves to.
 */
export interface StageDef<Out = unknown> {
  id: string;
  name: string;
  /** A role of the roster; the person is resolved at `PlanSpec.asOf`. */
  owner: string;
  purpose: string;
  /** Key under which the value returned by `run` is stored in the outputs. */
  outputVar: string;
  dependsOn: string[];
  kind?: 'task' | 'merge-gate';
  /** Retries after the first attempt, for retriable errors only. Default `errorHandling.maxRetries` (2). */
  maxRetries?: number;
  /** Evaluated once the dependencies are done; false → the stage is `skipped` and counts as done. */
  condition?: (outputs: Record<string, unknown>) => boolean;
  /** What the task reads, for the record; default: references to the outputs of its dependencies. */
  input?: unknown;
  /** Its resolved value is stored in the outputs under `outputVar`. */
  run: (ctx: StageContext) => Promise<Out>;
}

export interface PlanSettings {
  model?: string;
  /** source name → fingerprint hash */
  sources?: Record<string, string>;
  thresholds?: Record<string, number>;
  cadence?: string;
  [k: string]: unknown;
}

/** A plan as a command builds it, before it runs. */
export interface PlanSpec {
  command: string;
  /** e.g. a campaign id; plans of the same command and scope form a history (alerts, change log). */
  scope: string;
  objective: string;
  complexity: 'low' | 'medium' | 'high';
  strategy: 'pipeline' | 'diamond' | 'fan-out' | 'conditional';
  inputs: Record<string, unknown>;
  /** Compared with the previous plan of the same command and scope for the change log. */
  settings: PlanSettings;
  stages: StageDef[];
  successCriteria: string[];
  deliverables: string[];
  errorHandling: {
    retryStrategy?: string;
    /** Default 2 (3 attempts in all). */
    maxRetries?: number;
    /** Base of the exponential backoff in ms (base × 2^(retry − 1)); default 200. */
    backoffMs?: number;
    fallbackPlan: string;
    /** Roles to escalate to, in order. */
    escalationLadder: string[];
  };
  roster: Roster;
  /** ISO date at which owners' availability is checked. */
  asOf: string;
}

/** Progress of a run, for the CLI to show. Never persisted; the plan file is the record. */
export type RunEvent =
  | { type: 'run-started'; plan_id: string; path: string; at: string }
  | { type: 'stage-started'; task_id: string; name: string; attempt: number; at: string }
  | {
      type: 'stage-retrying';
      task_id: string;
      name: string;
      attempt: number;
      delay_ms: number;
      error: TaskError;
      at: string;
    }
  | {
      type: 'stage-succeeded';
      task_id: string;
      name: string;
      attempt: number;
      duration_ms: number;
      at: string;
    }
  | { type: 'stage-failed'; task_id: string; name: string; attempts: number; error: TaskError; at: string }
  | { type: 'stage-skipped'; task_id: string; name: string; reason: string; at: string }
  | { type: 'progress'; task_id: string; message: string; at: string }
  | { type: 'alert'; task_id: string; evaluation: AlertEvaluation; at: string }
  | { type: 'run-finished'; plan_id: string; status: PlanStatus; duration_ms: number; at: string };

export interface RunOptions {
  /** Directory of plan files, usually `.claude/plans`. Created when missing. */
  planDir: string;
  /** Clock for timestamps and file names; durations use the monotonic clock. */
  now?: () => Date;
  /** Run id shared with the reports folder; defaults to the plan id. */
  runId?: string;
  onEvent?: (e: RunEvent) => void;
  /** Aborting interrupts the run: no new stage starts, running ones see `ctx.signal`. */
  signal?: AbortSignal;
}
