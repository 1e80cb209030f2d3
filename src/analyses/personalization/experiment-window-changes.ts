import { isBlank, isoTime, optionalTime, requireKey, requireNow, requireTime } from './input-checks.ts';
import { issueId } from './issue-id.ts';
import { DEFAULT_OWNER_ROLES, type OwnerRoles } from './owner-roles.ts';
import { changeIdOf, type RuleChangeRow } from './review-change-approvals.ts';
import type { Issue, Timestamp } from './types.ts';

/** An experiment's window and the rules that serve it (from its config, or the decisions log). */
export interface ExperimentWindow {
  readonly experiment: string;
  readonly start: Timestamp;
  /** Null or absent while it has no end. */
  readonly end?: Timestamp | null;
  readonly rules: readonly string[];
}

export interface ExperimentWindowChange {
  readonly experiment: string;
  readonly changeId: string;
  readonly rule: string;
  readonly ts: string;
  readonly author: string;
  readonly change: string | null;
  /** Whether the experiment is still running at `now` (start ≤ now ≤ end, or no end). */
  readonly running: boolean;
  /** Days from the experiment's start to the change. */
  readonly daysIntoExperiment: number;
}

export interface ExperimentWindowChanges {
  readonly conflicts: readonly ExperimentWindowChange[];
  readonly findings: readonly Issue[];
}

/**
 * Changes to a rule made while an experiment that uses the rule was running: strictly after its
 * start and strictly before its end (or at any later time when it has no end). The boundaries are
 * excluded because the change at the start second is normally the one that launched the
 * experiment, and the one at the end second the one that stopped or shipped it. Such a change
 * mixes two treatments in one arm, so it is high severity while the experiment runs and medium
 * once it has ended (its readout is affected).
 *
 * O(changes × experiments using the changed rule).
 *
 * @example
 * experimentWindowChanges(
 *   [{ rule: 'hero', ts: '2026-03-10', author: 'ana' }],
 *   [{ experiment: 'exp-1', start: '2026-03-01', end: null, rules: ['hero'] }],
 *   '2026-03-20',
 * ).conflicts[0].running; // true
 */
export function experimentWindowChanges(
  changes: readonly RuleChangeRow[],
  experiments: readonly ExperimentWindow[],
  now: Timestamp,
  options: { ownerRoles?: Partial<OwnerRoles> } = {},
): ExperimentWindowChanges {
  const nowMs = requireNow(now);
  const owner = { ...DEFAULT_OWNER_ROLES, ...options.ownerRoles }.experiments;

  const byRule = new Map<string, { experiment: string; start: number; end: number | null }[]>();
  experiments.forEach((e, i) => {
    const experiment = requireKey(e.experiment, i, 'experiment');
    const start = requireTime(e.start, i, 'start');
    const end = optionalTime(e.end, i, 'end');
    for (const rule of new Set(e.rules)) {
      const list = byRule.get(rule) ?? [];
      list.push({ experiment, start, end });
      byRule.set(rule, list);
    }
  });

  const conflicts: ExperimentWindowChange[] = [];
  changes.forEach((row, i) => {
    const rule = requireKey(row.rule, i, 'rule');
    const ts = requireTime(row.ts, i, 'ts');
    for (const e of byRule.get(rule) ?? []) {
      if (!(ts > e.start && (e.end === null || ts < e.end))) continue;
      conflicts.push({
        experiment: e.experiment,
        changeId: changeIdOf(row, rule, ts),
        rule,
        ts: isoTime(ts),
        author: row.author,
        change: isBlank(row.change) ? null : (row.change as string),
        running: e.start <= nowMs && (e.end === null || nowMs <= e.end),
        daysIntoExperiment: (ts - e.start) / 86_400_000,
      });
    }
  });

  const findings = conflicts.map((c): Issue => {
    const subject = { experiment: c.experiment, change: c.changeId, rule: c.rule };
    return {
      id: issueId('change-in-experiment', subject),
      source: 'governance',
      kind: 'change-in-experiment',
      severity: c.running ? 'high' : 'medium',
      ownerRole: owner,
      title: `${c.rule} changed ${formatDays(c.daysIntoExperiment)} into experiment ${c.experiment}${c.running ? ' (running)' : ''}`,
      evidence: `Change ${c.changeId} (${c.change ?? 'no description'}) by ${c.author} went live ${c.ts}, inside the window of ${c.experiment}, which uses ${c.rule}.`,
      suggestedAction: c.running
        ? `Check whether the change altered who gets which variant or what they see; if it did, restart ${c.experiment} or analyse only exposures after ${c.ts}, and freeze ${c.rule} until the experiment ends.`
        : `Mark the readout of ${c.experiment} as affected from ${c.ts}; if the change touched targeting or content, re-run the analysis on the days before it.`,
      subject,
    };
  });
  return { conflicts, findings };
}

function formatDays(days: number): string {
  const d = Math.floor(days);
  return d === 1 ? '1 day' : `${d} days`;
}
