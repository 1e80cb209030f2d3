import { CONSENT_KIND_TEXT } from '../../analyses/personalization/index.ts';
import type { Block, Section } from '../../report/index.ts';
import { affectedUsersCaption, CHECK_STATUS, effectText, human } from './dashboard-format.ts';
import { anomalyLine } from './format.ts';
import { noRows, skippedWarnings } from './issues-stage.ts';
import type { MonitorPersonalizationOutputs } from './plan.ts';

type O = MonitorPersonalizationOutputs;

/** The governance checklist with pending approvals, consent violations, rule health, changes and stale rules. */
export function governanceSection(o: O): Section {
  const g = o.governance.scan;
  return {
    title: 'Governance checklist',
    summary: true,
    intro: `Status: ${g.checklist.status}. Rates are judged strictly above their thresholds on rules with at least ${g.thresholds.minEvaluations} evaluations.`,
    blocks: [...checklistBlocks(o), ...ruleBlocks(o)],
  };
}

/** The checklist, pending approvals and consent violations. */
function checklistBlocks(o: O): Block[] {
  const g = o.governance.scan;
  const blocks: Block[] = [
    {
      kind: 'table',
      title: 'Checklist',
      columns: [
        { key: 'title', label: 'Control', format: 'text' },
        { key: 'status', label: 'Status', format: 'text' },
        { key: 'count', label: 'Count', format: 'integer' },
        { key: 'evidence', label: 'Evidence', format: 'text' },
        { key: 'owner', label: 'Owner', format: 'text' },
      ],
      rows: g.checklist.items.map((i) => ({
        ...i,
        owner: human(i.ownerRole),
        light: CHECK_STATUS[i.status],
      })),
      highlight: { key: 'light' },
    },
  ];
  if (g.checklist.pendingApprovals.length)
    blocks.push({
      kind: 'table',
      title: 'Pending approvals',
      columns: [
        { key: 'changeId', label: 'Change', format: 'text' },
        { key: 'rule', label: 'Rule', format: 'text' },
        { key: 'ts', label: 'Live since', format: 'text' },
        { key: 'author', label: 'Author', format: 'text' },
        { key: 'change', label: 'What', format: 'text' },
        { key: 'ageDays', label: 'Days pending', format: 'number' },
      ],
      rows: g.checklist.pendingApprovals.map((x) => ({ ...x })),
    });
  if (g.consent?.groups.length)
    blocks.push({
      kind: 'table',
      title: 'Decisions without consent',
      columns: [
        { key: 'rule', label: 'Rule', format: 'text' },
        { key: 'purpose', label: 'Purpose', format: 'text' },
        { key: 'kind', label: 'Kind', format: 'text' },
        { key: 'decisions', label: 'Decisions', format: 'integer' },
        { key: 'users', label: 'Users', format: 'integer' },
      ],
      rows: g.consent.groups.map((x) => ({ ...x, kind: CONSENT_KIND_TEXT[x.kind] })),
      ...(o.governance.consent_users?.rows.length
        ? { caption: affectedUsersCaption(o.governance.consent_users) }
        : {}),
    });
  return blocks;
}

