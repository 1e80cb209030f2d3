import type { ChangeLevel, PlanChange, PlanDiff } from './plan-diff.ts';

const LABEL: Record<ChangeLevel, string> = {
  model: 'MODEL (breaking)',
  revision: 'REVISION (may break some historical data)',
  addition: 'ADDITION (compatible)',
  none: 'metadata only',
};
const SHORT: Record<ChangeLevel, string> = {
  model: 'MODEL',
  revision: 'REVISION',
  addition: 'ADDITION',
  none: 'META',
};
const ORDER: ChangeLevel[] = ['model', 'revision', 'addition', 'none'];

/**
 * A plan's text on one Markdown line: line breaks as spaces, other control characters as visible
 * `\xNN` (as `mdLine` in src/report, which analyses do not import).
 */
const oneLine = (s: string) =>
  s
    .replace(/\r\n?|[\n\u2028\u2029]/g, ' ')
    .replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (c) =>
      c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
    );
const code = (s: string) => '`' + oneLine(s.replace(/`/g, "'")) + '`';
// the backslashes first, so that those of the `\xNN` escapes stay single
const mdText = (s: string) => oneLine(s.replace(/([\\|*_[\]<>])/g, '\\$1'));

/**
 * Renders a plan diff as a Markdown changelog: the proposed version bump, counts per level, then
 * one section per event with each change and its SchemaVer level.
 *
 * @example renderChangelog(diffPlans(oldPlan, newPlan))
 */
export function renderChangelog(diff: PlanDiff): string {
  const lines: string[] = [];
  lines.push(`# Tracking plan changelog: ${mdText(diff.to.name)}`);
  lines.push('');
  if (diff.changes.length === 0) {
    lines.push(`No changes from ${diff.from.version}.`);
    return lines.join('\n') + '\n';
  }
  const bump =
    diff.level === 'none' ? 'no version bump needed' : `${diff.from.version} → **${diff.proposedVersion}**`;
  lines.push(`Proposed plan version: ${bump} (${LABEL[diff.level]}).`);
  if (diff.to.version !== diff.from.version && diff.to.version !== diff.proposedVersion) {
    lines.push('');
    lines.push(`> The new plan declares ${diff.to.version}; the changes call for ${diff.proposedVersion}.`);
  }
  lines.push('');
  lines.push('| level | changes |');
  lines.push('|---|---:|');
  for (const level of ORDER) {
    const n = diff.changes.filter((c) => c.level === level).length;
    if (n) lines.push(`| ${LABEL[level]} | ${n} |`);
  }
  const groups = new Map<string, PlanChange[]>();
  for (const c of diff.changes) {
    const k = `${c.eventType}\u0000${c.event}`;
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  for (const [k, changes] of groups) {
    const [type, event] = k.split('\u0000');
    const proposal = diff.events.find((e) => e.event === event && e.eventType === type);
    lines.push('');
    const title = type === 'track' ? event : `${type}: ${event}`;
    const version = proposal && proposal.level !== 'none' ? ` (${proposal.from} → ${proposal.proposed})` : '';
    lines.push(`## ${mdText(title)}${version}`);
    lines.push('');
    const sorted = [...changes].sort((a, b) => ORDER.indexOf(a.level) - ORDER.indexOf(b.level));
    for (const c of sorted) {
      const subject = c.property ? `${code(c.property)}: ` : '';
      lines.push(`- **${SHORT[c.level]}** ${subject}${mdText(c.description)}`);
    }
  }
  return lines.join('\n') + '\n';
}
