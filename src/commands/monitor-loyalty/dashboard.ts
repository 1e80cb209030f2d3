import {
  actionsSection,
  barChart,
  dataQualitySection,
  lineChart,
  moneyText,
  stackedBar,
  type Block,
  type Dashboard,
  type Kpi,
  type Section,
  type TableColumn,
  plural,
  percentText,
  formatDelta,
  signedText,
} from '../../report/index.ts';
import { reproduceLine } from '../kit/usage-line.ts';
import { MONITOR_LOYALTY_FLAGS } from './inputs.ts';
import { rewardUsageWarning, type KpiRow, type KpiValues } from './kpi-stage.ts';
import type { MonitorLoyaltyResult } from './result.ts';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : percentText(x));
/** A change or difference with its sign: '+4.2%', '−3.1%', '0.0%' (`formatDelta`), or n/a. */
const signedPct = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : formatDelta(x));
/**
 * Money in the report's sentences: whole units from 1,000 up ('USD 3,094'), the currency's minor
 * units below (`currencyMinorUnits`, as the KPI rows' currency format has them), where whole units
 * would misread it ('USD 8.44', not 'USD 8'; 'USD 0.40', not 'USD 0'; 'KWD 5.900', 'JPY 6').
 */
const money = (x: number, cur: string) => moneyText(x || 0, cur, { wholeFrom: 1000 });
const delta = (cur: number | null, prev: number | null) =>
  cur !== null && prev !== null && prev !== 0 ? (cur - prev) / Math.abs(prev) : undefined;

const int = (x: number) => Math.round(x).toLocaleString('en-US');
/** "1 member holds" / "3 members hold": the members of the tiers no tier rule describes. */
const unknownTierMembers = (tiers: readonly { members: number }[]) => {
  const n = tiers.reduce((s, u) => s + u.members, 0);
  return `${int(n)} ${n === 1 ? 'member holds' : 'members hold'}`;
};

/** "16 members (12,392 points outstanding, about USD 77 of the liability) hold tier "Platnum"". */
function unknownTierFacts(u: MonitorLoyaltyResult['members']['unknown_tiers'][number], cur: string): string {
  return `${int(u.members)} member${u.members === 1 ? '' : 's'} (${int(u.outstanding_points)} points outstanding, about ${money(u.liability, cur)} of the liability) hold${u.members === 1 ? 's' : ''} tier "${u.tier}"`;
}

/**
 * One warning per member tier no tier rule describes: what it holds, the tier it probably means,
 * what it skews and the fix (nothing when every tier is known).
 */
export function unknownTierCallouts(r: MonitorLoyaltyResult): Block[] {
  return r.members.unknown_tiers.map((u) => ({
    kind: 'callout',
    status: 'warn',
    text: `${unknownTierFacts(u, r.currency)}, which no tier rule describes${u.suggestion ? ` — did you mean ${u.suggestion}?` : '.'} The tier mix and the migration matrix rank it above the rules, and its members are left out of the upgrade-opportunity and downgrade-risk segments. Next: ${u.hint}.`,
  }));
}

/** Why a young programme's breakage is not estimated: no cohort has matured, how old the oldest is. */
export function immatureText(i: NonNullable<MonitorLoyaltyResult['liability']['immature']>): string {
  if (i.basis === 'history')
    return `points do not expire by age, and the programme's history is short (the oldest issuance cohort, ${i.oldest_cohort ?? 'none'}, is ${i.observed_months} month${i.observed_months === 1 ? '' : 's'} past its issue month at the valuation month end; breakage is estimated from the redemption curves once it is ${i.maturity_age} months, loyalty.breakage.min_history_months)`;
  return `no issuance cohort has matured yet (the oldest, ${i.oldest_cohort ?? 'none'}, is ${i.observed_months} month${i.observed_months === 1 ? '' : 's'} past its issue month at the valuation month end; a cohort matures ${i.maturity_age} months past it, or once its expiry month is over with every point redeemed or expired)`;
}

/** "enrolment rate 12.0%", or "no enrolment rate: <why>" (no member at the end of the window, it read 0.0%). */
const enrolmentRateText = (o: MonitorLoyaltyResult['kpis']['overall']): string =>
  o.enrollment_rate === null
    ? `no enrolment rate${o.enrollment_rate_unavailable ? `: ${o.enrollment_rate_unavailable}` : ''}`
    : `enrolment rate ${pct(o.enrollment_rate)}`;

