import {
  activeMemberRate,
  averageOrderValue,
  breakageRate,
  costPerPoint,
  csat,
  enrollmentRate,
  memberVsNonMemberRevenue,
  orderEarningRate,
  purchaseFrequency,
  redemptionRate,
  rewardUsage,
  tierMigrationMatrix,
  tierMix,
  type CsatResult,
  type MemberRevenueComparison,
  type TierMigration,
  type TierShare,
} from '../../analyses/loyalty/index.ts';
import type { Engine } from '../../data/index.ts';
import type { StageContext } from '../../orchestrator/index.ts';
import type { KitRun } from '../kit/index.ts';
import { dataCoverage, type DataCoverage } from './data-coverage.ts';
import type { LoyaltyDimension, MonitorLoyaltyContext } from './inputs.ts';
import type { MembersOutput } from './members-stage.ts';
import { money6, money6OrNull } from './money6.ts';
import { relationOf } from './run-tables.ts';
import {
  csatCh,
  csatSql,
  customerKpiCh,
  customerKpiSql,
  memberKpiCh,
  memberKpiSql,
  TIER_MIGRATION_SQL,
  tierMigrationCh,
} from './sql/kpi-sql.ts';
import { weeklyTrends, type WeeklyPoint } from './weekly-trends.ts';

/** The per-customer amounts of the comparison to 6 decimals (`money6`); the ratio as it is. */
const perCustomer6 = (c: MemberRevenueComparison): MemberRevenueComparison => ({
  ...c,
  memberRevenuePerCustomer: money6OrNull(c.memberRevenuePerCustomer),
  nonMemberRevenuePerCustomer: money6OrNull(c.nonMemberRevenuePerCustomer),
  difference: money6OrNull(c.difference),
});

/** The KPIs of one window for one group of members (a dimension value, or all). */
export interface KpiValues {
  members: number;
  enrolled: number;
  active_members: number;
  active_member_rate: number | null;
  order_earning_rate: number | null;
  redemption_rate: number | null;
  reward_usage: number | null;
  breakage_rate: number | null;
  cost_per_point: number | null;
  orders: number;
  revenue: number;
  purchasing_members: number;
  aov: number | null;
  frequency: number | null;
  revenue_per_member_customer: number | null;
  points_earned: number;
  points_redeemed: number;
  points_expired: number;
}

/** One row of a KPI table: a group, its KPIs in the window and the window before it, balances, CSAT. */
export interface KpiRow extends KpiValues {
  key: string;
  previous: KpiValues;
  outstanding_points: number;
  pending_points: number;
  csat: CsatResult;
}

export interface KpiOutput {
  overall: KpiRow & {
    /** Null without a member at the end of the window, or without an eligible purchaser (see the reason). */
    enrollment_rate: number | null;
    /** Why `enrollment_rate` is null; null when it is a rate. */
    enrollment_rate_unavailable: string | null;
    /**
     * Why `reward_usage` is null in every row and window (no order names a reward: the orders'
     * `reward_id` is empty or not mapped); null when it is measured.
     */
    reward_usage_unavailable: string | null;
    /** Null without a member at the end of the previous window, or without an eligible purchaser in it. */
    previous_enrollment_rate: number | null;
    eligible_customers: number;
    member_vs_non_member: MemberRevenueComparison;
    non_member: { customers: number; orders: number; revenue: number; aov: number | null };
  };
  by_dimension: Partial<Record<LoyaltyDimension, KpiRow[]>>;
  tier_mix: TierShare[];
  tier_migration: TierMigration;
  trends: WeeklyPoint[];
  /** Where the as-of falls in the data (an as-of past the last activity or before every enrolment). */
  coverage: DataCoverage;
}

type Run = KitRun<MonitorLoyaltyContext>;
type Agg = Record<string, number | string>;

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** KPI values of one window (`_w` or `_pw` columns of `memberKpiSql`). */
export function kpiValues(a: Agg, s: '_w' | '_pw'): KpiValues {
  const g = (c: string) => n(a[`${c}${s}`]);
  return {
    members: g('members'),
    enrolled: g('enrolled'),
    active_members: g('active'),
    active_member_rate: activeMemberRate({ activeMembers: g('active'), members: g('members') }),
    order_earning_rate: orderEarningRate({ earningOrders: g('earning_orders'), memberOrders: g('orders') }),
    redemption_rate: redemptionRate({ pointsRedeemed: g('redeemed'), pointsEarned: g('earned') }),
    reward_usage: rewardUsage({ rewardsUsed: g('rewards_used'), rewardsIssued: g('rewards_issued') }),
    breakage_rate: breakageRate({ pointsExpired: g('expired'), pointsEarned: g('earned') }),
    cost_per_point: costPerPoint({ rewardCost: g('reward_cost'), pointsRedeemed: g('costed_points') }),
    orders: g('orders'),
    revenue: g('revenue'),
    purchasing_members: g('customers'),
    aov: money6OrNull(averageOrderValue({ revenue: g('revenue'), orders: g('orders') })),
    frequency: purchaseFrequency({ orders: g('orders'), customers: g('customers') }),
    revenue_per_member_customer: g('customers') > 0 ? money6(g('revenue') / g('customers')) : null,
    points_earned: g('earned'),
    points_redeemed: g('redeemed'),
    points_expired: g('expired'),
  };
}

