import { duplicatesLine } from '../../analyses/instrumentation/index.ts';
import type { TrackingPlan } from '../../analyses/instrumentation/index.ts';
import {
  barChart,
  dataQualitySection,
  type Block,
  type Dashboard,
  type Kpi,
  type ListItem,
  type Section,
  percentText,
  plural,
} from '../../report/index.ts';
import { complianceBlockers } from './plan.ts';
import type { DefineEventsResult } from './result.ts';

type R = DefineEventsResult;

/** KPIs and the events, sources and measurability each needs. */
function requirementsSection(r: R): Section {
  return {
    title: 'Requirements',
    blocks: [
      {
        kind: 'table',
        title: 'KPIs and what they need',
        columns: [
          { key: 'name', label: 'KPI', format: 'text' },
          { key: 'definition', label: 'Definition', format: 'text' },
          { key: 'events', label: 'Events', format: 'text' },
          { key: 'sources', label: 'Sources', format: 'text' },
          { key: 'measurable', label: 'Measurable', format: 'text' },
        ],
        rows: r.requirements.kpis.map((k) => ({
          name: k.name,
          definition: k.definition,
          events: k.events.join(', '),
          sources: k.sources.join(', '),
          measurable: k.measurable ? 'yes' : `no (${k.unavailableEvents.join(', ')})`,
        })),
      },
    ],
  };
}

/** Events with their call type, properties, identities, source, owner, status and version. */
/** Events per source system and call type: where the instrumentation work lands. */
function eventsChart(plan: TrackingPlan): Block {
  const counts = new Map<string, { source: string; call: string; events: number }>();
  for (const e of plan.events)
    for (const source of e.sources.length ? e.sources : ['unassigned']) {
      const key = `${source}|${e.type}`;
      const row = counts.get(key) ?? { source, call: e.type, events: 0 };
      row.events++;
      counts.set(key, row);
    }
  return {
    kind: 'chart',
    title: 'Events by source system and call type',
    spec: barChart({
      title: 'Events by source system',
      data: [...counts.values()],
      x: 'source',
      y: 'events',
      color: 'call',
      horizontal: true,
      format: 'integer',
    }),
  };
}

/** Captured messages with violations, by type (when payloads were validated). */
function violationsChart(r: R): Block[] {
  const v = r.qa.validation;
  if (!v) return [];
  const data = Object.entries(v.violationsByType)
    .filter(([, n]) => n > 0)
    .map(([type, violations]) => ({ type: type.replace(/_/g, ' '), violations }));
  if (!data.length) return [];
  return [
    {
      kind: 'chart',
      title: 'Violations in captured payloads, by type',
      spec: barChart({
        title: 'Violations by type',
        data,
        x: 'type',
        y: 'violations',
        horizontal: true,
        format: 'integer',
      }),
    },
  ];
}

function catalogSection(r: R, plan: TrackingPlan): Section {
  return {
    title: 'Event catalog',
    blocks: [
      eventsChart(plan),
      {
        kind: 'table',
        title: 'Events',
        columns: [
          { key: 'name', label: 'Event', format: 'text' },
          { key: 'type', label: 'Call', format: 'text' },
          { key: 'description', label: 'Description', format: 'text' },
          { key: 'properties', label: 'Properties', format: 'text' },
          { key: 'identities', label: 'Identities', format: 'text' },
          { key: 'sources', label: 'Source', format: 'text' },
          { key: 'owner', label: 'Owner', format: 'text' },
          { key: 'status', label: 'Status', format: 'text' },
          { key: 'version', label: 'Version', format: 'text' },
        ],
        rows: plan.events.map((e) => ({
          name: e.name,
          type: e.type,
          description: e.description ?? '',
          properties: e.properties
            .map((p) => `${p.name}${p.required ? '*' : ''}: ${[p.schema.type].flat().join('|')}`)
            .join(', '),
          identities: e.identities.join(', '),
          sources: e.sources.join(', '),
          owner: e.owner ?? '',
          status: e.status,
          version: e.version,
        })),
        caption: '* required property',
      },
    ],
  };
}

