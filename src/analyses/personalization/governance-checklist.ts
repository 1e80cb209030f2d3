import {
  CONSENT_KIND_TEXT,
  CONSENT_VIOLATION_KINDS,
  type ConsentAdherence,
  type ConsentGroup,
} from './consent-adherence.ts';
import { plural } from '../text/plural-text.ts';
import type { ExperimentWindowChanges } from './experiment-window-changes.ts';
import { percent } from './input-checks.ts';
import { DEFAULT_OWNER_ROLES, type OwnerRoles } from './owner-roles.ts';
import type { ApprovalProblem, ChangeApprovalReview, PendingApproval } from './review-change-approvals.ts';
import type { JudgedReason, RuleHealthResult } from './rule-health.ts';
import type { StaleRulesResult } from './stale-rules.ts';

/** `not checked`: the data for the item was not provided, so nothing is claimed. */
export type ChecklistStatus = 'pass' | 'warn' | 'fail' | 'not checked';

export interface ChecklistItem {
  readonly id: string;
  readonly title: string;
  readonly status: ChecklistStatus;
  /** How many things fail or warn (decisions, rules, changes…); null when not checked. */
  readonly count: number | null;
  readonly evidence: string;
  readonly ownerRole: string;
}

export interface GovernanceChecklist {
  readonly items: readonly ChecklistItem[];
  /** Worst item status (fail > warn > pass); `not checked` items do not count. */
  readonly status: 'pass' | 'warn' | 'fail';
  readonly pendingApprovals: readonly PendingApproval[];
}

export interface ChecklistParts {
  readonly consent?: ConsentAdherence | null;
  readonly ruleHealth?: RuleHealthResult | null;
  readonly approvals?: ChangeApprovalReview | null;
  readonly experimentChanges?: ExperimentWindowChanges | null;
  readonly stale?: StaleRulesResult | null;
}

/**
 * The governance checklist, one item per control, each with a status, a count, the evidence and
 * the owner role:
 *
 * | id | passes when | warn | fail |
 * |---|---|---|---|
 * | consent | no decision without consent at decision time | – | any violation |
 * | evaluation-errors | every judged rule's error rate within thresholds | a rule above warn | a rule above alert |
 * | evaluation-fallbacks | same for fallbacks | above warn | above alert |
 * | targeting-reach | default and disabled rates within thresholds | above warn | above alert |
 * | change-approval | every change approved by another person before going live | only late or untimed approvals | a change with no approver or self-approved |
 * | experiment-freeze | no change to a rule inside an experiment's window | only in ended experiments | in a running experiment |
 * | stale-rules | no stale rule | any stale rule | – |
 *
 * @example
 * governanceChecklist({ consent, ruleHealth, approvals }).items.find((i) => i.id === 'consent')?.status; // 'fail'
 */
export function governanceChecklist(
  parts: ChecklistParts,
  ownerRoles: Partial<OwnerRoles> = {},
): GovernanceChecklist {
  const roles = { ...DEFAULT_OWNER_ROLES, ...ownerRoles };
  const items: ChecklistItem[] = [
    consentItem(parts.consent ?? null, roles.consent),
    rateItem(
      parts.ruleHealth ?? null,
      ['error'],
      'evaluation-errors',
      'Rule evaluation errors within thresholds',
      roles.ruleHealth,
    ),
    rateItem(
      parts.ruleHealth ?? null,
      ['fallback'],
      'evaluation-fallbacks',
      'Rule fallbacks within thresholds',
      roles.ruleHealth,
    ),
    rateItem(
      parts.ruleHealth ?? null,
      ['default', 'disabled'],
      'targeting-reach',
      'Default and disabled rates within thresholds (rules reach their audience)',
      roles.ruleHealth,
    ),
    approvalItem(parts.approvals ?? null, roles.approvals),
    freezeItem(parts.experimentChanges ?? null, roles.experiments),
    staleItem(parts.stale ?? null, roles.staleRules),
  ];
  const status = items.some((i) => i.status === 'fail')
    ? 'fail'
    : items.some((i) => i.status === 'warn')
      ? 'warn'
      : 'pass';
  return { items, status, pendingApprovals: parts.approvals?.pendingApprovals ?? [] };
}

function notChecked(id: string, title: string, ownerRole: string, what: string): ChecklistItem {
  return { id, title, status: 'not checked', count: null, evidence: `No ${what} given.`, ownerRole };
}

function consentItem(c: ConsentAdherence | null, ownerRole: string): ChecklistItem {
  const id = 'consent';
  const title = 'Decisions respect consent at decision time';
  if (!c) return notChecked(id, title, ownerRole, 'consent data');
  if (c.violations === 0) {
    return {
      id,
      title,
      status: 'pass',
      count: 0,
      evidence: `No decision without the required consent${c.rate === null ? '' : ' (rate 0%)'}.`,
      ownerRole,
    };
  }
  const top = topRulePurpose(c.groups);
  const kinds = CONSENT_VIOLATION_KINDS.map((k) => `${CONSENT_KIND_TEXT[k]} ${c.byKind[k]}`).join(', ');
  return {
    id,
    title,
    status: 'fail',
    count: c.violations,
    evidence: `${plural(c.violations, 'decision')}${c.rate === null ? '' : ` (${percent(c.rate)} of those needing consent)`}${c.users === null ? '' : ` to ${plural(c.users, 'user')}`} without consent: ${kinds}; most in ${top.rule} / ${top.purpose} (${top.decisions}).`,
    ownerRole,
  };
}

