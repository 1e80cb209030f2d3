import {
  actionsSection,
  barChart,
  dataQualitySection,
  funnelChart,
  lineChart,
  type Block,
  type Dashboard,
  type Kpi,
  type Section,
  moneyShort,
  plural,
  percentText,
  signedText,
} from '../../report/index.ts';
import { fraudSection, ringSection } from './dashboard-fraud.ts';
import { reproduceLine } from '../kit/usage-line.ts';
import { OPTIMIZE_REFERRALS_FLAGS } from './inputs.ts';
import { KPI_FORMULAS } from './kpi-formulas.ts';
import { fraudRankingLine, ringsText, type ReferralsResult } from './result.ts';

type R = ReferralsResult;
const pct = (x: number | null) => (x === null ? 'n/a' : percentText(x));
/** 'USD 8.44' below 1,000 (the currency's decimals), 'USD 20,709' from 1,000 up, as the terminal views print it. */
const money = (x: number, cur: string) => `${cur} ${moneyShort(x, cur)}`;
const rel = (a: number | null, b: number | null) =>
  a === null || b === null || !(b > 0) ? undefined : (a - b) / b;

/** The executive summary: a few sentences a program manager can read in a minute. */
export function executiveSummary(r: R): string {
  const c = r.funnel.program.current;
  const f = r.fraud;
  const top = r.backlog[0];
  return [
    `**${r.program}**, ${r.window.label} window to ${r.as_of}: ${c.counts.conversions} referred customers from ${c.counts.signups} referred sign-ups (${pct(c.metrics.conversionRate)}, guardrail ${pct(r.inputs.alert_threshold)}), ${money(c.counts.referredRevenue ?? 0, r.currency)} referred revenue.`,
    `Fraud review: ${f.by_band.reject} of ${f.scored} referrals rejected and ${f.by_band.review} sent to review (${pct(f.reject_share)} rejected, guardrail ${pct(f.reject_threshold)}); ${money(f.value_at_risk.total, r.currency)} of payouts held${f.rings.length ? `; ${ringsText(f.rings).replace(/ring/, 'fraud ring')} found` : ''}.`,
    `Partners: ${r.partners.partners.filter((p) => p.status === 'needs-review').length} need review, ${r.partners.partners.filter((p) => p.status === 'needs-enablement').length} need enablement, ${r.partners.partners.filter((p) => p.status === 'grow').length} to grow.`,
    top
      ? `${plural(r.backlog.length, 'backlog item')}; first: ${top.title} (owner ${top.owner.person ?? top.owner.role}, ETA ${top.eta}).`
      : 'No backlog items.',
  ].join(' ');
}

function kpis(r: R): Kpi[] {
  const c = r.funnel.program.current;
  const p = r.funnel.program.previous;
  const cur = r.currency;
  return [
    {
      label: 'Referred customers',
      value: c.counts.conversions,
      format: 'integer',
      delta: rel(c.counts.conversions, p.counts.conversions),
      note: `vs previous ${r.window.label}`,
    },
    {
      label: 'Referral conversion rate',
      value: c.metrics.conversionRate ?? 'n/a',
      format: 'percent',
      delta: rel(c.metrics.conversionRate, p.metrics.conversionRate),
      status:
        c.metrics.conversionRate !== null && c.metrics.conversionRate < r.inputs.alert_threshold
          ? 'alert'
          : 'ok',
      note: `guardrail ${pct(r.inputs.alert_threshold)}`,
    },
    {
      label: 'k-factor',
      value: c.metrics.kFactor ?? 'n/a',
      format: 'number',
      delta: rel(c.metrics.kFactor, p.metrics.kFactor),
    },
    {
      label: 'Cost per referred customer',
      value: c.metrics.costPerReferredCustomer ?? 'n/a',
      format: 'currency',
      currency: cur,
    },
    {
      label: 'Payout ROI',
      value: c.metrics.payoutRoi ?? 'n/a',
      format: 'number',
      note: '(revenue − cost) / cost',
    },
    {
      label: 'Referrals rejected',
      value: r.fraud.reject_share ?? 'n/a',
      format: 'percent',
      status: (r.fraud.reject_share ?? 0) > r.fraud.reject_threshold ? 'alert' : 'ok',
      note: `${r.fraud.by_band.reject} of ${r.fraud.scored}; guardrail ${pct(r.fraud.reject_threshold)}`,
    },
    {
      label: 'Payouts held',
      value: r.fraud.value_at_risk.total,
      format: 'currency',
      currency: cur,
      note: 'review + reject',
    },
  ];
}

