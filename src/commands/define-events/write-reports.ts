import { renderChangelog, type TrackingPlan } from '../../analyses/instrumentation/index.ts';
import { mdEscape, mdTable, plural, type ReportFile } from '../../report/index.ts';
import { planExports } from './plan-exports.ts';
import type { DefineEventsResult } from './result.ts';

/** The plan in gtm's own formats and in each requested tool's, each with its losses beside it. */
function planFiles(r: DefineEventsResult, plan: TrackingPlan, igluVendor: string | null): ReportFile[] {
  return planExports(plan, r.inputs.tools, r.inputs.as_of, igluVendor).flatMap((x) => x.files);
}

function checklistMd(r: DefineEventsResult, plan: TrackingPlan): string {
  const rows = r.qa.checks.map((c) => ({
    ...c,
    status: c.status === 'pass' ? '[x] pass' : c.status === 'fail' ? '[ ] FAIL' : '[ ] untested',
    // what the status rests on: the payloads checked, the violations, or why it is untested
    detail: c.detail ?? '',
  }));
  const cols = [
    { key: 'status', label: 'Status' },
    { key: 'detail', label: 'Detail' },
    { key: 'kind', label: 'Kind' },
    { key: 'check', label: 'Check' },
    { key: 'evidence', label: 'Evidence' },
    { key: 'owner_role', label: 'Owner' },
  ];
  return `# QA checklist — ${mdEscape(plan.name)} ${mdEscape(plan.version)}\n\n${mdTable(cols, rows)}\n`;
}

function evidenceMd(r: DefineEventsResult, plan: TrackingPlan): string {
  return [
    `# Evidence plan — ${mdEscape(plan.name)} ${mdEscape(plan.version)}`,
    '',
    mdTable(
      [
        { key: 'artifact', label: 'Artifact' },
        { key: 'how', label: 'How to produce it' },
        { key: 'retention', label: 'Keep' },
      ],
      r.qa.evidence,
    ),
    '',
    '## Dashboards',
    '',
    mdTable(
      [
        { key: 'name', label: 'Dashboard' },
        { key: 'metric', label: 'Metric' },
        { key: 'alert', label: 'Alert' },
      ],
      r.qa.dashboards,
    ),
    '',
  ].join('\n');
}

/**
 * The files of a define-events run besides result.json, summary.md (the instrumentation spec) and
 * dashboard.html: the plan in gtm's formats and each tool's, the QA checklist, the evidence plan,
 * the changelog, the lint and the payload validation. `igluVendor`: gtm.yaml `events.iglu_vendor`.
 */
export function defineEventsFiles(
  r: DefineEventsResult,
  plan: TrackingPlan,
  igluVendor: string | null,
): ReportFile[] {
  const files = [
    ...planFiles(r, plan, igluVendor),
    { name: 'qa-checklist.md', content: checklistMd(r, plan) },
    { name: 'evidence-plan.md', content: evidenceMd(r, plan) },
    {
      name: 'changelog.md',
      content: r.change_management.diff
        ? renderChangelog(r.change_management.diff)
        : `# Changelog\n\n## ${mdEscape(plan.version)}\n\nFirst version of ${mdEscape(plan.name)}: ${plural(plan.events.length, 'event')}.\n`,
    },
    { name: 'lint.json', content: `${JSON.stringify(r.governance.lint, null, 2)}\n` },
  ];
  if (r.qa.validation)
    files.push({ name: 'validation.json', content: `${JSON.stringify(r.qa.validation, null, 2)}\n` });
  return files;
}
