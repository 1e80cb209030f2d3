import { duplicatesLine, type GovernanceRule } from '../../analyses/instrumentation/index.ts';
import { shareText } from '../../analyses/text/index.ts';
import type { DefineEventsResult } from './result.ts';
import { plural, textTable } from '../../report/index.ts';
import { complianceBlockers } from './plan.ts';

/** What an export lost, in a few words for the terminal. */
function lost(losses: DefineEventsResult['exports'][number]['losses']): string {
  if (losses === null) return '';
  return losses.length
    ? ` (${plural(losses.length, 'kind')} of facts not carried; see its .losses.md)`
    : ' (nothing lost)';
}

/**
 * The rules that set the events' retention and consent, each with how many events it decided:
 * "Retention: 730 days for 6 events (gtm default); consent: Analytics for 6 events (gtm default)."
 * (it said "for 6", which read as 6 of anything).
 */
export function retentionConsentLine(rules: readonly GovernanceRule[]): string {
  const text = (kind: GovernanceRule['kind'], unit: string) =>
    rules
      .filter((g) => g.kind === kind)
      .map((g) => `${g.value}${unit} for ${g.events} event${g.events === 1 ? '' : 's'} (${g.source})`)
      .join(', ');
  return `Retention: ${text('retention', ' days')}; consent: ${text('consent', '')}.`;
}

/** Terminal view of a define-events run. */
export function formatDefineEvents(r: DefineEventsResult): string {
  const out = [
    `${r.tracking_plan.name} ${r.tracking_plan.version}: ${plural(r.tracking_plan.events, 'event')}, ${plural(r.tracking_plan.properties, 'property', 'properties')}, ${plural(r.requirements.kpis.length, 'KPI')} (${r.requirements.kpis.filter((k) => !k.measurable).length} not measurable from ${r.inputs.sources.join(', ') || 'all sources'}).`,
    '',
    textTable(
      ['KPI', 'events', 'measurable'],
      r.requirements.kpis.map((k) => [k.name, k.events.join(', '), k.measurable ? 'yes' : 'no']),
    ),
    '',
    governanceLine(r),
  ];
  for (const f of r.governance.lint.findings.filter((x) => x.severity === 'error').slice(0, 5))
    out.push(`  error ${f.rule}: ${f.message}`);
  out.push(retentionConsentLine(r.governance.rules));
  if (r.qa.validation) {
    const v = r.qa.validation;
    out.push(
      `QA: ${v.eventsChecked} captured messages checked, ${v.messagesWithViolations} with violations (${shareText(r.qa.defect_rate ?? 0)}).`,
    );
    out.push(`${duplicatesLine(v)}.`);
    for (const c of v.duplicateConflicts) out.push(`- ${c.detail}${c.where ? ` (${c.where})` : ''}`);
    out.push(
      textTable(
        ['violation', 'count'],
        Object.entries(v.violationsByType)
          .filter(([, n]) => n > 0)
          .map(([t, n]) => [t, n]),
      ),
    );
  } else out.push('QA: no captured payloads given; replay checks are untested.');
  out.push(
    '',
    `Change: ${r.change_management.previous_version ? `${r.change_management.previous_version} → ${r.tracking_plan.version}` : `first version ${r.tracking_plan.version}`}; rollout in ${plural(r.change_management.rollout.length, 'step')}, last due ${r.change_management.rollout.at(-1)?.due ?? '—'}.`,
  );
  for (const a of r.alerts as {
    id: string;
    breached: boolean;
    escalate: boolean;
    value: number;
    threshold: number;
  }[])
    if (a.breached)
      out.push(
        `Alert ${a.id}: ${a.value} vs ${a.threshold}${a.escalate ? ' — breached twice within 48 h, escalated' : ''}.`,
      );
  out.push(
    `Exports: ${r.exports.map((e) => `${e.tool} → ${e.file}${lost(e.losses)}`).join(', ') || 'none'}`,
    `Reports: ${r.reports_dir}/ (summary.md: the instrumentation spec, dashboard.html, tracking-plan.json/.yaml/.csv, qa-checklist.md, evidence-plan.md, changelog.md)`,
    `Plan:    ${r.plan_path}`,
  );
  return out.join('\n');
}

/** The compliance blockers as the alert counts them: lint errors plus consent and PII findings in payloads. */
function governanceLine(r: DefineEventsResult): string {
  const lint = r.governance.lint;
  const v = r.qa.validation;
  const consent = v ? v.violationsByType.consent_violation : 0;
  const pii = v ? v.violationsByType.pii_detected : 0;
  const regulations = lint.regulations.join(', ') || 'none';
  return (
    `Governance: ${plural(complianceBlockers(lint, v), 'compliance blocker')} (${plural(lint.errors, 'lint error')}` +
    (v ? `, ${plural(consent, 'consent violation')} and ${pii} unflagged PII in captured payloads` : '') +
    `), ${plural(lint.warnings, 'lint warning')} (regulations: ${regulations}).`
  );
}