/** The lint findings; "clean" only when every event really has a retention period and a consent category. */
export function lintItems(r: R): ListItem[] {
  const { findings, coverage } = r.governance.lint;
  if (findings.length)
    return findings.map((f) => ({
      text: `[${f.severity}] ${f.rule}${f.event ? ` — ${f.event}${f.property ? `.${f.property}` : ''}` : ''}`,
      detail: f.message,
      status: f.severity === 'error' ? 'alert' : 'warn',
    }));
  const blank = [
    coverage.events - coverage.with_retention
      ? `${coverage.events - coverage.with_retention} without a retention period`
      : '',
    coverage.events - coverage.with_consent
      ? `${coverage.events - coverage.with_consent} without a consent category`
      : '',
  ].filter(Boolean);
  return blank.length
    ? [{ text: `No findings, but ${blank.join(' and ')} (rules switched off).`, status: 'warn' }]
    : [
        {
          text: `No findings: names, descriptions, constraints, consent and retention are clean (${coverage.events === 1 ? 'the one event has' : `all ${coverage.events} events have`} both).`,
          status: 'ok',
        },
      ];
}

/** The retention and consent rules applied, each with the setting or constraint it comes from. */
function rulesTable(r: R): Block {
  return {
    kind: 'table',
    title: 'Retention and consent rules applied',
    columns: [
      { key: 'kind', label: 'Rule', format: 'text' },
      { key: 'value', label: 'Days / category', format: 'text' },
      { key: 'source', label: 'From', format: 'text' },
      { key: 'description', label: 'Why', format: 'text' },
      { key: 'events', label: 'Events', format: 'integer' },
    ],
    rows: r.governance.rules.map((g) => ({ ...g, value: String(g.value) })),
    caption:
      'Most specific first: gtm.yaml per event, the plan, gtm.yaml per consent category, --retention-days, gtm.yaml default_days, then the defaults of --constraints.',
  };
}

/** Consent, PII and retention per event, the rules that set them, and the lint findings. */
function governanceSection(r: R, plan: TrackingPlan): Section {
  const { coverage } = r.governance.lint;
  return {
    title: 'Governance',
    summary: true,
    intro: `Consent mode ${plan.consentMode}; regulations enforced: ${r.governance.lint.regulations.join(', ') || 'none'}${r.inputs.constraints.notes.length ? `; other constraints noted: ${r.inputs.constraints.notes.join(', ')}` : ''}. ${coverage.with_retention} of ${coverage.events} events have a retention period, ${coverage.with_consent} a consent category.`,
    blocks: [
      rulesTable(r),
      {
        kind: 'table',
        title: 'Consent, PII and retention',
        columns: [
          { key: 'event', label: 'Event', format: 'text' },
          { key: 'consent', label: 'Consent category', format: 'text' },
          { key: 'consent_rule', label: 'Consent from', format: 'text' },
          { key: 'pii', label: 'PII', format: 'text' },
          { key: 'retention_days', label: 'Retention (days)', format: 'integer' },
          { key: 'retention_rule', label: 'Retention from', format: 'text' },
          { key: 'owner', label: 'Owner', format: 'text' },
        ],
        rows: r.governance.rows.map((g) => ({ ...g, pii: g.pii ? 'yes' : 'no' })),
      },
      { kind: 'list', title: 'Lint findings', items: lintItems(r) },
    ],
  };
}

