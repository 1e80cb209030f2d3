import { fmtMoney, fmtPct, textTable } from '../../report/index.ts';
import { executiveSummary } from './dashboard.ts';
import { fraudRankingLine, ringsText, type ReferralsResult } from './result.ts';
import { ownerRole } from '../../report/owner-role.ts';

/**
 * The fraud review in the terminal: what the bands count (referrals), the payouts held, and the
 * rules with the rewards (money, reporting currency) on the referrals each flagged. It said
 * "Fraud: 615 approve, 50 review, 20 reject …" and a "rewards" column of bare numbers.
 */
export function fraudLines(r: Pick<ReferralsResult, 'fraud' | 'currency'>): string[] {
  const f = r.fraud;
  const out = [
    `Fraud review of ${f.by_band.approve + f.by_band.review + f.by_band.reject} referrals: ${f.by_band.approve} approved, ${f.by_band.review} to review, ${f.by_band.reject} rejected (${fmtPct(f.reject_share)}); payouts held ${r.currency} ${fmtMoney(f.value_at_risk.total, r.currency)}; ${ringsText(f.rings)}.`,
  ];
  const fired = f.rules.filter((x) => x.fired > 0).sort((a, b) => b.fired - a.fired);
  if (fired.length)
    out.push(
      textTable(
        ['rule', 'fired', `rewards on them (${r.currency})`],
        fired.map((x) => [x.rule, x.fired, fmtMoney(x.reward_value, r.currency)]),
      ),
    );
  return out;
}

/**
 * The funnel table in the terminal: revenue and cost per referred customer in the reporting
 * currency, with its decimals below 1,000 (a cost per customer of USD 8.44 printed "8").
 */
export function funnelLines(
  r: Pick<ReferralsResult, 'funnel' | 'inputs' | 'window' | 'currency'>,
  detail: 'summary' | 'full',
): string[] {
  const segments = r.funnel.current.filter(
    (s) => s.dimension === 'program' || detail === 'full' || s.dimension === r.inputs.dimensions[0],
  );
  return [
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
        fmtMoney(s.counts.referredRevenue ?? 0, r.currency),
        s.metrics.costPerReferredCustomer === null
          ? null
          : fmtMoney(s.metrics.costPerReferredCustomer, r.currency),
      ]),
    ),
  ];
}

/** Terminal view of an optimize-referrals result. */
export function formatReferrals(r: ReferralsResult, detail: 'summary' | 'full'): string {
  const out: string[] = [executiveSummary(r).replace(/\*\*/g, ''), ''];
  out.push(...funnelLines(r, detail));
  if (detail === 'full') out.push('', 'Insights:', ...r.insights.map((s) => `  • ${s}`));
  out.push('', ...fraudLines(r));
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
          fmtMoney(p.revenue, r.currency),
          fmtPct(p.conversionRate),
          fmtPct(p.fraudRate),
          p.nps === null ? null : Math.round(p.nps),
        ]),
    ),
  );
  if (r.partners.partners.length) out.push(fraudRankingLine(r.partners));
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