/** CSAT per dimension and group from (dim, key, score, responses) rows (key: `dim`/`key`). */
function csatByKey(rows: Agg[], satisfiedFrom: number): Map<string, CsatResult> {
  const scores = new Map<string, number[]>();
  for (const r of rows) {
    // respondents who are no member have no dimension value
    if (r.dim !== 'all' && (r.key === null || r.key === undefined)) continue;
    const k = `${String(r.dim)}/${r.dim === 'all' ? 'all' : String(r.key)}`;
    const list = scores.get(k) ?? [];
    const s = n(r.score);
    if (s >= 1) list[s - 1] = (list[s - 1] ?? 0) + n(r.responses);
    scores.set(k, list);
  }
  return new Map(
    [...scores].map(([k, list]) => [
      k,
      csat(
        Array.from(list, (v) => v ?? 0),
        satisfiedFrom,
      ),
    ]),
  );
}

/** KPI rows overall ('all') and per requested dimension, from one GROUPING SETS pass each for members and CSAT. */
async function kpiRows(
  run: Run,
  engine: Engine,
  names: string[],
): Promise<Map<LoyaltyDimension | 'all', KpiRow[]>> {
  const { window, previous, config } = run.inputs;
  const dims = run.inputs.inputs.dimensions;
  const w = { start: window.start, end: window.end, prevStart: previous.start };
  const ch = engine.dialect === 'clickhouse';
  const rel = relationOf(engine);
  const rows = await engine.query<Agg>(ch ? memberKpiCh(dims, w, rel) : memberKpiSql(dims, w));
  const csats = csatByKey(
    await engine.query<Agg>(ch ? csatCh(dims, w, rel) : csatSql(dims, w)),
    config.csat_satisfied_from,
  );
  const out = new Map<LoyaltyDimension | 'all', KpiRow[]>([['all', []]]);
  for (const d of dims) out.set(d, []);
  for (const a of rows) {
    const dim = String(a.dim) as LoyaltyDimension | 'all';
    const raw = dim === 'all' ? 'all' : String(a.key);
    const key = dim === 'tier' ? (names[n(a.key)] ?? raw) : raw;
    out.get(dim)?.push({
      key,
      ...kpiValues(a, '_w'),
      previous: kpiValues(a, '_pw'),
      outstanding_points: n(a.active) + n(a.pending),
      pending_points: n(a.pending),
      csat: csats.get(`${dim}/${raw}`) ?? csat([]),
    });
  }
  return out;
}

/** Overall KPIs with enrolment, member vs non-member revenue and CSAT of every respondent. */
async function overallRow(run: Run, engine: Engine, row: KpiRow): Promise<KpiOutput['overall']> {
  const { window, previous } = run.inputs;
  const w = { start: window.start, end: window.end, prevStart: previous.start };
  const customers = await engine.query<Agg>(
    engine.dialect === 'clickhouse' ? customerKpiCh(w, relationOf(engine)) : customerKpiSql(w),
  );
  const none: Agg = {
    nonmember_customers: 0,
    nonmember_orders: 0,
    nonmember_revenue: 0,
    eligible: 0,
    eligible_enrolled: 0,
  };
  const cur = customers.find((c) => c.win === 'w') ?? none;
  const prev = customers.find((c) => c.win === 'pw') ?? none;
  const nm = {
    customers: n(cur.nonmember_customers),
    orders: n(cur.nonmember_orders),
    revenue: n(cur.nonmember_revenue),
  };
  // a window without a member at its end has no enrolment rate: its purchasers read as "0 %
  // enrolled" of a programme the data does not show (a members export with no usable row)
  return {
    ...row,
    enrollment_rate:
      row.members > 0
        ? enrollmentRate({ enrolled: n(cur.eligible_enrolled), eligible: n(cur.eligible) })
        : null,
    enrollment_rate_unavailable: null,
    reward_usage_unavailable: null,
    previous_enrollment_rate:
      row.previous.members > 0
        ? enrollmentRate({ enrolled: n(prev.eligible_enrolled), eligible: n(prev.eligible) })
        : null,
    eligible_customers: n(cur.eligible),
    member_vs_non_member: perCustomer6(
      memberVsNonMemberRevenue({
        memberRevenue: row.revenue,
        members: row.purchasing_members,
        nonMemberRevenue: nm.revenue,
        nonMembers: nm.customers,
      }),
    ),
    non_member: { ...nm, aov: money6OrNull(averageOrderValue({ revenue: nm.revenue, orders: nm.orders })) },
  };
}

/**
 * Health diagnostics of the window: KPIs overall and by each dimension (with the previous window
 * for trends), tier mix, tier migration matrix (start × end of the window), weekly series; and the
 * alert on the active member rate (`--alert-threshold`).
 */
