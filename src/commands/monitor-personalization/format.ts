import { fmtPct, plural, textTable } from '../../report/index.ts';
import { effectText, human, ladderEscalations, asOfsInARow, signed } from './dashboard-format.ts';
import type { AnomalyOut } from './issues-stage.ts';
import type { MonitorPersonalizationResult } from './result.ts';

type Item = {
  rank: number;
  severity: string;
  repeat: boolean;
  title: string;
  due: string;
  owner: { role: string; person: string | null };
};

/**
 * One anomaly of the terminal view: detector, subject and day; a freshness anomaly says how old the
 * source's latest data is against which SLA, since its instant is the end of as-of's day (it printed
 * as the next day, "data-freshness on billing_events at 2026-12-06" for a run as of 2026-12-05,
 * with no figure).
 */
/** The fallback guardrail's clause of the headline: the worst rate, or why it was not judged. */
function fallbackText(f: MonitorPersonalizationResult['fallback']): string {
  if (f.value === null)
    return `fallback rate not judged (no rule with ${plural(f.min_evaluations, 'evaluation')} or more; guardrail ${fmtPct(f.threshold)})`;
  return `highest fallback rate ${fmtPct(f.value)} (guardrail ${fmtPct(f.threshold)}${f.rule ? `, ${f.rule}` : ''})`;
}

export function anomalyLine(
  y: Pick<
    AnomalyOut,
    'key' | 'detector' | 'subject' | 'at' | 'direction' | 'severity' | 'value' | 'threshold'
  >,
  asOf: string,
): string {
  const name = y.key.split(':')[0];
  if (y.detector !== 'data-freshness') return `${name} on ${y.subject} at ${y.at}`;
  const sla = `${y.severity === 'error' ? 'error' : 'warn'} after ${y.threshold} h`;
  if (y.value === null) return `${name} on ${y.subject}: no data as of ${asOf} (${sla})`;
  if (y.direction === 'neg')
    return `${name} on ${y.subject}: its latest data is ${(-y.value).toFixed(1)} h after the end of ${asOf}, more than the ${y.threshold} h allowed (a clock or time-zone error?)`;
  return `${name} on ${y.subject}: its latest data is ${y.value.toFixed(1)} h old at the end of ${asOf} (${sla})`;
}

/** Terminal view of a monitor-personalization result. */
export function formatMonitorPersonalization(
  r: MonitorPersonalizationResult,
  detail: 'summary' | 'full',
): string {
  const perf = (
    r.performance.rows as {
      dimension: string;
      variant: string;
      users: number;
      conversion_rate: number | null;
      comparisons: {
        metric: string;
        lift: number | null;
        difference: number | null;
        scale: string | null;
        verdict: string;
      }[];
      is_holdout: boolean;
    }[]
  ).filter((x) => x.dimension === 'all');
  const consent = (r.governance.consent as { violations?: number } | null)?.violations ?? 0;
  const out = [
    `Personalization monitor — ${r.initiative.name ?? 'all initiatives'} (${r.window.label} to ${r.as_of})`,
    `${plural(r.totals.decisions, 'decision')} to ${plural(r.totals.users, 'user')} by ${plural(r.totals.rules, 'rule')}; governance ${r.governance.status}; consent violations ${consent}; ${fallbackText(r.fallback)}.`,
    '',
    'Performance vs holdout (all users):',
    textTable(
      ['variant', 'users', 'conversion', 'lift', 'verdict'],
      perf.map((x) => {
        const c = x.comparisons.find((y) => y.metric === 'conversion_rate');
        return [
          x.variant,
          x.users,
          // unmeasured (no conversion outcome in the window): a dash, not 0 %
          x.conversion_rate === null ? '—' : fmtPct(x.conversion_rate),
          // a holdout at 0 %: no relative lift, the absolute difference in percentage points
          x.is_holdout
            ? 'holdout'
            : c?.scale === 'absolute'
              ? `${effectText(c.difference, 'absolute', 'proportion')} (absolute)`
              : signed(c?.lift ?? null),
          x.is_holdout ? '' : (c?.verdict ?? ''),
        ];
      }),
    ),
    ...(r.performance.unmeasured as { metric: string; reason: string }[])
      .filter((u) => u.metric === 'conversion_rate')
      .map((u) => `(conversion not measured: ${u.reason})`),
  ];
  // an initiative whose rules serve no experiment: say so, not a heading with nothing under it
  out.push('', `Experiments:${r.experiments.length ? '' : ' none'}`);
  for (const m of r.experiments as {
    id: string;
    guidance: { kind: string; headline: string } | null;
    no_readout: string | null;
  }[])
    out.push(
      `  ${m.id}: ${m.guidance ? `${m.guidance.kind} — ${m.guidance.headline}` : (m.no_readout ?? 'no readout')}`,
    );
  out.push('', `Anomalies:${r.anomalies.items.length ? '' : ' none'}`);
  for (const y of r.anomalies.items) out.push(`  [${y.severity}] ${anomalyLine(y, r.as_of)}`);
  const items = r.backlog.items as unknown as Item[];
  out.push('', `Backlog (${items.length}):`);
  for (const x of items.slice(0, detail === 'full' ? undefined : 8))
    out.push(
      `  #${x.rank} [${x.severity}]${x.repeat ? ' [repeat]' : ''} ${x.title} — ${x.owner.person ?? 'unassigned'} (${human(x.owner.role)}), due ${x.due}`,
    );
  for (const e of r.immediate_escalations)
    out.push(`Escalated at once: ${e.reason} → ${e.person ?? 'nobody available'} (${human(e.role)}).`);
  for (const e of ladderEscalations(r.escalations, r.immediate_escalations))
    out.push(
      `Escalated: ${e.alert_id} breached ${asOfsInARow(e.consecutive_breaches)} → ${e.person ?? 'nobody available'} (${human(e.role ?? '')}).`,
    );
  out.push(
    '',
    `Reports: ${r.reports_dir}/ (dashboard.html, summary.md, experiment-memo.md, governance-checklist.md, result.json, CSV)`,
    `Plan:    ${r.plan_path}`,
  );
  return out.join('\n');
}