/** What each export could not carry (the rest round-trips), with the file that lists it. */
function exportsSection(r: R): Section {
  const all = [...r.tracking_plan.formats, ...r.exports];
  return {
    title: 'Exports',
    intro:
      'Each export is read back by gtm and compared with the plan; what a format could not carry is listed beside the file (`<file>.losses.md`).',
    blocks: [
      {
        kind: 'table',
        title: 'Plan files and what each format could not carry',
        columns: [
          { key: 'tool', label: 'Tool', format: 'text' },
          { key: 'file', label: 'File', format: 'text' },
          { key: 'lost', label: 'Not carried', format: 'text' },
          { key: 'losses_file', label: 'Listed in', format: 'text' },
        ],
        rows: all.map((x) => ({
          tool: x.tool,
          file: x.file,
          lost:
            x.losses === null
              ? `not read back (${x.format.endsWith(' DDL') ? 'warehouse table DDL' : 'a dbt schema'}, not a plan format)`
              : x.losses.length
                ? x.losses.map((l) => l.label).join('; ')
                : 'nothing',
          losses_file: x.losses_file ?? '',
        })),
      },
    ],
  };
}

/** Captured payloads against the plan, the QA checklist and observability dashboards. */
function qaSection(r: R): Section {
  const q = r.qa;
  return {
    title: 'QA plan',
    blocks: [
      ...violationsChart(r),
      ...(q.validation
        ? [
            {
              kind: 'table' as const,
              title: 'Captured payloads against the plan',
              columns: [
                { key: 'type', label: 'Violation', format: 'text' as const },
                { key: 'count', label: 'Count', format: 'integer' as const },
              ],
              rows: Object.entries(q.validation.violationsByType).map(([type, count]) => ({
                type,
                count,
              })),
            },
            {
              kind: 'callout' as const,
              status: (q.validation.conflictingDuplicates ? 'warn' : 'ok') as 'warn' | 'ok',
              text: `${duplicatesLine(q.validation)}. The defect rate is over the ${plural(q.validation.eventsChecked, 'distinct message')}.`,
            },
            ...(q.validation.duplicateConflicts.length
              ? [
                  {
                    kind: 'table' as const,
                    title: 'messageIds seen with different payloads',
                    columns: [
                      { key: 'messageId', label: 'messageId', format: 'text' as const },
                      { key: 'copies', label: 'Copies', format: 'integer' as const },
                      { key: 'differing', label: 'Differing', format: 'integer' as const },
                      { key: 'where', label: 'First differing copy', format: 'text' as const },
                    ],
                    rows: q.validation.duplicateConflicts.map((c) => ({
                      messageId: c.messageId,
                      copies: c.copies,
                      differing: c.differing,
                      where: c.where ?? '',
                    })),
                  },
                ]
              : []),
          ]
        : [
            {
              kind: 'callout' as const,
              status: 'warn' as const,
              text: 'No captured payloads were given: replay checks stay untested until `gtm events validate` runs on real events.',
            },
          ]),
      {
        kind: 'table',
        title: 'Checklist',
        columns: [
          { key: 'kind', label: 'Kind', format: 'text' },
          { key: 'check', label: 'Check', format: 'text' },
          { key: 'status', label: 'Result', format: 'text' },
          { key: 'detail', label: 'Detail', format: 'text' },
          { key: 'owner_role', label: 'Owner', format: 'text' },
        ],
        rows: q.checks.map((c) => ({
          ...c,
          owner_role: c.owner ?? c.owner_role.replace(/_/g, ' '),
          flag: c.status === 'fail' ? 'alert' : c.status === 'pass' ? 'ok' : undefined,
        })),
        highlight: { key: 'flag' },
      },
      {
        kind: 'list',
        title: 'Observability dashboards',
        items: q.dashboards.map((d) => ({ text: d.name, detail: `${d.metric}; alert: ${d.alert}` })),
      },
    ],
  };
}

/** Approvals and the rollout plan, with the version change. */
function changeSection(r: R): Section {
  return {
    title: 'Change management',
    intro: r.change_management.previous_version
      ? r.change_management.diff?.level && r.change_management.diff.level !== 'none'
        ? `Previous version ${r.change_management.previous_version} → ${r.tracking_plan.version} (${r.change_management.diff.level.toUpperCase()} change).`
        : `No change to the events since version ${r.change_management.previous_version}.`
      : `First version ${r.tracking_plan.version}.`,
    blocks: [
      {
        kind: 'list',
        title: 'Approvals',
        items: r.change_management.approvals.map((a) => ({ text: a })),
      },
      {
        kind: 'table',
        title: 'Rollout plan',
        columns: [
          { key: 'due', label: 'Due', format: 'text' },
          { key: 'step', label: 'Step', format: 'text' },
          { key: 'owner', label: 'Owner', format: 'text' },
          { key: 'gate', label: 'Gate', format: 'text' },
        ],
        rows: r.change_management.rollout.map((s) => ({ ...s, owner: s.owner ?? s.owner_role })),
      },
    ],
  };
}

