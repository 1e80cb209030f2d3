import { toCsvTable, type ReportFile } from '../../report/index.ts';
import { experimentMemoMarkdown, governanceChecklistMarkdown } from './memo-markdown.ts';
import type { MonitorPersonalizationOutputs } from './plan.ts';
import type { MonitorPersonalizationResult } from './result.ts';

/** CSV columns: headers in snake_case, whatever the casing of the result's keys. */
const cols = (...keys: string[]) =>
  keys.map((key) => ({ key, label: key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) }));

/** Performance by dimension × segment × variant, one row per metric comparison flattened to columns. */
function performanceCsv(o: MonitorPersonalizationOutputs): string {
  const rows = o.aggregate.performance.rows.map((v) => {
    const by = Object.fromEntries(v.comparisons.map((c) => [c.metric, c]));
    const m = (k: string) => by[k];
    // the lift's interval; a comparison on the absolute scale (a holdout at 0) has no lift, its
    // difference and interval go to the *_difference columns
    const ci = (k: string) => m(k)?.adjustedCi ?? m(k)?.ci;
    const rel = (k: string) => m(k)?.scale === 'relative';
    const lo = (k: string) => (rel(k) ? ci(k)?.[0] : null) ?? null;
    const hi = (k: string) => (rel(k) ? ci(k)?.[1] : null) ?? null;
    const abs = (k: string, i: 0 | 1) => (m(k)?.scale === 'absolute' ? ci(k)?.[i] : null) ?? null;
    return {
      dimension: v.dimension,
      segment: v.segment,
      variant: v.variant,
      is_holdout: v.isHoldout,
      users: v.users,
      engaged_users: v.engagedUsers,
      converters: v.converters,
      engagement_rate: v.engagementRate,
      conversion_rate: v.conversionRate,
      revenue_per_user: v.revenuePerUser,
      engagement_lift: m('engagement_rate')?.lift ?? null,
      engagement_lift_low: lo('engagement_rate'),
      engagement_lift_high: hi('engagement_rate'),
      conversion_lift: m('conversion_rate')?.lift ?? null,
      conversion_lift_low: lo('conversion_rate'),
      conversion_lift_high: hi('conversion_rate'),
      conversion_difference: m('conversion_rate')?.difference ?? null,
      conversion_difference_low: abs('conversion_rate', 0),
      conversion_difference_high: abs('conversion_rate', 1),
      conversion_verdict: m('conversion_rate')?.verdict ?? null,
      conversion_note: m('conversion_rate')?.note ?? m('conversion_rate')?.error ?? null,
      revenue_lift: m('revenue_per_user')?.lift ?? null,
      revenue_lift_low: lo('revenue_per_user'),
      revenue_lift_high: hi('revenue_per_user'),
    };
  });
  return toCsvTable(cols(...Object.keys(rows[0] ?? { dimension: 0 })), rows);
}

/** The command's tables and Markdown files besides result.json, summary.md and dashboard.html. */
export function monitorPersonalizationFiles(
  r: MonitorPersonalizationResult,
  o: MonitorPersonalizationOutputs,
): ReportFile[] {
  return [
    { name: 'experiment-memo.md', content: experimentMemoMarkdown(r, o) },
    { name: 'governance-checklist.md', content: governanceChecklistMarkdown(r, o) },
    { name: 'performance.csv', content: performanceCsv(o) },
    ...governanceFiles(o),
    experimentsFile(o),
    ...issueFiles(r, o),
  ];
}

/** The checklist, rule health, consent examples, rule changes and stale rules as CSV. */
function governanceFiles(o: MonitorPersonalizationOutputs): ReportFile[] {
  const g = o.governance.scan;
  return [
    {
      name: 'governance_checklist.csv',
      content: toCsvTable(
        cols('id', 'title', 'status', 'count', 'evidence', 'owner_role'),
        g.checklist.items.map((i) => ({ ...i, owner_role: i.ownerRole })),
      ),
    },
    {
      name: 'rule_health.csv',
      content: toCsvTable(
        cols(
          'rule',
          'evaluations',
          'matched',
          'default',
          'fallback',
          'error',
          'disabled',
          'status',
          'reasons',
          'error_codes',
        ),
        (g.ruleHealth?.rules ?? []).map((x) => ({
          rule: x.rule,
          evaluations: x.evaluations,
          ...x.rates,
          status: x.status,
          reasons: x.reasons.map((y) => `${y.reason}=${y.evaluations}`).join('; '),
          error_codes: x.errorCodes.map((y) => `${y.code}=${y.evaluations}`).join('; '),
        })),
      ),
    },
    {
      name: 'consent_violations.csv',
      content: toCsvTable(
        cols(
          'user',
          'rule',
          'purpose',
          'kind',
          'decisionTs',
          'consentTs',
          'nextGrantTs',
          'variant',
          'channel',
        ),
        (g.consent?.examples ?? []).map((x) => ({ ...x })),
      ),
    },
    ...consentUsersFiles(o),
    {
      name: 'rule_changes.csv',
      content: toCsvTable(
        cols('changeId', 'rule', 'ts', 'author', 'change', 'approvedBy', 'approvalTs', 'problems'),
        (g.approvals?.changes ?? []).map((c) => ({ ...c, problems: c.problems.join('; ') })),
      ),
    },
    {
      name: 'stale_rules.csv',
      content: toCsvTable(
        cols('rule', 'kind', 'variant', 'since', 'days', 'detail'),
        (g.stale?.stale ?? []).map((x) => ({ ...x })),
      ),
    },
  ];
}

