/**
 * The orchestrator: plan model, executor (pipeline, diamond/fan-out with merge gates, conditional
 * stages), retries, fallback owners, escalation ladder, alert history, change log, plan store and
 * run record. Commands declare a `PlanSpec`; `runPlan` executes it and keeps the plan JSON.
 */
export { runPlan, executePlan, type PlanRun } from './run-plan.ts';
export type {
  StageDef,
  StageContext,
  PlanSpec,
  PlanSettings,
  RunOptions,
  RunEvent,
  FingerprintInput,
  RowAccountingInput,
} from './plan-spec.ts';
export {
  PLAN_SCHEMA_VERSION,
  type PlanRecord,
  type PlanStatus,
  type TaskStatus,
  type TaskRecord,
  type StageRecord,
  type TaskError,
  type AttemptRecord,
  type DataFingerprint,
  type RowAccountingRecord,
  type AlertRecord,
  type EscalationRecord,
  type FallbackRecord,
  type NoteRecord,
  type ChangeLogEntry,
} from './plan-record.ts';
export {
  resolveOwner,
  type Roster,
  type RosterPerson,
  type OwnerResolution,
  type FallbackUsed,
} from './resolve-owner.ts';
export {
  evaluateAlert,
  type AlertInput,
  type AlertEvaluation,
  type AlertHistoryEntry,
  type AlertUnit,
} from './evaluate-alert.ts';
export { ladderStep } from './escalation-ladder.ts';
export { reconcile, type ReconcileCheck } from './reconcile.ts';
export { backoffDelay, shouldRetry } from './retry-policy.ts';
export { changeLog, diffSettings } from './change-log.ts';
export {
  listPlans,
  readPlan,
  previousPlan,
  planHistory,
  markInterrupted,
  planFileName,
  type StoredPlan,
  type PlanHistory,
  type ListPlansOptions,
} from './plan-store.ts';
export {
  validatePlanRecord,
  planRecordProblems,
  planSchema,
  type JsonSchemaDocument,
} from './validate-plan-record.ts';
export { diffPlans, type PlanDiff, type PlanRef, type ItemDiff } from './diff-plans.ts';
export { formatPlanList } from './format-plan-list.ts';
export { formatPlan } from './format-plan.ts';
export { formatPlanDiff } from './format-plan-diff.ts';