export async function computeKpis(ctx: StageContext, run: Run, m: MembersOutput): Promise<KpiOutput> {
  const engine = await run.engine();
  const names = m.tiers.names;
  const rows = await kpiRows(run, engine, names);
  const overall = await overallRow(run, engine, rows.get('all')![0]);
  const by_dimension: KpiOutput['by_dimension'] = {};
  for (const dim of run.inputs.inputs.dimensions) by_dimension[dim] = rows.get(dim) ?? [];
  const byTier = by_dimension.tier ?? [];
  const mix = tierMix(
    Object.fromEntries(names.map((t) => [t, byTier.find((r) => r.key === t)?.members ?? 0])),
  );
  const flows = await engine.query<Agg>(
    engine.dialect === 'clickhouse' ? tierMigrationCh(relationOf(engine)) : TIER_MIGRATION_SQL,
  );
  const migration = tierMigrationMatrix(
    ['(joined in window)', ...names],
    flows.map((f) => n(f.start_idx)),
    flows.map((f) => n(f.end_idx)),
    flows.map((f) => n(f.members)),
  );
  const coverage = await dataCoverage(engine, run.inputs.window, run.inputs.inputs.as_of, overall.members);
  alertActiveRate(ctx, run, overall.active_member_rate, coverage);
  const rewardUsageUnavailable = coverage.orders_with_reward === 0 ? rewardsNotNamed(run) : null;
  const usage = <T extends KpiRow>(x: T): T =>
    rewardUsageUnavailable === null
      ? x
      : { ...x, reward_usage: null, previous: { ...x.previous, reward_usage: null } };
  for (const dim of Object.keys(by_dimension) as LoyaltyDimension[])
    by_dimension[dim] = by_dimension[dim]!.map(usage);
  return {
    overall: {
      ...usage(overall),
      enrollment_rate_unavailable: enrollmentUnavailable(run, overall, coverage),
      reward_usage_unavailable: rewardUsageUnavailable,
    },
    by_dimension,
    tier_mix: mix,
    tier_migration: migration,
    trends: await weeklyTrends(engine, run.inputs.window),
    coverage,
  };
}

/**
 * The warning line of reward usage not measured (`reward_usage_unavailable`), said only when rewards
 * were redeemed in the window or the one before (else the ratio has no denominator anyway); null
 * otherwise.
 */
export function rewardUsageWarning(o: KpiOutput['overall']): string | null {
  return o.reward_usage_unavailable && (o.points_redeemed > 0 || o.previous.points_redeemed > 0)
    ? o.reward_usage_unavailable
    : null;
}

/**
 * Why reward usage is not measured when no order names a reward: the orders' `reward_id` is empty or
 * not mapped (a Shopify export's discount code is not mapped by default), so every window would read
 * 0 % of the rewards redeemed used, whatever the members did.
 */
function rewardsNotNamed(run: Run): string {
  const sources = run.ws.sources.filter((s) => s.entity === 'orders').map((s) => `sources.${s.name}`);
  const where = sources.length ? sources.join(', ') : 'the orders source';
  return `no order names a reward (reward_id is empty or not mapped in ${where}), so reward usage (member orders with a reward / rewards redeemed) is not measured rather than 0 %; map reward_id to the orders' column that records the reward used, written as the rewards' reward_id`;
}

/**
 * Why the window has no enrolment rate: no member at its end (none in the members source, or none
 * enrolled by then), or no purchaser who was not yet a member; null when it has one.
 */
function enrollmentUnavailable(run: Run, o: KpiOutput['overall'], coverage: DataCoverage): string | null {
  if (o.enrollment_rate !== null) return null;
  if (o.members === 0)
    return coverage.first_enrolment === null
      ? 'no member in the members source (no usable row): no programme to measure enrolment in'
      : `no member enrolled by the end of the window (the first enrolment is ${coverage.first_enrolment.slice(0, 10)})`;
  return `no customer who was not yet a member bought in the ${run.inputs.window.label} window to ${run.inputs.inputs.as_of}`;
}

/**
 * The active-member-rate guardrail. Not evaluated without a rate (no member at the end) nor over a
 * window with no ledger or order row (an as-of past the data): a rate of no data is no breach (it
 * was alerted as 0 %, and escalated on the next run); a plan note says why.
 */
function alertActiveRate(ctx: StageContext, run: Run, rate: number | null, coverage: DataCoverage): void {
  if (coverage.guardrail_skipped !== null || rate === null) {
    if (coverage.warning) ctx.note(coverage.warning);
    ctx.note(
      `${coverage.guardrail_skipped ?? 'no members at the end of the window'}: the active-member-rate guardrail was not evaluated`,
    );
    return;
  }
  ctx.alert({
    id: 'active_member_rate',
    metric: 'members with an earn or redeem event in the window / members',
    value: rate,
    threshold: run.inputs.inputs.alert_threshold,
    direction: 'below',
    owner_role: run.inputs.config.owners.insights,
  });
}
