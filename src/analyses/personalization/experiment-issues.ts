import type { ExperimentMemo } from './experiment-memo.ts';
import { issueId } from './issue-id.ts';
import { DEFAULT_OWNER_ROLES, type OwnerRoles } from './owner-roles.ts';
import type { GuidanceKind } from './rollout-guidance.ts';
import type { Issue, Severity } from './types.ts';

/** Which guidance needs someone to act, and how urgently. `keep running` needs nobody. */
export const GUIDANCE_SEVERITY: Readonly<Record<GuidanceKind, Severity | null>> = {
  'fix and restart': 'high',
  'roll back': 'high',
  'owner decision': 'medium',
  ship: 'medium',
  ramp: 'medium',
  stop: 'low',
  'keep running': null,
};

/**
 * Issues for the backlog from experiment memos: one per experiment whose guidance asks for an
 * action (id `experiment-<kind>:experiment=<id>`), owned by the experiments role.
 *
 * @example
 * experimentIssues(memos).map((i) => i.kind); // ['experiment-roll-back', 'experiment-ship']
 */
export function experimentIssues(
  memos: readonly ExperimentMemo[],
  ownerRoles: Partial<OwnerRoles> = {},
): Issue[] {
  const ownerRole = { ...DEFAULT_OWNER_ROLES, ...ownerRoles }.experiments;
  const out: Issue[] = [];
  for (const memo of memos) {
    const severity = GUIDANCE_SEVERITY[memo.guidance.kind];
    if (severity === null) continue;
    const kind = `experiment-${memo.guidance.kind.replace(/ /g, '-')}`;
    const subject = { experiment: memo.experiment };
    out.push({
      id: issueId(kind, subject),
      source: 'experiment',
      kind,
      severity,
      ownerRole,
      title: `${memo.name ?? memo.experiment}: ${memo.guidance.kind}`,
      evidence: memo.decision.reasons.slice(0, 3).join(' '),
      suggestedAction: memo.guidance.headline,
      subject,
    });
  }
  return out;
}