/** Every experiment × metric × variant of the readouts, with the guidance. */
function experimentsFile(o: MonitorPersonalizationOutputs): ReportFile {
  return {
    name: 'experiments.csv',
    content: toCsvTable(
      cols(
        'experiment',
        'metric',
        'guardrail',
        'variant',
        'control_mean',
        'mean',
        'effect',
        'ci_low',
        'ci_high',
        'p_value',
        'chance_to_win',
        'decision',
        'guidance',
      ),
      o.experiments.memos.flatMap((m) =>
        (m.readout?.metrics ?? []).flatMap((x) =>
          x.variants.map((v) => ({
            experiment: m.id,
            metric: x.name,
            guardrail: x.guardrail,
            variant: v.name,
            control_mean: x.control.mean,
            mean: v.mean,
            effect: v.effect,
            ci_low: v.ci?.[0] ?? null,
            ci_high: v.ci?.[1] ?? null,
            p_value: v.p_value,
            chance_to_win: v.chance_to_win,
            decision: v.decision,
            guidance: m.guidance?.kind ?? null,
          })),
        ),
      ),
    ),
  };
}

/** Anomalies, the daily KPI series and the backlog as CSV. */
function issueFiles(r: MonitorPersonalizationResult, o: MonitorPersonalizationOutputs): ReportFile[] {
  return [
    {
      name: 'anomalies.csv',
      content: toCsvTable(
        cols(
          'key',
          'detector',
          'subject',
          'at',
          'severity',
          'value',
          'expected',
          'score',
          'threshold',
          'detectors',
          'playbook',
        ),
        o.issues.anomalies.map((y) => ({ ...y, detectors: y.detectors.join('+') })),
      ),
    },
    {
      name: 'daily_kpis.csv',
      content: toCsvTable(
        cols(
          'day',
          'users',
          'engaged',
          'converters',
          'revenue',
          'revenue_sum_squares',
          'engagement_rate',
          'conversion_rate',
          'revenue_per_user',
        ),
        r.anomalies.daily.map((x) => ({ ...x })),
      ),
    },
    {
      name: 'backlog.csv',
      content: toCsvTable(
        cols(
          'rank',
          'id',
          'severity',
          'repeat',
          'source',
          'kind',
          'title',
          'evidence',
          'action',
          'owner_role',
          'owner',
          'due',
          'projected_lift',
          'lift_unit',
          'lift_basis',
        ),
        o.backlog.items.map((x) => ({
          ...x,
          action: x.suggestedAction,
          owner_role: x.owner.role,
          owner: x.owner.person,
          projected_lift: x.projected_lift?.value ?? null,
          lift_unit: x.projected_lift?.unit ?? null,
          lift_basis: x.projected_lift?.basis ?? x.lift_basis,
        })),
      ),
    },
  ];
}

/** Every affected user of a consent violation, one row each (when consent was checked against facts). */
function consentUsersFiles(o: MonitorPersonalizationOutputs): ReportFile[] {
  const users = o.governance.consent_users;
  if (!users) return [];
  return [
    {
      name: 'consent_violation_users.csv',
      content: toCsvTable(
        cols(
          'user',
          'decisions',
          'rules',
          'purposes',
          'kinds',
          'firstDecisionTs',
          'lastDecisionTs',
          'withdrawalTs',
        ),
        users.rows.map((x) => ({
          ...x,
          rules: x.rules.join('; '),
          purposes: x.purposes.join('; '),
          kinds: x.kinds.join('; '),
        })),
      ),
    },
  ];
}
