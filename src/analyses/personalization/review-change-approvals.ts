import { resolveThresholds, type GovernanceThresholds } from './governance-thresholds.ts';
import {
  isBlank,
  isoTime,
  MS_PER_DAY,
  optionalTime,
  requireKey,
  requireNow,
  requireTime,
} from './input-checks.ts';
import { issueId } from './issue-id.ts';
import { DEFAULT_OWNER_ROLES, type OwnerRoles } from './owner-roles.ts';
import { maxSeverity } from './severity-rank.ts';
import type { Issue, Severity, Timestamp } from './types.ts';

/** One row of the rule change log. `ts` is when the change went live. */
export interface RuleChangeRow {
  /** The change's own id when the log has one; else `rule@ts` is used. */
  readonly changeId?: string | null;
  readonly rule: string;
  readonly ts: Timestamp;
  readonly author: string;
  /** What changed, as logged (free text or a diff summary). */
  readonly change?: string | null;
  readonly approvedBy?: string | null;
  readonly approvalTs?: Timestamp | null;
}

/**
 * - `no-approver`: approvedBy is empty;
 * - `self-approved`: approvedBy equals author (trimmed, ignoring case);
 * - `approval-time-missing`: an approver but no approval time, so "approved before live" cannot be shown;
 * - `approved-after-live`: approvalTs > ts + tolerance. An approval at the same instant as the
 *   change (e.g. the same second, in a log that records seconds) is on time.
 */
export type ApprovalProblem =
  'no-approver' | 'self-approved' | 'approval-time-missing' | 'approved-after-live';

export const APPROVAL_PROBLEM_SEVERITY: Readonly<Record<ApprovalProblem, Severity>> = {
  'no-approver': 'high',
  'self-approved': 'high',
  'approval-time-missing': 'medium',
  'approved-after-live': 'medium',
};

export interface ChangeReview {
  readonly changeId: string;
  readonly rule: string;
  /** ISO 8601 UTC. */
  readonly ts: string;
  readonly author: string;
  readonly change: string | null;
  readonly approvedBy: string | null;
  readonly approvalTs: string | null;
  /** Empty when the change was approved by someone else at or before it went live. */
  readonly problems: readonly ApprovalProblem[];
  /** approvalTs − ts in seconds when both are known (negative: approved before going live). */
  readonly approvalLagSeconds: number | null;
}

/** A change live without any approver, oldest first. */
export interface PendingApproval {
  readonly changeId: string;
  readonly rule: string;
  readonly ts: string;
  readonly author: string;
  readonly change: string | null;
  /** Days between going live and `now`. */
  readonly ageDays: number;
}

export interface ChangeApprovalReview {
  /** In input order. */
  readonly changes: readonly ChangeReview[];
  readonly pendingApprovals: readonly PendingApproval[];
  /** One per change with problems. */
  readonly findings: readonly Issue[];
}

const PROBLEM_TEXT: Record<ApprovalProblem, string> = {
  'no-approver': 'no approver',
  'self-approved': 'approved by its own author',
  'approval-time-missing': 'no approval time',
  'approved-after-live': 'approved after it went live',
};

/**
 * Checks every rule change for a four-eyes approval given before the change went live. The
 * tolerance (`thresholds.approvalToleranceSeconds`, default 0) absorbs clock skew between the
 * approval tool and the rule system. Approvers and authors are compared trimmed and ignoring case.
 *
 * O(n log n) for the pending list's sort.
 *
 * @example
 * reviewChangeApprovals(
 *   [{ rule: 'hero', ts: '2026-03-01 10:00:00', author: 'ana', approvedBy: 'ana', approvalTs: '2026-03-01 09:00:00' }],
 *   '2026-03-31',
 * ).changes[0].problems; // ['self-approved']
 */