/**
 * The rule and purpose with the most violating decisions, summed over the kinds of violation (the
 * groups are per rule, purpose and kind: 2 withdrawn and 2 granted late on one rule are 4 there).
 */
function topRulePurpose(groups: readonly ConsentGroup[]): {
  rule: string;
  purpose: string;
  decisions: number;
} {
  const sums = new Map<string, { rule: string; purpose: string; decisions: number }>();
  for (const g of groups) {
    const key = JSON.stringify([g.rule, g.purpose]);
    const sum = sums.get(key) ?? { rule: g.rule, purpose: g.purpose, decisions: 0 };
    sum.decisions += g.decisions;
    sums.set(key, sum);
  }
  return [...sums.values()].reduce((a, b) => (b.decisions > a.decisions ? b : a));
}

function rateItem(
  h: RuleHealthResult | null,
  reasons: readonly JudgedReason[],
  id: string,
  title: string,
  ownerRole: string,
): ChecklistItem {
  if (!h) return notChecked(id, title, ownerRole, 'evaluation counts');
  const judged = h.rules.filter((r) => r.status !== 'insufficient data');
  const flagged = judged
    .map((r) => {
      const worst = reasons.filter((x) => r.levels[x] !== 'ok');
      const level = worst.some((x) => r.levels[x] === 'alert') ? 'alert' : worst.length > 0 ? 'warn' : 'ok';
      return { r, worst, level };
    })
    .filter((x) => x.level !== 'ok')
    .sort(
      (a, b) => (a.level === b.level ? 0 : a.level === 'alert' ? -1 : 1) || a.r.rule.localeCompare(b.r.rule),
    );
  const skipped = h.rules.length - judged.length;
  const note =
    skipped > 0 ? `; ${skipped} rule${skipped === 1 ? '' : 's'} with too few evaluations not judged` : '';
  if (flagged.length === 0) {
    return {
      id,
      title,
      status: 'pass',
      count: 0,
      evidence: `${judged.length} rule${judged.length === 1 ? '' : 's'} within thresholds${note}.`,
      ownerRole,
    };
  }
  const shown = flagged
    .slice(0, 3)
    .map((x) => `${x.r.rule} ${x.worst.map((w) => `${w} ${percent(x.r.rates[w])}`).join(', ')}`);
  return {
    id,
    title,
    status: flagged.some((x) => x.level === 'alert') ? 'fail' : 'warn',
    count: flagged.length,
    evidence: `${flagged.length} of ${judged.length} rules over threshold: ${shown.join('; ')}${flagged.length > 3 ? '; …' : ''}${note}.`,
    ownerRole,
  };
}

function approvalItem(a: ChangeApprovalReview | null, ownerRole: string): ChecklistItem {
  const id = 'change-approval';
  const title = 'Rule changes approved by a second person before going live';
  if (!a) return notChecked(id, title, ownerRole, 'change log');
  const count = (p: ApprovalProblem) => a.changes.filter((c) => c.problems.includes(p)).length;
  const bad = a.changes.filter((c) => c.problems.length > 0);
  if (bad.length === 0) {
    return {
      id,
      title,
      status: 'pass',
      count: 0,
      evidence: `All ${a.changes.length} changes approved in time.`,
      ownerRole,
    };
  }
  const hard = count('no-approver') + count('self-approved') > 0;
  return {
    id,
    title,
    status: hard ? 'fail' : 'warn',
    count: bad.length,
    evidence: `${bad.length} of ${a.changes.length} changes: no approver ${count('no-approver')}, self-approved ${count('self-approved')}, approved after going live ${count('approved-after-live')}, approval time missing ${count('approval-time-missing')}; ${a.pendingApprovals.length} pending approval${a.pendingApprovals.length === 1 ? '' : 's'}.`,
    ownerRole,
  };
}

function freezeItem(e: ExperimentWindowChanges | null, ownerRole: string): ChecklistItem {
  const id = 'experiment-freeze';
  const title = 'No rule changes inside an experiment’s window';
  if (!e) return notChecked(id, title, ownerRole, 'experiments or change log');
  if (e.conflicts.length === 0) {
    return {
      id,
      title,
      status: 'pass',
      count: 0,
      evidence: 'No rule used by an experiment changed while it ran.',
      ownerRole,
    };
  }
  const running = e.conflicts.filter((c) => c.running);
  const experiments = [...new Set(e.conflicts.map((c) => c.experiment))].sort();
  return {
    id,
    title,
    status: running.length > 0 ? 'fail' : 'warn',
    count: e.conflicts.length,
    evidence: `${e.conflicts.length} change${e.conflicts.length === 1 ? '' : 's'} inside experiment windows (${running.length} in running experiments): ${experiments.join(', ')}.`,
    ownerRole,
  };
}

function staleItem(s: StaleRulesResult | null, ownerRole: string): ChecklistItem {
  const id = 'stale-rules';
  const title = 'No stale rules';
  if (!s) return notChecked(id, title, ownerRole, 'rule activity or configs');
  const rules = new Set(s.stale.map((x) => x.rule));
  if (rules.size === 0) {
    return {
      id,
      title,
      status: 'pass',
      count: 0,
      evidence: `${s.rulesChecked} rules checked, none stale.`,
      ownerRole,
    };
  }
  const byKind = new Map<string, number>();
  for (const x of s.stale) byKind.set(x.kind, (byKind.get(x.kind) ?? 0) + 1);
  return {
    id,
    title,
    status: 'warn',
    count: rules.size,
    evidence: `${rules.size} of ${s.rulesChecked} rules stale: ${[...byKind.entries()].map(([k, n]) => `${k} ${n}`).join(', ')}.`,
    ownerRole,
  };
}
