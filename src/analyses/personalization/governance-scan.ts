import { consentAdherence, type ConsentAdherence, type ConsentAdherenceInput } from './consent-adherence.ts';
import type { CanonicalReason } from './evaluation-reason.ts';
import {
  experimentWindowChanges,
  type ExperimentWindow,
  type ExperimentWindowChanges,
} from './experiment-window-changes.ts';
import { governanceChecklist, type GovernanceChecklist } from './governance-checklist.ts';
import { resolveThresholds, type GovernanceThresholds } from './governance-thresholds.ts';
import { requireNow } from './input-checks.ts';
import type { OwnerRoles } from './owner-roles.ts';
import {
  reviewChangeApprovals,
  type ChangeApprovalReview,
  type RuleChangeRow,
} from './review-change-approvals.ts';
import { ruleHealth, type RuleEvaluationRow, type RuleHealthResult } from './rule-health.ts';
import { severityRank } from './severity-rank.ts';
import {
  staleRules,
  type RuleConfig,
  type RuleVariantActivityRow,
  type StaleRulesResult,
} from './stale-rules.ts';
import type { Issue, Timestamp } from './types.ts';

/** Everything the governance branch reads; each part may be absent (its checks are then `not checked`). */
export interface GovernanceInput {
  /** The run's as-of time: ages and "running" are measured from it. */
  readonly now: Timestamp;
  readonly consent?: ConsentAdherenceInput | null;
  readonly evaluations?: readonly RuleEvaluationRow[] | null;
  readonly changes?: readonly RuleChangeRow[] | null;
  readonly experiments?: readonly ExperimentWindow[] | null;
  readonly activity?: readonly RuleVariantActivityRow[] | null;
  readonly rules?: readonly RuleConfig[] | null;
}

export interface GovernanceOptions {
  readonly thresholds?: Partial<GovernanceThresholds>;
  readonly ownerRoles?: Partial<OwnerRoles>;
  readonly reasonMap?: Readonly<Record<string, CanonicalReason>>;
}

export interface GovernanceScan {
  readonly thresholds: GovernanceThresholds;
  readonly consent: ConsentAdherence | null;
  readonly ruleHealth: RuleHealthResult | null;
  readonly approvals: ChangeApprovalReview | null;
  readonly experimentChanges: ExperimentWindowChanges | null;
  readonly stale: StaleRulesResult | null;
  readonly checklist: GovernanceChecklist;
  /** Every issue, most severe first, then by id. */
  readonly findings: readonly Issue[];
}

/**
 * The whole governance branch: consent adherence, rule health, change approvals, changes inside
 * experiment windows, stale rules, the checklist and the issues they raise.
 *
 * @example
 * const scan = governanceScan({ now: '2026-03-31', evaluations, changes, experiments, activity, consent });
 * scan.checklist.status; // 'fail'
 * scan.findings[0].severity; // 'critical'
 */
export function governanceScan(input: GovernanceInput, options: GovernanceOptions = {}): GovernanceScan {
  requireNow(input.now);
  const thresholds = resolveThresholds(options.thresholds);
  const common = { thresholds, ownerRoles: options.ownerRoles };
  const consent = input.consent ? consentAdherence(input.consent, common) : null;
  const health = input.evaluations
    ? ruleHealth(input.evaluations, { ...common, reasonMap: options.reasonMap })
    : null;
  const approvals = input.changes ? reviewChangeApprovals(input.changes, input.now, common) : null;
  const experimentChanges =
    input.changes && input.experiments
      ? experimentWindowChanges(input.changes, input.experiments, input.now, common)
      : null;
  const stale =
    input.activity || input.rules
      ? staleRules(
          { activity: input.activity, rules: input.rules, changes: input.changes },
          input.now,
          common,
        )
      : null;
  const checklist = governanceChecklist(
    { consent, ruleHealth: health, approvals, experimentChanges, stale },
    options.ownerRoles,
  );
  const findings = [
    ...(consent?.findings ?? []),
    ...(health?.findings ?? []),
    ...(approvals?.findings ?? []),
    ...(experimentChanges?.findings ?? []),
    ...(stale?.findings ?? []),
  ].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return {
    thresholds,
    consent,
    ruleHealth: health,
    approvals,
    experimentChanges,
    stale,
    checklist,
    findings,
  };
}
