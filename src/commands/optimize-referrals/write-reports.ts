import { toCsvTable, type ReportFile } from '../../report/index.ts';
import type { ReferralsOutputs } from './plan.ts';
import { ringNumber, type ReferralsResult } from './result.ts';

/** CSV columns: headers in snake_case, whatever the casing of the result's keys. */
const cols = (...keys: string[]) =>
  keys.map((key) => ({ key, label: key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) }));

const COUNT_KEYS = [
  'eligibleAdvocates',
  'participatingAdvocates',
  'shares',
  'invites',
  'clicks',
  'referrals',
  'signups',
  'conversions',
  'friendsWhoShared',
  'newCustomers',
  'referredNewCustomers',
  'referredNewCustomerRevenue',
  'referredRevenue',
  'newCustomerRevenue',
  'rewards',
  'incentives',
  'fees',
  'clawbacks',
  'refunded',
] as const;
const METRIC_KEYS = [
  'participationRate',
  'shareRate',
  'clicksPerShare',
  'signupRate',
  'conversionRate',
  'friendsTurnedAdvocates',
  'shareOfNewCustomers',
  'shareOfNewRevenue',
  'kFactor',
  'programCost',
  'costPerReferredCustomer',
  'payoutRoi',
] as const;

function funnelCsv(r: ReferralsResult): string {
  const rows = [...r.funnel.current, ...r.funnel.previous].map((s) => ({
    window: s.window,
    dimension: s.dimension,
    value: s.value,
    ...Object.fromEntries(COUNT_KEYS.map((k) => [k, s.counts[k] ?? null])),
    ...Object.fromEntries(METRIC_KEYS.map((k) => [k, s.metrics[k]])),
  }));
  return toCsvTable(cols('window', 'dimension', 'value', ...COUNT_KEYS, ...METRIC_KEYS), rows);
}

function partnersCsv(r: ReferralsResult): string {
  return toCsvTable(
    cols(
      'partner',
      'name',
      'tier',
      'status',
      'reasons',
      'shares',
      'clicks',
      'referrals',
      'conversions',
      'clickConversions',
      'codeConversions',
      'revenue',
      'conversionRate',
      'fraudRate',
      'refundRate',
      'shareOfShares',
      'shareOfClicks',
      'revenueShare',
      'trend',
      'relativeTrend',
      'nps',
      'nps_responses',
      'held_value',
    ),
    r.partners.partners.map((p) => ({ ...p, reasons: p.reasons.join('; ') })),
  );
}

function flaggedCsv(o: ReferralsOutputs): string {
  return toCsvTable(
    cols(
      'referral_id',
      'band',
      'score',
      'rules',
      'reasons',
      'advocate_id',
      'friend_id',
      'channel',
      'signed_up_at',
      'reward_amount',
      'reward_status',
      'held_value',
    ),
    o.risk.flagged.map((f) => ({ ...f, rules: f.rules.join(' '), reasons: f.reasons.join(' | ') })),
  );
}

function backlogCsv(r: ReferralsResult): string {
  return toCsvTable(
    cols(
      'id',
      'priority',
      'kind',
      'title',
      'evidence',
      'owner_role',
      'owner',
      'fallback',
      'effort_days',
      'eta',
      'extra_conversions',
      'extra_revenue',
      'cost_avoided',
      'basis',
    ),
    r.backlog.map((b) => ({
      ...b,
      owner_role: b.owner.role,
      owner: b.owner.person ?? '',
      fallback: b.owner.fallback_used
        ? `${b.owner.fallback_used.from} → ${b.owner.fallback_used.to}: ${b.owner.fallback_used.reason}`
        : '',
      extra_conversions: b.projected_lift.extra_conversions,
      extra_revenue: b.projected_lift.extra_revenue,
      cost_avoided: b.projected_lift.cost_avoided,
      basis: b.projected_lift.basis,
    })),
  );
}

/** rings.csv: one row a ring, numbered from 1 as the terminal and dashboard show it (ring id + 1). */
export function ringsCsv(r: Pick<ReferralsResult, 'fraud'>): string {
  return toCsvTable(
    cols(
      'ring',
      'members',
      'accounts',
      'rewards_paid',
      'rewarded_friends',
      'retained_friends',
      'refunds',
      'orders',
      'reasons',
      'shared_identifiers',
      'strongly_tied',
      'strongly_tied_accounts',
      'strength',
      'link_kinds',
    ),
    r.fraud.rings.map((x) => ({
      ...x,
      ring: ringNumber(x.ring),
      accounts: x.accounts.join(' '),
      reasons: x.reasons.join(' '),
      shared_identifiers: x.shared_identifiers
        .map((s) => `${s.kind}:${s.label ?? '?'} (${s.links})`)
        .join('; '),
      strongly_tied_accounts: (x.strongly_tied_accounts ?? []).join(' '),
      link_kinds: (x.link_kinds ?? []).join(' '),
    })),
  );
}

/**
 * The CSV tables of a run (spreadsheet formulas neutralized by `toCsvTable`): funnel by window and
 * dimension with every KPI, partners, every flagged referral with its reasons, the backlog, rings,
 * weekly trends. The kit adds result.json, summary.md, dashboard.html, row_accounting.csv, rejects.csv.
 */
export function referralsTables(r: ReferralsResult, o: ReferralsOutputs): ReportFile[] {
  return [
    { name: 'funnel.csv', content: funnelCsv(r) },
    { name: 'partners.csv', content: partnersCsv(r) },
    { name: 'flagged_referrals.csv', content: flaggedCsv(o) },
    { name: 'backlog.csv', content: backlogCsv(r) },
    { name: 'rings.csv', content: ringsCsv(r) },
    {
      name: 'trends.csv',
      content: toCsvTable(
        cols('week_start', 'shares', 'clicks', 'signups', 'conversions', 'revenue', 'cost'),
        r.funnel.trends.map((t) => ({ ...t })),
      ),
    },
  ];
}