export function reviewChangeApprovals(
  rows: readonly RuleChangeRow[],
  now: Timestamp,
  options: { thresholds?: Partial<GovernanceThresholds>; ownerRoles?: Partial<OwnerRoles> } = {},
): ChangeApprovalReview {
  const nowMs = requireNow(now);
  const t = resolveThresholds(options.thresholds);
  const owner = { ...DEFAULT_OWNER_ROLES, ...options.ownerRoles }.approvals;
  const toleranceMs = t.approvalToleranceSeconds * 1000;

  const changes: ChangeReview[] = [];
  const pending: (PendingApproval & { tsMs: number })[] = [];
  const findings: Issue[] = [];
  rows.forEach((row, i) => {
    const rule = requireKey(row.rule, i, 'rule');
    const author = requireKey(row.author, i, 'author');
    const tsMs = requireTime(row.ts, i, 'ts');
    const approvalMs = optionalTime(row.approvalTs, i, 'approvalTs');
    const approvedBy = isBlank(row.approvedBy) ? null : (row.approvedBy as string).trim();
    const changeId = changeIdOf(row, rule, tsMs);

    const problems: ApprovalProblem[] = [];
    if (approvedBy === null) problems.push('no-approver');
    else {
      if (approvedBy.toLowerCase() === author.trim().toLowerCase()) problems.push('self-approved');
      if (approvalMs === null) problems.push('approval-time-missing');
      else if (approvalMs > tsMs + toleranceMs) problems.push('approved-after-live');
    }
    const review: ChangeReview = {
      changeId,
      rule,
      ts: isoTime(tsMs),
      author,
      change: isBlank(row.change) ? null : (row.change as string),
      approvedBy,
      approvalTs: approvalMs === null ? null : isoTime(approvalMs),
      problems,
      approvalLagSeconds: approvalMs === null ? null : (approvalMs - tsMs) / 1000,
    };
    changes.push(review);
    if (approvedBy === null) {
      pending.push({
        changeId,
        rule,
        ts: review.ts,
        author,
        change: review.change,
        ageDays: (nowMs - tsMs) / MS_PER_DAY,
        tsMs,
      });
    }
    if (problems.length > 0) findings.push(finding(review, owner));
  });

  pending.sort((a, b) => a.tsMs - b.tsMs || (a.changeId < b.changeId ? -1 : a.changeId > b.changeId ? 1 : 0));
  return {
    changes,
    pendingApprovals: pending.map(({ tsMs: _ts, ...p }) => p),
    findings,
  };
}

/** The id of a change: its own, or `rule@ISO time` (stable across runs for the same log row). */
export function changeIdOf(row: Pick<RuleChangeRow, 'changeId'>, rule: string, tsMs: number): string {
  return isBlank(row.changeId) ? `${rule}@${isoTime(tsMs)}` : (row.changeId as string).trim();
}

function finding(c: ChangeReview, ownerRole: string): Issue {
  const severity = c.problems.map((p) => APPROVAL_PROBLEM_SEVERITY[p]).reduce(maxSeverity);
  const lag =
    c.problems.includes('approved-after-live') && c.approvalLagSeconds !== null
      ? ` Approved ${formatLag(c.approvalLagSeconds)} after going live (${c.approvalTs}).`
      : '';
  const approver = c.approvedBy === null ? 'no approver' : `approver ${c.approvedBy}`;
  return {
    id: issueId('change-approval', { change: c.changeId, rule: c.rule }),
    source: 'governance',
    kind: 'change-approval',
    severity,
    ownerRole,
    title: `Change to ${c.rule} on ${c.ts.slice(0, 10)}: ${c.problems.map((p) => PROBLEM_TEXT[p]).join(', ')}`,
    evidence: `Change ${c.changeId} (${c.change ?? 'no description'}) went live ${c.ts} by ${c.author}, ${approver}.${lag}`,
    suggestedAction: c.problems.includes('no-approver')
      ? `Get the change reviewed by someone other than ${c.author} now, or revert it; require approval before publishing rules.`
      : c.problems.includes('self-approved')
        ? `Have a second person review the change; make the rule system reject self-approval.`
        : `Record when the change was approved and make publishing wait for the approval.`,
    subject: { change: c.changeId, rule: c.rule },
  };
}

function formatLag(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}
