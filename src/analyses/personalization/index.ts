/**
 * Personalization monitoring: pure functions over the SQL aggregates of `monitor-personalization`.
 *
 * - performance: `performanceBySegment` — engagement, conversion and revenue per user by
 *   profile / channel / variant, lift over the holdout with delta-method intervals;
 * - governance: `governanceScan` (all of the below plus the checklist), `consentAdherence`,
 *   `ruleHealth` (with `canonicalReason` for OpenFeature reasons), `reviewChangeApprovals`,
 *   `experimentWindowChanges`, `staleRules`, `governanceChecklist`;
 * - experiments: `experimentMemo` / `experimentMemos` — the experiments engine's analysis and
 *   decision with rollout guidance and next steps; `experimentIssues`;
 * - backlog: `buildBacklog` merges governance, experiment and anomaly issues under stable ids.
 */
export type { Issue, IssueSource, Severity, Timestamp } from './types.ts';
export { SEVERITIES } from './types.ts';
export { PersonalizationInputError } from './personalization-input-error.ts';
export { toEpochMs } from './input-checks.ts';
export { issueId } from './issue-id.ts';
export { DEFAULT_OWNER_ROLES, type OwnerRoles } from './owner-roles.ts';
export {
  DEFAULT_GOVERNANCE_THRESHOLDS,
  type GovernanceThresholds,
  type RateThreshold,
} from './governance-thresholds.ts';
export {
  CANONICAL_REASONS,
  canonicalReason,
  normalizeReason,
  OPENFEATURE_REASON_MAP,
  type CanonicalReason,
  type ReasonMapping,
} from './evaluation-reason.ts';
export {
  DEFAULT_PERFORMANCE_OPTIONS,
  PERFORMANCE_METRICS,
  performanceBySegment,
  type Correction,
  type LiftVerdict,
  type MetricComparison,
  type PerformanceMetric,
  type PerformanceOptions,
  type PerformanceResult,
  type PerformanceRow,
  type VariantPerformance,
} from './performance-by-segment.ts';
export {
  CONSENT_KIND_TEXT,
  CONSENT_VIOLATION_KINDS,
  consentAdherence,
  type ConsentAdherence,
  type ConsentAdherenceInput,
  type ConsentDecisionRow,
  type ConsentExample,
  type ConsentGroup,
  type ConsentStatus,
  type ConsentViolationCount,
  type ConsentViolationKind,
} from './consent-adherence.ts';
export {
  JUDGED_REASONS,
  ruleHealth,
  type JudgedReason,
  type RateLevel,
  type RuleEvaluationRow,
  type RuleHealth,
  type RuleHealthOptions,
  type RuleHealthResult,
} from './rule-health.ts';
export {
  APPROVAL_PROBLEM_SEVERITY,
  reviewChangeApprovals,
  type ApprovalProblem,
  type ChangeApprovalReview,
  type ChangeReview,
  type PendingApproval,
  type RuleChangeRow,
} from './review-change-approvals.ts';
export {
  experimentWindowChanges,
  type ExperimentWindow,
  type ExperimentWindowChange,
  type ExperimentWindowChanges,
} from './experiment-window-changes.ts';
export {
  STALE_SEVERITY,
  staleRules,
  type RuleConfig,
  type RuleVariantActivityRow,
  type StaleKind,
  type StaleRule,
  type StaleRulesInput,
  type StaleRulesResult,
} from './stale-rules.ts';
export {
  governanceChecklist,
  type ChecklistItem,
  type ChecklistParts,
  type ChecklistStatus,
  type GovernanceChecklist,
} from './governance-checklist.ts';
export {
  governanceScan,
  type GovernanceInput,
  type GovernanceOptions,
  type GovernanceScan,
} from './governance-scan.ts';
export {
  buildExperimentInput,
  type BuiltExperimentInput,
  type ExperimentDefinition,
  type ExperimentExposureRow,
  type ExperimentMetricRow,
  type ExperimentMetricSpec,
  type ExperimentMultipleExposureRow,
} from './build-experiment-input.ts';
export {
  DEFAULT_GUIDANCE_OPTIONS,
  requiredSampleForControl,
  requiredSamplePerArm,
  rolloutGuidance,
  type GuidanceAnalysis,
  type GuidanceComparison,
  type GuidanceDecision,
  type GuidanceExperiment,
  type GuidanceKind,
  type GuidanceOptions,
  type RolloutGuidance,
} from './rollout-guidance.ts';
export {
  experimentMemo,
  experimentMemos,
  type ExperimentMemo,
  type ExperimentMemoOptions,
  type ExperimentReadoutInput,
  type MemoMetricLine,
} from './experiment-memo.ts';
export { experimentIssues, GUIDANCE_SEVERITY } from './experiment-issues.ts';
export {
  anomalyIssue,
  buildBacklog,
  parseSeverity,
  type AnomalyFinding,
  type Backlog,
  type BacklogInput,
  type BacklogItem,
} from './issue-backlog.ts';
