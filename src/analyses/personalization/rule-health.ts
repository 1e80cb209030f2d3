import {
  CANONICAL_REASONS,
  canonicalReason,
  normalizeReason,
  type CanonicalReason,
} from './evaluation-reason.ts';
import { resolveThresholds, type GovernanceThresholds, type RateThreshold } from './governance-thresholds.ts';
import { isBlank, percent, requireCount, requireKey } from './input-checks.ts';
import { issueId } from './issue-id.ts';
import { DEFAULT_OWNER_ROLES, type OwnerRoles } from './owner-roles.ts';
import type { Issue } from './types.ts';

/**
 * Evaluations of one rule in the window for one raw reason (and error code):
 * `SELECT rule, reason, error_code, count(*) FROM decisions WHERE ts in window GROUP BY ALL`.
 */
export interface RuleEvaluationRow {
  readonly rule: string;
  /** As logged: an OpenFeature reason (`TARGETING_MATCH`, `SPLIT`…) or a canonical one. */
  readonly reason: string | null;
  /** OpenFeature error code (`PROVIDER_NOT_READY`, `FLAG_NOT_FOUND`, `GENERAL`…), if any. */
  readonly errorCode?: string | null;
  readonly evaluations: number | bigint;
}

/** The reasons judged against thresholds: every one except `matched`. */
export type JudgedReason = Exclude<CanonicalReason, 'matched'>;
export const JUDGED_REASONS: readonly JudgedReason[] = ['error', 'fallback', 'default', 'disabled'];

export type RateLevel = 'ok' | 'warn' | 'alert';

export interface RuleHealth {
  readonly rule: string;
  readonly evaluations: number;
  readonly counts: Readonly<Record<CanonicalReason, number>>;
  /** counts / evaluations (0 when there are none). */
  readonly rates: Readonly<Record<CanonicalReason, number>>;
  readonly levels: Readonly<Record<JudgedReason, RateLevel>>;
  /** The worst level, or `insufficient data` below `minEvaluations` (levels shown, not raised). */
  readonly status: RateLevel | 'insufficient data';
  /** Raw reasons as logged, most frequent first. */
  readonly reasons: readonly {
    readonly reason: string;
    readonly canonical: CanonicalReason;
    readonly evaluations: number;
  }[];
  /** Error codes, most frequent first. */
  readonly errorCodes: readonly { readonly code: string; readonly evaluations: number }[];
}

export interface RuleHealthResult {
  /** By rule name. */
  readonly rules: readonly RuleHealth[];
  /** Raw reasons that are not OpenFeature's nor canonical, counted as fallback; map them with `reasonMap`. */
  readonly unmappedReasons: readonly { readonly reason: string; readonly evaluations: number }[];
  readonly findings: readonly Issue[];
}

export interface RuleHealthOptions {
  readonly thresholds?: Partial<GovernanceThresholds>;
  readonly ownerRoles?: Partial<OwnerRoles>;
  /** Extra raw reason → canonical reason mappings (e.g. `{ TIMEOUT: 'fallback' }`). */
  readonly reasonMap?: Readonly<Record<string, CanonicalReason>>;
}

const ACTIONS: Record<JudgedReason, string> = {
  error:
    'Fix the evaluation errors (see the top error codes): until then these users get the caller’s hard-coded default instead of a decision.',
  fallback:
    'Find why decisions fall back (timeouts, missing profile data, stale or unknown provider state) and fix the latency budget or the data feed.',
  default:
    'Review the targeting: most evaluations match no rule and get the default experience; widen the audience, fix the profile attributes it needs, or retire the rule.',
  disabled:
    'The rule is disabled but still evaluated: remove the call from the surface or re-enable the rule.',
};

const LABEL: Record<JudgedReason, string> = {
  error: 'end in an error',
  fallback: 'fall back',
  default: 'get the default (no rule matched)',
  disabled: 'hit the rule while it is disabled',
};

/**
 * Fallback, default, error and disabled rates of every rule, with the raw reasons and error codes
 * behind them, judged against thresholds (a rate strictly above `alert` alerts, above `warn`
 * warns). An alert is a high-severity issue, a warning a medium one; rules with fewer than
 * `minEvaluations` evaluations are reported but not judged.
 *
 * O(rows).
 *
 * @example
 * ruleHealth([
 *   { rule: 'hero', reason: 'TARGETING_MATCH', evaluations: 980 },
 *   { rule: 'hero', reason: 'ERROR', errorCode: 'GENERAL', evaluations: 20 },
 * ]).rules[0].levels.error; // 'alert': 2% > 1%
 */