/** Rule health, changes needing attention, stale rules. */
function ruleBlocks(o: O): Block[] {
  const g = o.governance.scan;
  const blocks: Block[] = [];
  if (g.ruleHealth)
    blocks.push({
      kind: 'table',
      title: 'Rule health (evaluation reasons)',
      columns: [
        { key: 'rule', label: 'Rule', format: 'text' },
        { key: 'evaluations', label: 'Evaluations', format: 'integer' },
        { key: 'matched', label: 'Matched', format: 'percent' },
        { key: 'default', label: 'Default', format: 'percent' },
        { key: 'fallback', label: 'Fallback', format: 'percent' },
        { key: 'error', label: 'Error', format: 'percent' },
        { key: 'disabled', label: 'Disabled', format: 'percent' },
        { key: 'reasons', label: 'Reasons as logged', format: 'text' },
        { key: 'status', label: 'Status', format: 'text' },
      ],
      rows: g.ruleHealth.rules.map((r) => ({
        rule: r.rule,
        evaluations: r.evaluations,
        ...r.rates,
        reasons: r.reasons
          .slice(0, 4)
          .map((x) => `${x.reason} ${x.evaluations}`)
          .join(', '),
        status: r.status,
        light: r.status === 'alert' ? 'alert' : r.status === 'warn' ? 'warn' : undefined,
      })),
      highlight: { key: 'light' },
    });
  const bad = (g.approvals?.changes ?? []).filter((c) => c.problems.length);
  if (bad.length || g.experimentChanges?.conflicts.length)
    blocks.push({
      kind: 'list',
      title: 'Rule changes needing attention',
      items: [
        ...bad.map((c) => ({
          text: `${c.changeId} on ${c.rule} (${c.ts}) by ${c.author}: ${c.problems.join(', ')}`,
          detail: c.change ?? '',
          status: 'alert' as const,
        })),
        ...(g.experimentChanges?.conflicts ?? []).map((c) => ({
          text: `${c.changeId} changed ${c.rule} ${Math.floor(c.daysIntoExperiment)} days into ${c.experiment}${c.running ? ' (running)' : ''}`,
          detail: c.change ?? '',
          status: c.running ? ('alert' as const) : ('warn' as const),
        })),
      ],
    });
  if (g.stale?.stale.length)
    blocks.push({
      kind: 'list',
      title: 'Stale rules',
      items: g.stale.stale.map((x) => ({
        text: `${x.rule}: ${x.kind}${x.variant ? ` (${x.variant})` : ''}, ${Math.floor(x.days)} days`,
        detail: x.detail,
        status: 'warn' as const,
      })),
    });
  blocks.push(...unclaimedBlocks(o));
  return blocks;
}

/** In a run of one initiative, the configured rules no decision of any initiative names. */
function unclaimedBlocks(o: O): Block[] {
  const unclaimed = o.governance.unclaimed_rules ?? [];
  if (!unclaimed.length) return [];
  return [
    {
      kind: 'list',
      title: 'Configured rules never evaluated (no initiative)',
      items: unclaimed.map((rule) => ({
        text: `${rule}: never evaluated`,
        detail:
          "no decision of any initiative names it, so it is not this initiative's stale rule; a run of every initiative reports it",
      })),
    },
  ];
}

/** One table of all experiments, and each one's metrics. */
export function experimentsSection(o: O): Section {
  const memos = o.experiments.memos;
  const blocks: Block[] = [
    {
      kind: 'table',
      title: 'Experiments',
      columns: [
        { key: 'id', label: 'Experiment', format: 'text' },
        { key: 'rule', label: 'Rule', format: 'text' },
        { key: 'status', label: 'Status', format: 'text' },
        { key: 'method', label: 'Method', format: 'text' },
        { key: 'units', label: 'Users', format: 'integer' },
        { key: 'srm', label: 'SRM p', format: 'text' },
        { key: 'guidance', label: 'Guidance', format: 'text' },
        { key: 'headline', label: 'Headline', format: 'text' },
      ],
      rows: memos.map((m) => ({
        id: m.id,
        rule: m.rule ?? '',
        status: m.status,
        method: m.readout?.method ?? '',
        units: m.readout?.units ?? 0,
        srm:
          m.readout?.srm_p_value === null || m.readout?.srm_p_value === undefined
            ? 'n/a'
            : m.readout.srm_p_value.toPrecision(2),
        guidance: m.guidance?.kind ?? m.no_readout ?? '',
        headline: m.guidance?.headline ?? '',
      })),
    },
  ];
  for (const m of memos.filter((x) => x.readout))
    blocks.push({
      kind: 'table',
      title: `${m.name}: metrics`,
      columns: [
        { key: 'metric', label: 'Metric', format: 'text' },
        { key: 'variant', label: 'Variant', format: 'text' },
        { key: 'control', label: 'Control', format: 'percent' },
        { key: 'mean', label: 'Variant', format: 'percent' },
        { key: 'effect', label: 'Effect', format: 'text' },
        { key: 'interval', label: 'Interval', format: 'text' },
        { key: 'decision', label: 'Verdict', format: 'text' },
        { key: 'note', label: 'Note', format: 'text' },
      ],
      rows: m.readout!.metrics.flatMap((x) =>
        x.variants.map((v) => ({
          metric: `${x.name}${x.guardrail ? ' (guardrail)' : ''}`,
          variant: v.name,
          control: x.control.mean,
          mean: v.mean,
          effect: effectText(v.effect, v.difference, x.type),
          interval: v.ci
            ? `${effectText(v.ci[0], v.difference, x.type)} to ${effectText(v.ci[1], v.difference, x.type)}`
            : 'n/a',
          decision: v.decision,
          note: v.note ?? v.error ?? '',
        })),
      ),
    });
  return {
    title: 'Experiment readout',
    summary: false,
    intro:
      'Statistics from the shared experiment review; rollout guidance on top. The memo is experiment-memo.md.',
    blocks,
  };
}