function summarySection(r: R): Section {
  return {
    title: 'Summary and insights',
    summary: true,
    blocks: [
      { kind: 'markdown', text: executiveSummary(r) },
      { kind: 'list', title: 'Insights', items: r.insights.map((text) => ({ text })) },
    ],
  };
}

function funnelSection(r: R): Section {
  const c = r.funnel.program.current;
  const p = r.funnel.program.previous;
  const steps = [
    { label: 'Eligible advocates', value: c.counts.eligibleAdvocates },
    { label: 'Advocates who shared', value: c.counts.participatingAdvocates },
    { label: 'Shares', value: c.counts.shares },
    { label: 'Clicks', value: c.counts.clicks },
    { label: 'Referred sign-ups', value: c.counts.signups },
    { label: 'Referred customers', value: c.counts.conversions },
  ];
  const format = (k: (typeof KPI_FORMULAS)[number]) => (k.format === 'currency' ? 'number' : k.format);
  return {
    title: 'Referral funnel and KPIs',
    summary: true,
    intro: `Events in the window (${r.window.start.slice(0, 10)} to ${r.window.end.slice(0, 10)}, exclusive) against the previous ${r.window.label}. Counts are period counts: a sign-up in the window whose friend buys later counts in a later window.`,
    blocks: [
      { kind: 'chart', title: 'Funnel', spec: funnelChart({ title: 'Referral funnel', steps }) },
      {
        kind: 'table',
        title: 'KPIs and formulas',
        columns: [
          { key: 'kpi', label: 'KPI', format: 'text' },
          { key: 'current', label: r.window.label, format: 'text' },
          { key: 'previous', label: `previous ${r.window.label}`, format: 'text' },
          { key: 'formula', label: 'Formula', format: 'text' },
        ],
        rows: KPI_FORMULAS.map((k) => {
          const show = (x: number | null) =>
            x === null
              ? 'n/a'
              : format(k) === 'percent'
                ? pct(x)
                : x.toLocaleString('en-US', { maximumFractionDigits: 3 });
          return {
            kpi: k.label,
            current: show(c.metrics[k.key]),
            previous: show(p.metrics[k.key]),
            formula: k.formula,
          };
        }),
      },
    ],
  };
}

function dimensionSection(r: R): Section {
  const blocks: Block[] = [];
  for (const dim of r.inputs.dimensions) {
    const rows = r.funnel.current.filter((s) => s.dimension === dim);
    blocks.push({
      kind: 'table',
      title: `By ${dim}`,
      columns: [
        { key: 'value', label: dim, format: 'text' },
        { key: 'shares', label: 'Shares', format: 'integer' },
        { key: 'clicks', label: 'Clicks', format: 'integer' },
        { key: 'signups', label: 'Sign-ups', format: 'integer' },
        { key: 'conversions', label: 'Customers', format: 'integer' },
        { key: 'signupRate', label: 'Sign-up rate', format: 'percent' },
        { key: 'conversionRate', label: 'Conversion rate', format: 'percent' },
        { key: 'revenue', label: 'Revenue', format: 'currency', currency: r.currency },
        { key: 'cpc', label: 'Cost / customer', format: 'currency', currency: r.currency },
      ],
      rows: rows.map((s) => ({
        value: s.value,
        shares: s.counts.shares,
        clicks: s.counts.clicks,
        signups: s.counts.signups,
        conversions: s.counts.conversions,
        signupRate: s.metrics.signupRate,
        conversionRate: s.metrics.conversionRate,
        revenue: s.counts.referredRevenue,
        cpc: s.metrics.costPerReferredCustomer,
      })),
    });
  }
  return { title: 'Funnel by dimension', summary: true, blocks };
}