export function ruleHealth(
  rows: readonly RuleEvaluationRow[],
  options: RuleHealthOptions = {},
): RuleHealthResult {
  const t = resolveThresholds(options.thresholds);
  const owner = { ...DEFAULT_OWNER_ROLES, ...options.ownerRoles }.ruleHealth;
  const byRule = new Map<
    string,
    { counts: Record<CanonicalReason, number>; reasons: Map<string, number>; codes: Map<string, number> }
  >();
  const unmapped = new Map<string, number>();

  rows.forEach((row, i) => {
    const rule = requireKey(row.rule, i, 'rule');
    const n = requireCount(row.evaluations, i, 'evaluations');
    const raw = normalizeReason(row.reason);
    const { reason, known } = canonicalReason(row.reason, row.errorCode, options.reasonMap);
    if (!known) unmapped.set(raw, (unmapped.get(raw) ?? 0) + n);
    let acc = byRule.get(rule);
    if (!acc) {
      acc = { counts: zeroCounts(), reasons: new Map(), codes: new Map() };
      byRule.set(rule, acc);
    }
    acc.counts[reason] += n;
    // Keyed with the canonical reason: the same raw reason is an error when it has an error code.
    const reasonKey = `${raw}\u0000${reason}`;
    acc.reasons.set(reasonKey, (acc.reasons.get(reasonKey) ?? 0) + n);
    if (!isBlank(row.errorCode)) {
      const code = (row.errorCode as string).trim();
      acc.codes.set(code, (acc.codes.get(code) ?? 0) + n);
    }
  });

  const rules: RuleHealth[] = [];
  const findings: Issue[] = [];
  for (const rule of [...byRule.keys()].sort()) {
    const acc = byRule.get(rule)!;
    const evaluations = CANONICAL_REASONS.reduce((s, r) => s + acc.counts[r], 0);
    const rates = Object.fromEntries(
      CANONICAL_REASONS.map((r) => [r, evaluations > 0 ? acc.counts[r] / evaluations : 0]),
    ) as Record<CanonicalReason, number>;
    const levels = Object.fromEntries(JUDGED_REASONS.map((r) => [r, levelOf(rates[r], t[r])])) as Record<
      JudgedReason,
      RateLevel
    >;
    const worst: RateLevel = JUDGED_REASONS.some((r) => levels[r] === 'alert')
      ? 'alert'
      : JUDGED_REASONS.some((r) => levels[r] === 'warn')
        ? 'warn'
        : 'ok';
    const judged = evaluations >= t.minEvaluations;
    const health: RuleHealth = {
      rule,
      evaluations,
      counts: acc.counts,
      rates,
      levels,
      status: judged ? worst : 'insufficient data',
      reasons: sortedEntries(acc.reasons).map(([key, n]) => {
        const [reason, canonical] = key.split('\u0000') as [string, CanonicalReason];
        return { reason, canonical, evaluations: n };
      }),
      errorCodes: sortedEntries(acc.codes).map(([code, n]) => ({ code, evaluations: n })),
    };
    rules.push(health);
    if (!judged) continue;
    for (const r of JUDGED_REASONS) {
      if (levels[r] !== 'ok') findings.push(finding(health, r, t[r], owner));
    }
  }
  return {
    rules,
    unmappedReasons: sortedEntries(unmapped).map(([reason, evaluations]) => ({ reason, evaluations })),
    findings,
  };
}

function zeroCounts(): Record<CanonicalReason, number> {
  return { matched: 0, default: 0, fallback: 0, error: 0, disabled: 0 };
}

function levelOf(rate: number, threshold: RateThreshold): RateLevel {
  if (threshold.alert !== null && rate > threshold.alert) return 'alert';
  if (threshold.warn !== null && rate > threshold.warn) return 'warn';
  return 'ok';
}

function sortedEntries(map: Map<string, number>): [string, number][] {
  return [...map.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function finding(h: RuleHealth, reason: JudgedReason, threshold: RateThreshold, ownerRole: string): Issue {
  const level = h.levels[reason];
  const limits = [
    threshold.alert !== null ? `alert above ${percent(threshold.alert)}` : null,
    threshold.warn !== null ? `warn above ${percent(threshold.warn)}` : null,
  ].filter((x) => x !== null);
  const raw = h.reasons
    .filter((x) => x.canonical === reason)
    .slice(0, 3)
    .map((x) => `${x.reason} ${x.evaluations}`);
  const codes = reason === 'error' ? h.errorCodes.slice(0, 3).map((c) => `${c.code} ${c.evaluations}`) : [];
  const detail = [
    raw.length > 0 ? `logged as ${raw.join(', ')}` : null,
    codes.length > 0 ? `top error codes ${codes.join(', ')}` : null,
  ].filter((x) => x !== null);
  const kind = `rule-${reason}-rate`;
  return {
    id: issueId(kind, { rule: h.rule }),
    source: 'governance',
    kind,
    severity: level === 'alert' ? 'high' : 'medium',
    ownerRole,
    title: `${h.rule}: ${percent(h.rates[reason])} of evaluations ${LABEL[reason]}`,
    evidence: `${h.counts[reason]} of ${h.evaluations} evaluations (${percent(h.rates[reason])}) were ${reason} (${limits.join(', ')})${detail.length > 0 ? `; ${detail.join('; ')}` : ''}.`,
    suggestedAction: ACTIONS[reason],
    subject: { rule: h.rule },
  };
}