/** Freshness per source, variant shares of live experiments, and every anomaly with its evidence. */
export function anomaliesSection(o: O, asOf: string): Section {
  const i = o.issues;
  const blocks: Block[] = [
    {
      kind: 'table',
      title: 'Source freshness',
      columns: [
        { key: 'source', label: 'Source', format: 'text' },
        { key: 'latest', label: 'Latest data', format: 'text' },
        { key: 'lagHours', label: 'Lag (h)', format: 'number' },
        { key: 'warnAfterHours', label: 'Warn after (h)', format: 'number' },
        { key: 'errorAfterHours', label: 'Error after (h)', format: 'number' },
        { key: 'status', label: 'Status', format: 'text' },
      ],
      rows: i.freshness.map((c) => ({
        ...c,
        light: c.status === 'error' ? 'alert' : c.status === 'warn' ? 'warn' : 'ok',
      })),
      highlight: { key: 'light' },
    },
    {
      kind: 'table',
      title: 'Variant shares of live experiments',
      columns: [
        { key: 'experiment', label: 'Experiment', format: 'text' },
        { key: 'variant', label: 'Variant', format: 'text' },
        { key: 'plannedShare', label: 'Planned', format: 'percent' },
        { key: 'observedShare', label: 'Observed', format: 'percent' },
        { key: 'exposures', label: 'Exposures', format: 'integer' },
        { key: 'state', label: 'State', format: 'text' },
      ],
      rows: i.suppression.flatMap((s) =>
        s.variants.map((v) => ({
          experiment: s.experiment,
          ...v,
          state: v.stalled ? 'stalled' : v.suppressed ? 'suppressed' : 'ok',
          light: v.stalled || v.suppressed ? 'alert' : undefined,
        })),
      ),
      highlight: { key: 'light' },
    },
  ];
  blocks.push(
    i.anomalies.length
      ? {
          kind: 'list',
          title: 'Anomalies',
          items: i.anomalies.map((y) => ({
            // a freshness anomaly's instant is the end of as-of's day: its lag, not the next date
            text: y.detectors.includes('data-freshness')
              ? anomalyLine(y, asOf)
              : `${anomalyLine(y, asOf)} (${y.severity})`,
            detail: `${noRows(y) ? `no rows in ${y.subject}: no latest row to measure its freshness by` : `value ${y.value === null ? 'n/a' : Number(y.value.toPrecision(4))} vs expected ${Number(y.expected.toPrecision(4))}`} (${y.detectors.join(' + ')}). ${y.playbook}`,
            status: y.severity === 'error' ? ('alert' as const) : ('warn' as const),
          })),
        }
      : { kind: 'callout', status: 'ok', text: 'No anomalies in the window.' },
  );
  const tested = i.kpis
    .filter((k) => k.last_day !== null)
    .map((k) => `${k.kpi} to ${k.last_day} (${k.days} days)`)
    .join('; ');
  // a KPI without outcomes of its kind is not tested, and says why (the source, the events)
  const untested = skippedWarnings({ anomalies: { kpis: i.kpis.filter((k) => k.last_day === null) } });
  return {
    title: 'Issue detection',
    summary: true,
    intro: `Daily KPIs are tested up to the last day their data is complete: ${tested || 'none'}.${untested.map((x) => ` Not tested: ${x}.`).join('')} Only days inside the window are reported.`,
    blocks,
  };
}