function trendSection(r: R): Section {
  const long = r.funnel.trends.flatMap((t) =>
    (['shares', 'clicks', 'signups', 'conversions'] as const).map((m) => ({
      week: t.week_start,
      measure: m,
      count: t[m],
    })),
  );
  return {
    title: 'Trends',
    intro: `Weekly volumes over the last ${r.funnel.trends.length} weeks (weeks end at as-of).`,
    blocks: [
      {
        kind: 'chart',
        title: 'Weekly funnel volumes',
        spec: lineChart({
          title: 'Weekly funnel volumes',
          data: long,
          x: 'week',
          y: 'count',
          color: 'measure',
          format: 'integer',
        }),
      },
      {
        kind: 'chart',
        title: 'Pipeline and revenue of referred friends by stage',
        spec: barChart({
          title: 'Referred pipeline and revenue by stage',
          data: r.funnel.stages.map((s) => ({ ...s })),
          x: 'stage',
          y: 'amount',
          format: 'currency',
          currency: r.currency,
          horizontal: true,
        }),
      },
      {
        kind: 'table',
        title: 'Median time between stages',
        columns: [
          { key: 'step', label: 'Step', format: 'text' },
          { key: 'hours', label: 'Median (hours)', format: 'number' },
          { key: 'pairs', label: 'Pairs', format: 'integer' },
        ],
        rows: r.funnel.durations.map((d) => ({
          step: d.step.replace(/_/g, ' '),
          hours: d.median_seconds === null ? null : d.median_seconds / 3600,
          pairs: d.pairs,
        })),
      },
    ],
  };
}

/** The partner health section: concentration, then one row per partner (by revenue). */
export function partnerSection(r: R): Section {
  const flag = {
    'needs-review': 'alert',
    'needs-enablement': 'warn',
    grow: 'ok',
    healthy: undefined,
  } as const;
  const c = r.partners.concentration;
  return {
    title: 'Partner health',
    summary: true,
    intro: `Revenue concentration: top ${c.topN} partners hold ${pct(c.topNShare)}, HHI ${c.hhi === null ? 'n/a' : Math.round(c.hhi)} (equivalent to ${c.effectiveCount === null ? 'n/a' : c.effectiveCount.toFixed(1)} equal partners). Engagement trend: Theil–Sen slope of weekly shares over ${r.partners.trend_weeks} weeks. ${fraudRankingLine(r.partners)}`,
    blocks: [
      {
        kind: 'table',
        title: 'Partners',
        columns: [
          { key: 'name', label: 'Partner', format: 'text' },
          { key: 'tier', label: 'Tier', format: 'text' },
          { key: 'status', label: 'Status', format: 'text' },
          { key: 'revenue', label: 'Revenue', format: 'currency', currency: r.currency },
          { key: 'conversions', label: 'Customers', format: 'integer' },
          { key: 'conversionRate', label: 'Conv. / click', format: 'percent' },
          { key: 'fraudRate', label: 'Fraud rate', format: 'percent' },
          { key: 'shareOfShares', label: 'Share of voice', format: 'percent' },
          // a change (of a typical week, per week): signed as every change people read
          { key: 'relativeTrend', label: 'Trend / week', format: 'percent', signed: true },
          { key: 'nps', label: 'NPS', format: 'number' },
          { key: 'why', label: 'Why', format: 'text' },
        ],
        rows: [...r.partners.partners]
          .sort((a, b) => b.revenue - a.revenue)
          .map((p) => ({ ...p, why: p.reasons.join('; '), flag: flag[p.status] })),
        highlight: { key: 'flag' },
      },
    ],
  };
}

