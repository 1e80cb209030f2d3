import { fmtMoney, fmtPct, textTable } from '../../report/index.ts';
import { executiveSummary } from './dashboard.ts';
import type { ReferralsResult } from './result.ts';
import { ownerRole } from '../../report/owner-role.ts';

/** Terminal view of an optimize-referrals result. */
export function formatReferrals(r: ReferralsResult, detail: 'summary' | 'full'): string {
  const out: string[] = [executiveSummary(r).replace(/\*\*/g, ''), ''];
  const segments = r.funnel.current.filter(
    (s) => s.dimension === 'program' || detail === 'full' || s.dimension === r.inputs.dimensions[0],
  );
  out.push(
    `Funnel (${r.window.label}, ${r.currency}):`,
    textTable(
      ['segment', 'shares', 'clicks', 'sign-ups', 'customers', 'sign-up', 'conv.', 'revenue', 'cost/cust'],
      segments.map((s) => [
        s.dimension === 'program' ? 'program' : `${s.dimension}: ${s.value}`,
        s.counts.shares,
        s.counts.clicks,
        s.counts.signups,
        s.counts.conversions,
        fmtPct(s.metrics.signupRate),
        fmtPct(s.metrics.conversionRate),
        fmtMoney(s.counts.referredRevenue ?? 0),
        s.metrics.costPerReferredCustomer === null ? null : fmtMoney(s.metrics.costPerReferredCustomer),
      ]),
    ),
  );
  if (detail === 'full') out.push('', 'Insights:', ...r.insights.map((s) => `  • ${s}`));
  const f = r.fraud;
  out.push(
    '',
    `Fraud: ${f.by_band.approve} approve, ${f.by_band.review} review, ${f.by_band.reject} reject (${fmtPct(f.reject_share)}); held ${fmtMoney(f.value_at_risk.total)} ${r.currency}; ${f.rings.length} ring(s).`,
  );
  const fired = f.rules.filter((x) => x.fired > 0).sort((a, b) => b.fired - a.fired);
  if (fired.length)
    out.push(
      textTable(
        ['rule', 'fired', 'rewards'],
        fired.map((x) => [x.rule, x.fired, fmtMoney(x.reward_value)]),
      ),
    );
  out.push(
    '',
    'Partners:',
    textTable(
      ['partner', 'tier', 'status', 'revenue', 'conv/click', 'fraud', 'NPS'],
      [...r.partners.partners]
        .sort((a, b) => b.revenue - a.revenue)
        .slice(0, detail === 'full' ? undefined : 10)
        .map((p) => [
          p.name,
          p.tier,
          p.status,
          fmtMoney(p.revenue),
          fmtPct(p.conversionRate),
          fmtPct(p.fraudRate),
          p.nps === null ? null : Math.round(p.nps),
        ]),
    ),
  );
  for (const x of r.experiments?.readouts ?? [])
    out.push(
      '',
      `Experiment ${x.name}: ${x.recommendation.action}${x.recommendation.variant ? ` ${x.recommendation.variant}` : ''}`,
    );
  out.push('', 'Backlog:');
  for (const b of r.backlog.slice(0, detail === 'full' ? undefined : 5))
    out.push(
      `  [${b.priority}] ${b.title} — owner ${b.owner.person ?? 'unassigned'} (${ownerRole(b.owner)}), ETA ${b.eta}`,
    );
  const rowsIn = r.data.row_accounting.reduce((s, a) => s + a.rows_in, 0);
  const dd = r.data.row_accounting.reduce((s, a) => s + a.deduplicated, 0);
  out.push(
    '',
    `Rows: ${rowsIn} in, ${rowsIn - dd - r.data.rejects.rows} accepted, ${dd} deduplicated, ${r.data.rejects.rows} rejected${r.data.rejects.file ? ` (${r.data.rejects.file})` : ''}.`,
    `Reports: ${r.reports_dir}/ (dashboard.html, summary.md, result.json, funnel.csv, partners.csv, flagged_referrals.csv, backlog.csv)`,
    `Plan:    ${r.plan_path}`,
  );
  return out.join('\n');
}
