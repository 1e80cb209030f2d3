import { requireOptionRange } from './input-checks.ts';

/** Share of a rule's evaluations above which it warns / alerts (strictly above); null = never. */
export interface RateThreshold {
  readonly warn: number | null;
  readonly alert: number | null;
}

export interface GovernanceThresholds {
  /** Default fallback > 5% warns, > 20% alerts. */
  readonly fallback: RateThreshold;
  /** Default error > 0.1% warns, > 1% alerts. */
  readonly error: RateThreshold;
  /** Default > 50% of users getting the default (no rule matched) warns. */
  readonly default: RateThreshold;
  /** Default > 5% of evaluations hitting a disabled rule warns. */
  readonly disabled: RateThreshold;
  /** Below this many evaluations in the window a rule's rates are shown but not judged. Default 100. */
  readonly minEvaluations: number;
  /** Days without evaluations (or without serving a variant) that make a rule stale. Default 30. */
  readonly staleDays: number;
  /** Days without a change after which a rule still serving is due for review. Default 90. */
  readonly unmodifiedDays: number;
  /** Clock skew allowed between the approval tool and the rule system. Default 0 s. */
  readonly approvalToleranceSeconds: number;
  /** How many example violating decisions to list. Default 10. */
  readonly consentExamples: number;
}

export const DEFAULT_GOVERNANCE_THRESHOLDS: GovernanceThresholds = {
  fallback: { warn: 0.05, alert: 0.2 },
  error: { warn: 0.001, alert: 0.01 },
  default: { warn: 0.5, alert: null },
  disabled: { warn: 0.05, alert: null },
  minEvaluations: 100,
  staleDays: 30,
  unmodifiedDays: 90,
  approvalToleranceSeconds: 0,
  consentExamples: 10,
};

/** Defaults overlaid with the caller's values, every one range-checked. */
export function resolveThresholds(partial: Partial<GovernanceThresholds> = {}): GovernanceThresholds {
  const t: GovernanceThresholds = { ...DEFAULT_GOVERNANCE_THRESHOLDS, ...partial };
  for (const name of ['fallback', 'error', 'default', 'disabled'] as const) {
    const { warn, alert } = t[name];
    if (warn !== null) requireOptionRange(warn, `thresholds.${name}.warn`, 0, 1);
    if (alert !== null) requireOptionRange(alert, `thresholds.${name}.alert`, 0, 1);
  }
  requireOptionRange(t.minEvaluations, 'thresholds.minEvaluations', 0, Number.MAX_SAFE_INTEGER);
  requireOptionRange(t.staleDays, 'thresholds.staleDays', 0, 36_500);
  requireOptionRange(t.unmodifiedDays, 'thresholds.unmodifiedDays', 0, 36_500);
  requireOptionRange(t.approvalToleranceSeconds, 'thresholds.approvalToleranceSeconds', 0, 86_400 * 365);
  requireOptionRange(t.consentExamples, 'thresholds.consentExamples', 0, 10_000);
  return t;
}