function experimentSection(r: R): Section | null {
  const e = r.experiments;
  if (!e) return null;
  return {
    title: 'Incentive experiments',
    summary: true,
    blocks: [
      ...e.readouts.map((x): Block => ({
        kind: 'callout',
        status:
          x.recommendation.action === 'ship'
            ? 'ok'
            : x.recommendation.action === 'roll back'
              ? 'alert'
              : 'warn',
        text: `${x.name}: ${x.recommendation.action}${x.recommendation.variant ? ` ${x.recommendation.variant}` : ''}. ${x.recommendation.reasons.join(' ')}`,
      })),
      ...[...e.missing, ...e.skipped.map((s) => `${s.id} (${s.reason})`)].map((m): Block => ({
        kind: 'callout',
        status: 'warn',
        text: `Not read out: ${m}`,
      })),
    ],
  };
}

/**
 * A backlog item's projection and ETA in summary.md and the dashboard: "Projected per window: +28.5
 * customers, +USD 16,953 revenue (basis). ETA …". Money as the basis and the terminal print it
 * (`moneyShort`): "USD 640.00 cost avoided", as the basis beside it says, not "USD 640".
 */
export function projectedLiftLine(b: R['backlog'][number], currency: string): string {
  const l = b.projected_lift;
  const lift = [
    l.extra_conversions !== null ? `${signedText(l.extra_conversions, (a) => a.toFixed(1))} customers` : '',
    l.extra_revenue !== null ? `${signedText(l.extra_revenue, (a) => money(a, currency))} revenue` : '',
    l.cost_avoided !== null ? `${money(l.cost_avoided, currency)} cost avoided` : '',
  ].filter(Boolean);
  return `Projected per window: ${lift.join(', ') || 'n/a'} (${l.basis}). ETA ${b.eta} (${b.effort_days} working days; ${b.eta_basis.queued_days} queued at ${b.eta_basis.capacity_days_per_week} days/week${b.eta_basis.away_days ? `, +${b.eta_basis.away_days} days away` : ''}).`;
}

/** The optimize-referrals dashboard model (rendered to summary.md and dashboard.html). */
export function buildReferralsDashboard(r: R): Dashboard {
  const extra = (b: R['backlog'][number]) => projectedLiftLine(b, r.currency);
  return {
    title: `Referral program — ${r.program}`,
    subtitle: `${r.window.label} window to ${r.as_of}; dimensions ${r.inputs.dimensions.join(', ')}`,
    generatedAt: `${r.as_of.slice(0, 10)}T00:00:00Z`,
    runId: r.run_id,
    planPath: r.plan_path,
    kpis: kpis(r),
    sections: [
      summarySection(r),
      funnelSection(r),
      dimensionSection(r),
      trendSection(r),
      fraudSection(r),
      ringSection(r),
      partnerSection(r),
      ...[experimentSection(r)].filter((s): s is Section => s !== null),
      actionsSection(
        'Optimization backlog',
        r.backlog.map((b) => ({ ...b, extra: extra(b) })),
      ),
      dataQualitySection({
        alerts: r.alerts,
        accounting: r.data.row_accounting,
        rejects: r.data.rejects,
        planPath: r.plan_path,
        unmatched: [
          {
            what: 'sign-ups naming an advocate id or referral code no advocate has',
            rows: r.data.unresolved.referrals,
            effect: 'left out of the funnel',
          },
          {
            what: 'clicks on a referral code no advocate has',
            rows: r.data.unresolved.clicks,
            effect: 'left out of the funnel',
          },
          {
            what: 'shares (of the period read) by an advocate not in the advocates source',
            rows: r.data.unresolved.shares,
            effect: 'left out of the funnel',
          },
        ],
      }),
    ],
    footnotes: [
      `Reproduce: ${reproduceLine('optimize-referrals', OPTIMIZE_REFERRALS_FLAGS, { ...r.inputs }, r.as_of)}`,
    ],
  };
}