/** A title closed as a sentence (a segment's title ends with its play's full stop; the others end bare). */
const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

/** The executive summary: a few sentences for the loyalty manager and finance. */
export function executiveSummary(r: MonitorLoyaltyResult): string {
  const o = r.kpis.overall;
  const l = r.liability;
  const cur = r.currency;
  // a segment of no member, or with nothing at stake, is no opportunity: no line rather than
  // "Largest opportunity: upgrade opportunity (USD 0.00 at stake, 0 members)"
  const top = [...r.segments]
    .filter((s) => !s.unavailable && s.size > 0 && s.value_at_stake > 0)
    .sort((a, b) => b.value_at_stake - a.value_at_stake)[0];
  const wb = r.segments.find((s) => s.segment === 'win-back');
  const unknownTiers = r.members.unknown_tiers;
  return [
    r.kpis.coverage.warning ? `**Check the as-of:** ${r.kpis.coverage.warning}.` : '',
    `**${r.program}**, ${r.window.label} window to ${r.as_of}: ${o.members.toLocaleString('en-US')} members, ${pct(o.active_member_rate)} active (guardrail ${pct(r.inputs.alert_threshold)}${o.active_member_rate !== null && o.active_member_rate < r.inputs.alert_threshold ? ' — below it' : ''}), ${o.enrolled.toLocaleString('en-US')} enrolled (${enrolmentRateText(o)}).`,
    l.immature
      ? `Points liability ${money(l.liability, cur)} at full value (${Math.round(l.outstanding_points).toLocaleString('en-US')} points outstanding, all expected to be redeemed)${l.change_rate !== null ? `, ${signedPct(l.change_rate)} since the previous run` : ''}: ${immatureText(l.immature)}, so no breakage is recognised; the redemptions seen so far give ${money(l.liability_floor ?? 0, cur)}, a floor. ${money(l.revenue_released, cur)} of deferred revenue released in the window.`
      : `Points liability ${money(l.liability, cur)} (${Math.round(l.outstanding_points).toLocaleString('en-US')} points outstanding, ${pct(l.expected_redemption_rate)} expected to be redeemed)${l.change_rate !== null ? `, ${signedPct(l.change_rate)} since the previous run` : ''}; expected breakage ${pct(l.expected_breakage_rate)} from the cohort curves; ${money(l.revenue_released, cur)} of deferred revenue released in the window.`,
    wb && !wb.unavailable
      ? `${wb.size.toLocaleString('en-US')} high-value members have probably lapsed (P(alive) < ${wb.thresholds.maxProbabilityAlive}): ${money(wb.value_at_stake, cur)} at stake.`
      : '',
    top
      ? `Largest opportunity: ${top.segment.replace(/-/g, ' ')} (${money(top.value_at_stake, cur)} at stake, ${top.size.toLocaleString('en-US')} member${top.size === 1 ? '' : 's'}).`
      : '',
    r.backlog.length
      ? `${plural(r.backlog.length, 'backlog item')}; first: ${sentence(r.backlog[0].title)}`
      : 'No backlog items.',
    l.overdue ? `Data quality: ${l.overdue.finding}.` : '',
    l.stale_pending ? `Data quality: ${l.stale_pending.finding}.` : '',
    rewardUsageWarning(o) ? `Data quality: ${rewardUsageWarning(o)}.` : '',
    unknownTiers.length
      ? `Data quality: ${unknownTierMembers(unknownTiers)} a tier no tier rule describes (${unknownTiers.map((u) => `"${u.tier}"${u.suggestion ? `, did you mean ${u.suggestion}?` : ''}`).join('; ')}): see Tier mix and tier flow.`
      : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function kpisOf(r: MonitorLoyaltyResult): Kpi[] {
  const o = r.kpis.overall;
  const l = r.liability;
  return [
    {
      label: 'Members',
      value: o.members,
      format: 'integer',
      delta: delta(o.members, o.previous.members),
      note: `${o.enrolled} enrolled in the window`,
    },
    {
      label: 'Active member rate',
      value: o.active_member_rate ?? 'n/a',
      format: 'percent',
      delta: delta(o.active_member_rate, o.previous.active_member_rate),
      status:
        o.active_member_rate !== null && o.active_member_rate < r.inputs.alert_threshold ? 'alert' : 'ok',
      note: `guardrail ${pct(r.inputs.alert_threshold)}`,
    },
    {
      label: 'Redemption rate',
      value: o.redemption_rate ?? 'n/a',
      format: 'percent',
      delta: delta(o.redemption_rate, o.previous.redemption_rate),
      note: 'redeemed / earned in the window',
    },
    {
      label: 'Points liability',
      value: l.liability,
      format: 'currency',
      currency: r.currency,
      delta: l.change_rate ?? undefined,
      status:
        l.change_rate !== null && l.change_rate > l.spike_threshold ? 'alert' : l.immature ? 'warn' : 'ok',
      note: l.immature
        ? `full value: ${l.immature.basis === 'history' ? 'short history' : 'no cohort matured'} (floor ${money(l.liability_floor ?? 0, r.currency)})`
        : l.previous
          ? `vs previous run (${l.previous.as_of})`
          : 'first run',
    },
    {
      label: 'Expected breakage',
      value: l.immature ? 'n/a' : l.expected_breakage_rate,
      format: 'percent',
      note: l.immature
        ? l.immature.basis === 'history'
          ? `history under ${l.immature.maturity_age} months`
          : 'no cohort has matured yet'
        : `${l.method} on issuance cohorts`,
    },
    {
      label: 'Member revenue',
      value: o.revenue,
      format: 'currency',
      currency: r.currency,
      delta: delta(o.revenue, o.previous.revenue),
    },
    {
      label: 'CSAT',
      value: o.csat.csat ?? 'n/a',
      format: 'percent',
      note: plural(o.csat.responses, 'response'),
    },
  ];
}

const KPI_COLUMNS: TableColumn[] = [
  { key: 'key', label: 'Group', format: 'text' },
  { key: 'members', label: 'Members', format: 'integer' },
  { key: 'enrolled', label: 'Enrolled', format: 'integer' },
  { key: 'active_member_rate', label: 'Active', format: 'percent' },
  { key: 'order_earning_rate', label: 'Order earning', format: 'percent' },
  { key: 'redemption_rate', label: 'Redemption', format: 'percent' },
  { key: 'reward_usage', label: 'Reward usage', format: 'percent' },
  { key: 'breakage_rate', label: 'Breakage (expired/earned)', format: 'percent' },
  // written by costPerPointCell, to 4 decimals as the terminal view prints it
  { key: 'cost_per_point', label: 'Cost / point', format: 'text' },
  { key: 'revenue', label: 'Revenue', format: 'currency' },
  { key: 'aov', label: 'AOV', format: 'currency' },
  { key: 'frequency', label: 'Frequency', format: 'number' },
  { key: 'csat', label: 'CSAT', format: 'percent' },
];

type KpiTableRow = KpiValues & { key: string; csat: number | null };

const kpiTableRow = (x: KpiRow): KpiTableRow => ({ ...x, csat: x.csat.csat });

const kpiTable = (title: string, rows: KpiTableRow[], cur: string): Block => ({
  kind: 'table',
  title,
  columns: KPI_COLUMNS.map((c) => (c.format === 'currency' ? { ...c, currency: cur } : c)),
  rows: rows.map((x) => ({ ...x, cost_per_point: costPerPointCell(x.cost_per_point) })),
});

/**
 * Cost per point to 4 decimals (`0.0144`), as the terminal view prints it: a point costs fractions
 * of a cent, and the tables' two decimals printed 0.014375 as 0.01 and 0.0182 as 0.02 (a change of
 * −21 % read as −50 %), while 0.0099 kept three significant digits.
 */
export const costPerPointCell = (x: number | null): string | null => (x === null ? null : x.toFixed(4));

/**
 * The overall KPI table's rows: the window, then the window before it. CSAT is measured in the
 * window only, so the earlier window's row has none (n/a), not the window's CSAT.
 */
export function windowKpiRows(r: MonitorLoyaltyResult): KpiTableRow[] {
  const o = r.kpis.overall;
  return [
    { ...kpiTableRow(o), key: `this ${r.window.label}` },
    { ...o.previous, key: r.previous_window.label, csat: null },
  ];
}

/**
 * What the orders read are to the KPIs, when some are netted or not counted (refunds, statuses,
 * cancellations: `members.orders`), as a sentence after the KPI section's intro; '' otherwise.
 */
export function ordersCountedSentence(r: Pick<MonitorLoyaltyResult, 'members' | 'currency'>): string {
  // (a result without the counts, as hand-made ones in tests: nothing to say)
  const o = r.members.orders as MonitorLoyaltyResult['members']['orders'] | undefined;
  if (!o || (!o.partially_refunded && !o.refund_unknown && !o.cancelled && !o.refunded && !o.unpaid))
    return '';
  const n = (x: number) => x.toLocaleString('en-US');
  const read = o.counted + o.cancelled + o.refunded + o.unpaid;
  const netted = [
    ...(o.partially_refunded
      ? [`${n(o.partially_refunded)} net of a partial refund, ${money(o.refunds, r.currency)} in all`]
      : []),
    ...(o.refund_unknown
      ? [`${n(o.refund_unknown)} partially_refunded with no refunded_amount, counted whole`]
      : []),
  ];
  const out = [
    ...(o.cancelled ? [`${n(o.cancelled)} cancelled or voided`] : []),
    ...(o.refunded ? [`${n(o.refunded)} refunded whole`] : []),
    ...(o.unpaid ? [`${n(o.unpaid)} not paid yet`] : []),
  ];
  return ` Revenue and purchases are the orders that count, net of refunds: ${n(o.counted)} of the ${n(read)} orders read${netted.length ? ` (${netted.join('; ')})` : ''}${out.length ? `; not counted: ${out.join(', ')}` : ''}.`;
}

function kpiSection(r: MonitorLoyaltyResult): Section {
  const t = r.kpis.trends;
  const o = r.kpis.overall;
  const series = (keys: [string, string][]) =>
    t.flatMap((p) =>
      keys.map(([k, label]) => ({
        week: p.week_start,
        series: label,
        value: (p as unknown as Record<string, number>)[k],
      })),
    );
  return {
    title: 'KPIs and trends',
    summary: true,
    intro: `Window ${r.window.start.slice(0, 10)} to ${r.as_of} against the ${r.window.days} days before it. Member vs non-member revenue per purchasing customer: ${money(o.member_vs_non_member.memberRevenuePerCustomer ?? 0, r.currency)} vs ${money(o.member_vs_non_member.nonMemberRevenuePerCustomer ?? 0, r.currency)} (descriptive: members self-select; the incremental estimate is in Experiments).${ordersCountedSentence(r)}`,
    blocks: [
      kpiTable('KPIs (window, then the window before it)', windowKpiRows(r), r.currency),
      {
        kind: 'chart',
        title: 'Active members per week',
        spec: lineChart({
          title: 'Active members per week',
          data: t.map((p) => ({ week: p.week_start, members: p.active_members })),
          x: 'week',
          y: 'members',
          format: 'integer',
        }),
      },
      {
        kind: 'chart',
        title: 'Points earned, redeemed and expired per week',
        spec: lineChart({
          title: 'Points per week',
          data: series([
            ['points_earned', 'earned'],
            ['points_redeemed', 'redeemed'],
            ['points_expired', 'expired'],
          ]),
          x: 'week',
          y: 'value',
          color: 'series',
          format: 'integer',
        }),
      },
      {
        kind: 'chart',
        title: 'Member and non-member revenue per week',
        spec: lineChart({
          title: 'Revenue per week',
          data: series([
            ['member_revenue', 'members'],
            ['non_member_revenue', 'non-members'],
          ]),
          x: 'week',
          y: 'value',
          color: 'series',
          format: 'currency',
          currency: r.currency,
        }),
      },
    ],
  };
}

function drillDownSection(r: MonitorLoyaltyResult): Section {
  return {
    title: 'Drill-downs by dimension',
    blocks: Object.entries(r.kpis.by_dimension).map(([d, rows]) =>
      kpiTable(`KPIs by ${d}`, (rows ?? []).map(kpiTableRow), r.currency),
    ),
  };
}

function tierSection(r: MonitorLoyaltyResult): Section {
  const m = r.kpis.tier_migration;
  const flow = m.counts
    .flatMap((row, i) => row.map((v, j) => ({ start: m.tiers[i], end: m.tiers[j], members: v })))
    .filter((x) => x.members > 0 && x.start !== x.end);
  return {
    title: 'Tier mix and tier flow',
    summary: true,
    intro: `${plural(m.upgraded, 'member')} moved up a tier in the window (joiners included), ${m.downgraded} moved down, ${m.retained} stayed.`,
    blocks: [
      ...unknownTierCallouts(r),
      {
        kind: 'chart',
        title: 'Tier mix at the end of the window',
        spec: barChart({
          title: 'Tier mix',
          data: r.kpis.tier_mix.map((t) => ({ tier: t.tier, members: t.members })),
          x: 'tier',
          y: 'members',
          sort: 'none',
          format: 'integer',
        }),
      },
      ...(flow.length
        ? [
            {
              kind: 'chart' as const,
              title: 'Tier flow: members who changed tier, by start tier',
              spec: stackedBar({
                title: 'Tier flow',
                data: flow,
                x: 'start',
                y: 'members',
                color: 'end',
                format: 'integer',
                sort: 'none',
              }),
            },
          ]
        : []),
      {
        kind: 'table',
        title: 'Tier migration matrix (rows: start of window, columns: end)',
        columns: [
          { key: 'start', label: 'Start \\ end', format: 'text' },
          ...m.tiers.map((t, j) => ({ key: `t${j}`, label: t, format: 'integer' as const })),
        ],
        rows: m.counts.map((row, i) => ({
          start: m.tiers[i],
          ...Object.fromEntries(row.map((v, j) => [`t${j}`, v])),
        })),
      },
    ],
  };
}

function liabilitySection(r: MonitorLoyaltyResult): Section {
  const l = r.liability;
  const cur = r.currency;
  return {
    title: 'Point liability and breakage',
    summary: true,
    intro: `Liability = outstanding points (active ${Math.round(l.active_points).toLocaleString('en-US')} + pending ${Math.round(l.pending_points).toLocaleString('en-US')}) × ${l.value_per_point} per point × ${pct(l.expected_redemption_rate)} expected redemption = ${money(l.liability, cur)}. ${
      l.immature
        ? `No breakage is recognised: ${immatureText(l.immature)}, so the redemption curves say nothing yet about the points that will never be redeemed (IFRS 15.56–58 and B46: breakage is recognised only once it can be estimated); every outstanding point is valued as redeemed, an upper bound. The curves' projection of the redemptions seen so far gives ${money(l.liability_floor ?? 0, cur)}, a floor (${l.method} on monthly issuance cohorts valued at the end of ${l.valuation_month}).`
        : `Expected breakage ${pct(l.expected_breakage_rate)} (${l.method} on monthly issuance cohorts valued at the end of ${l.valuation_month}${l.prior_redemption_rate !== null ? `, prior ${pct(l.prior_redemption_rate)} ${l.cohorts.some((c) => c.matured) ? 'from the matured cohorts' : 'from the chain ladder of all cohorts (none has matured)'}` : ''}${l.maturity_age ? `, matured at ${l.maturity_age} months` : ''}).`
    } IFRS 15: ${money(l.revenue_released, cur)} released in the window, ${money(l.deferred_revenue, cur)} deferred.${
      l.checks.unmatched > 0
        ? ` Active points come from the first-in-first-out lots: ${Math.round(l.checks.unmatched).toLocaleString('en-US')} points were consumed beyond what their members had earned (balances below zero), so no lot carries them; the ledger balance (earned − redeemed − expired + adjusted) is lower by that much, and the liability's redemptions (and the members' balances in the KPI tables and segments) count only points that were held.`
        : ''
    }`,
    blocks: [
      {
        kind: 'callout',
        status: l.change_rate !== null && l.change_rate > l.spike_threshold ? 'alert' : 'ok',
        text: l.previous
          ? `Change since the previous run (${l.previous.as_of}): ${signedText(l.change ?? 0, (a) => money(a, cur))} (${signedPct(l.change_rate)}); spike threshold ${pct(l.spike_threshold)}.`
          : 'No previous run to compare with.',
      },
      {
        kind: 'chart',
        title: 'Redemption curve: cumulative share of issued points redeemed, by months since issue',
        spec: barChart({
          title: 'Redemption curve',
          // ages seen by fewer than three cohorts say little: left out of the chart (kept in result.json)
          data: l.curve
            .filter((c) => c.cohorts >= 3)
            .map((c) => ({ age: `${c.age} mo`, share: c.redeemed_share })),
          x: 'age',
          y: 'share',
          sort: 'none',
          format: 'percent',
        }),
      },
      {
        kind: 'table',
        title: 'Issuance cohorts',
        columns: [
          { key: 'cohort', label: 'Cohort', format: 'text' },
          { key: 'age', label: 'Age (months since issue)', format: 'integer' },
          { key: 'issued', label: 'Issued (net of reversals)', format: 'integer' },
          { key: 'reversed', label: 'Reversed (returns)', format: 'integer' },
          { key: 'redeemed', label: 'Redeemed', format: 'integer' },
          { key: 'expired', label: 'Expired', format: 'integer' },
          { key: 'adjusted', label: 'Taken back', format: 'integer' },
          { key: 'outstanding', label: 'Outstanding', format: 'integer' },
          { key: 'ultimate_redemption_rate', label: 'Ultimate redemption', format: 'percent' },
          { key: 'breakage_rate', label: 'Breakage', format: 'percent' },
          { key: 'deferred_revenue', label: 'Deferred revenue', format: 'currency', currency: cur },
        ],
        rows: l.cohorts.map((c) => ({ ...c })),
      },
    ],
  };
}

/** One row per fitted model: parameters, likelihood, convergence, data. */
function fitRows(m: MonitorLoyaltyResult['models']): Record<string, unknown>[] {
  const row = (
    model: string,
    params: string,
    f: { log_likelihood: number; converged: boolean; rows: number; members: number },
  ) => ({
    model,
    params,
    ll: f.log_likelihood,
    converged: f.converged ? 'yes' : 'NO',
    rows: f.rows,
    members: f.members,
  });
  const bg = m.bgnbd;
  const gg = m.gamma_gamma;
  return [
    ...(bg
      ? [
          row(
            'BG/NBD (weeks)',
            `r ${bg.params.r.toFixed(3)}, α ${bg.params.alpha.toFixed(3)}, a ${bg.params.a.toFixed(3)}, b ${bg.params.b.toFixed(3)}`,
            bg,
          ),
        ]
      : []),
    ...(gg
      ? [
          row(
            'Gamma-Gamma',
            `p ${gg.params.p.toFixed(2)}, q ${gg.params.q.toFixed(2)}, v ${gg.params.v.toFixed(2)}`,
            gg,
          ),
        ]
      : []),
  ];
}

const table = (title: string, columns: TableColumn[], rows: Record<string, unknown>[]): Block => ({
  kind: 'table',
  title,
  columns,
  rows,
});

/** The model check on this data, churn by dimension and RFM segments. */
function modelTables(r: MonitorLoyaltyResult): Block[] {
  const m = r.models;
  const cur = r.currency;
  const blocks: Block[] = [];
  if (m.holdout)
    blocks.push(
      table(
        'Calibration / holdout: purchases in the window by repeat purchases before it',
        [
          { key: 'x', label: 'Repeat purchases before', format: 'text' },
          { key: 'members', label: 'Members', format: 'integer' },
          { key: 'predicted', label: 'Predicted', format: 'number' },
          { key: 'actual', label: 'Actual', format: 'integer' },
        ],
        m.holdout.by_frequency,
      ),
    );
  for (const [d, rows] of Object.entries(m.churn.by_dimension))
    blocks.push(
      table(
        `Churn risk and value by ${d}`,
        [
          { key: 'key', label: d, format: 'text' },
          { key: 'members', label: 'Members', format: 'integer' },
          { key: 'mean_p_alive', label: 'Mean P(alive)', format: 'percent' },
          { key: 'at_risk', label: 'At risk', format: 'integer' },
          {
            key: 'expected_purchases',
            label: `Expected purchases (${m.prediction_weeks} wk)`,
            format: 'number',
          },
          { key: 'clv', label: 'CLV', format: 'currency', currency: cur },
        ],
        (rows ?? []).map((x) => ({ ...x })),
      ),
    );
  if (m.rfm)
    blocks.push(
      table(
        `RFM segments (look-back ${m.rfm.look_back_days} days)`,
        [
          { key: 'segment', label: 'Segment', format: 'text' },
          { key: 'members', label: 'Members', format: 'integer' },
          { key: 'share', label: 'Share', format: 'percent' },
          { key: 'mean_p_alive', label: 'Mean P(alive)', format: 'percent' },
          { key: 'clv', label: 'CLV', format: 'currency', currency: cur },
        ],
        m.rfm.segments.map((x) => ({ ...x })),
      ),
    );
  return blocks;
}

function modelSection(r: MonitorLoyaltyResult): Section {
  const m = r.models;
  const h = m.holdout;
  return {
    title: 'Churn risk and customer value',
    intro: `Fitted by maximum likelihood on distinct (x, t_x, T) combinations, time in weeks (days / 7). ${h ? `Check on this data: fitted before the window, the model predicted ${Math.round(h.predicted)} purchases in it; ${h.actual} happened (${signedPct(h.relative_error)}).` : ''} Spend–frequency correlation ${m.spend_frequency_correlation?.toFixed(3) ?? 'n/a'} (Gamma-Gamma assumes ≈ 0). CLV over ${m.clv.months} months at ${pct(m.clv.monthly_discount_rate)} a month: ${m.clv.total === null ? 'not computed (no usable churn and spend models)' : `${money(m.clv.total, r.currency)} for ${m.clv.members} members`}.`,
    blocks: [
      ...m.warnings.map((w): Block => ({ kind: 'callout', status: 'warn', text: w })),
      table(
        'Model fits',
        [
          { key: 'model', label: 'Model', format: 'text' },
          { key: 'params', label: 'Parameters', format: 'text' },
          { key: 'll', label: 'Log-likelihood', format: 'number' },
          { key: 'converged', label: 'Converged', format: 'text' },
          { key: 'rows', label: 'Combinations', format: 'integer' },
          { key: 'members', label: 'Members', format: 'integer' },
        ],
        fitRows(m),
      ),
      ...modelTables(r),
    ],
  };
}

function segmentSection(r: MonitorLoyaltyResult): Section {
  const live = r.segments.filter((s) => !s.unavailable);
  return {
    title: 'Segments to act on',
    summary: true,
    intro: `The ${r.segment_members.per_segment_limit} most valuable members of each segment are listed in segment_members.csv.`,
    blocks: [
      {
        kind: 'chart',
        title: 'Value at stake by segment',
        spec: barChart({
          title: 'Value at stake',
          data: live.map((s) => ({ segment: s.segment, value: s.value_at_stake })),
          x: 'segment',
          y: 'value',
          horizontal: true,
          format: 'currency',
          currency: r.currency,
        }),
      },
      {
        kind: 'table',
        title: 'Segments',
        columns: [
          { key: 'segment', label: 'Segment', format: 'text' },
          { key: 'size', label: 'Members', format: 'integer' },
          { key: 'value_at_stake', label: 'Value at stake', format: 'currency', currency: r.currency },
          { key: 'play', label: 'Play', format: 'text' },
        ],
        rows: r.segments.map((s) => ({
          ...s,
          play: s.unavailable ? `not computed: ${s.unavailable}` : s.play,
        })),
      },
    ],
  };
}

function experimentSection(r: MonitorLoyaltyResult): Section | null {
  const e = r.experiments;
  if (!e) return null;
  return {
    title: 'Experiments',
    intro:
      'Campaign tests read out by the statistics engine; guardrails: points liability per unit of revenue (points × value per point / revenue, lower is better) and margin per member. No roll back is recommended from an arm below the minimum sample: such a result is inconclusive.',
    blocks: [
      {
        kind: 'list',
        title: 'Readouts',
        items: e.readouts.map((x) => ({
          text: `${x.name}: ${x.recommendation.action}${x.recommendation.variant ? ` ${x.recommendation.variant}` : ''}`,
          detail: `${x.recommendation.reasons.join(' ')} Next test: ${x.next_test}`,
          status:
            x.recommendation.action === 'roll back'
              ? 'alert'
              : x.recommendation.action === 'ship'
                ? 'ok'
                : 'warn',
        })),
      },
      {
        kind: 'table',
        title: 'Incremental revenue against the holdout',
        columns: [
          { key: 'experiment_id', label: 'Experiment', format: 'text' },
          { key: 'treated_units', label: 'Treated', format: 'integer' },
          { key: 'holdout_units', label: 'Holdout', format: 'integer' },
          {
            key: 'lift',
            label: 'Revenue / member lift',
            format: 'currency',
            currency: r.currency,
            signed: true,
          },
          { key: 'total', label: 'Incremental revenue', format: 'currency', currency: r.currency },
          { key: 'p', label: 'p-value', format: 'number' },
          { key: 'note', label: 'Note', format: 'text' },
        ],
        rows: e.incremental.map((i) => ({
          ...i,
          lift: i.estimate.ok ? i.estimate.revenuePerCustomerLift : null,
          total: i.estimate.ok ? i.estimate.incrementalRevenue : null,
          p: i.estimate.ok ? i.estimate.pValue : null,
          // a deterministic difference has no p-value (not applicable), an estimate none at all: say why
          note: i.estimate.ok ? (i.estimate.note ?? '') : i.estimate.reason,
        })),
      },
    ],
  };
}

/** The Data quality rows of stale pending points and of points past their expiry date with no expire row. */
function overdueRows(r: MonitorLoyaltyResult): { what: string; rows: number; effect: string }[] {
  const o = r.liability.overdue;
  const s = r.liability.stale_pending;
  return [
    ...(s
      ? [
          {
            what: `members with points pending for more than ${s.days} days and no earn row (${Math.round(s.points).toLocaleString('en-US')} points, ${money(s.value, r.currency)})`,
            rows: s.members,
            effect:
              'stale pending rows: left out of the pending points and the liability; post the earn rows of the orders kept, reverse the others',
          },
        ]
      : []),
    ...(o ? overdueRow(r, o) : []),
  ];
}

/** The Data quality row of points past their expiry date with no expire row. */
function overdueRow(
  r: MonitorLoyaltyResult,
  o: NonNullable<MonitorLoyaltyResult['liability']['overdue']>,
): { what: string; rows: number; effect: string }[] {
  return [
    {
      what: `members holding points past their expiry date with no expire row (${Math.round(o.points).toLocaleString('en-US')} points, ${money(o.value, r.currency)})`,
      rows: o.members,
      effect:
        'the expire rows are missing: the points are left out of the outstanding points and the liability (breakage); post the expire rows',
    },
  ];
}

/** The dashboard model of a monitor-loyalty result (rendered to HTML and Markdown by report/). */
export function buildMonitorLoyaltyDashboard(r: MonitorLoyaltyResult): Dashboard {
  const sections: Section[] = [
    { title: 'Executive summary', summary: true, blocks: [{ kind: 'markdown', text: executiveSummary(r) }] },
    kpiSection(r),
    tierSection(r),
    liabilitySection(r),
    segmentSection(r),
    modelSection(r),
    drillDownSection(r),
    ...[experimentSection(r)].filter((s): s is Section => s !== null),
    actionsSection(
      'Backlog',
      r.backlog.map((b) => ({
        ...b,
        extra: `ETA ${b.eta}; value at stake ${money(b.value_at_stake, r.currency)}; projected lift ${money(b.projected_lift, r.currency)} (${b.lift_basis}).`,
      })),
    ),
    dataQualitySection({
      alerts: r.alerts,
      accounting: r.row_accounting,
      rejects: r.rejects,
      planPath: r.plan_path,
      unmatched: [
        {
          what: 'ledger rows of an id that is no member enrolled before the end',
          rows: r.members.orphans.ledger_rows,
          effect:
            "left out of the member summaries, the experiments' points and the weekly active members (the weekly points sums keep them)",
        },
        {
          what: 'member-flagged orders of a customer who is no member',
          rows: r.members.orphans.member_orders_without_member,
          effect: 'counted as non-member orders (non-member revenue; the customer eligible for enrolment)',
        },
        ...(r.members.id_case.member_groups
          ? [
              {
                what: `member ids differing from another only by letter case (${r.members.id_case.members.join('; ')})`,
                rows: r.members.id_case.member_groups,
                effect:
                  'ids are matched exactly: each is a member of its own; write one id the same way everywhere if they are one member',
              },
            ]
          : []),
        ...(r.members.id_case.orders
          ? [
              {
                what: `orders of customer ids that are member ids but for letter case (${r.members.id_case.order_customers.join(', ')})`,
                rows: r.members.id_case.orders,
                effect: 'counted as non-member orders (ids are matched exactly)',
              },
            ]
          : []),
        ...overdueRows(r),
        ...r.members.unknown_tiers.map((u) => ({
          what: `members in tier "${u.tier}", which no tier rule describes${u.suggestion ? ` (did you mean ${u.suggestion}?)` : ''}`,
          rows: u.members,
          effect: `ranked above the rules in the tier mix and the migration matrix, left out of the upgrade and downgrade segments; ${u.hint}`,
        })),
      ],
    }),
  ];
  return {
    title: `Loyalty programme health — ${r.program}`,
    subtitle: `${r.window.label} window (${r.window.start.slice(0, 10)} to ${r.as_of}), amounts in ${r.currency}`,
    generatedAt: r.window.end,
    runId: r.run_id,
    planPath: r.plan_path,
    kpis: kpisOf(r),
    sections,
    footnotes: [
      'KPI formulas, the liability method and the model checks: docs/commands/monitor-loyalty.md.',
      `Reproduce: ${reproduceLine('monitor-loyalty', MONITOR_LOYALTY_FLAGS, { ...r.inputs, experiments: r.inputs.experiments ?? ['none'] }, r.as_of)}`,
    ],
  };
}