/** KPIs, events, compliance blockers, payload defect rate (against its guardrail) and failing checks. */
function kpisOf(r: R): Kpi[] {
  const q = r.qa;
  const failing = q.checks.filter((c) => c.status === 'fail').length;
  return [
    {
      label: 'KPIs',
      value: r.requirements.kpis.length,
      format: 'integer',
      note: `${r.requirements.kpis.filter((k) => !k.measurable).length} not measurable from these sources`,
    },
    {
      label: 'Events',
      value: r.tracking_plan.events,
      format: 'integer',
      note: plural(r.tracking_plan.properties, 'property', 'properties'),
    },
    {
      label: 'Compliance blockers',
      value: complianceBlockers(r.governance.lint, q.validation),
      format: 'integer',
      status: complianceBlockers(r.governance.lint, q.validation) ? 'alert' : 'ok',
      note: `${plural(r.governance.lint.errors, 'lint error')}, ${q.validation ? q.validation.violationsByType.consent_violation + q.validation.violationsByType.pii_detected : 0} consent/PII in payloads; ${plural(r.governance.lint.warnings, 'warning')}`,
    },
    ...(q.defect_rate !== null
      ? [
          {
            label: 'Payload defect rate',
            value: q.defect_rate,
            format: 'percent' as const,
            status: (q.defect_rate > q.defect_threshold ? 'alert' : 'ok') as 'alert' | 'ok',
            note: `${plural(q.validation?.eventsChecked ?? 0, 'distinct message')} checked${q.validation?.duplicates ? ` (${plural(q.validation.duplicates, 'duplicate copy', 'duplicate copies')} of a messageId not counted${q.validation.conflictingDuplicates ? `, ${plural(q.validation.conflictingDuplicates, 'messageId')} with different payloads` : ''})` : ''}; guardrail ${percentText(q.defect_threshold)}`,
          },
        ]
      : []),
    { label: 'QA checks failing', value: failing, format: 'integer', status: failing ? 'warn' : 'ok' },
  ];
}

/** The instrumentation spec as a dashboard model (rendered to summary.md and dashboard.html). */
export function buildSpecDashboard(r: R, plan: TrackingPlan): Dashboard {
  return {
    title: `Instrumentation spec — ${r.inputs.use_case.join(', ')}`,
    subtitle: `Tracking plan ${r.tracking_plan.version}; sources ${r.inputs.sources.join(', ') || 'all'}; tools ${r.inputs.tools.join(', ') || 'none named'}`,
    generatedAt: `${r.inputs.as_of}T00:00:00Z`,
    runId: r.run_id,
    planPath: r.plan_path,
    kpis: kpisOf(r),
    sections: [
      requirementsSection(r),
      catalogSection(r, plan),
      governanceSection(r, plan),
      qaSection(r),
      changeSection(r),
      exportsSection(r),
      dataQualitySection({ alerts: r.alerts, planPath: r.plan_path }),
    ],
    footnotes: [
      `Reproduce: gtm define-events --use-case "${r.inputs.use_case.join(',')}" --sources "${r.inputs.sources.join(',')}" --tools "${r.inputs.tools.join(',')}"${r.inputs.constraints.regulations.length ? ` --constraints "${[...r.inputs.constraints.regulations, ...r.inputs.constraints.notes].join(',')}"` : ''}${r.inputs.retention_days !== null ? ` --retention-days ${r.inputs.retention_days}` : ''} --as-of ${r.inputs.as_of}`,
    ],
  };
}
