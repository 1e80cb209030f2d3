import { outstandingPointsLiability } from '../../analyses/loyalty/index.ts';
import { percentText } from '../../analyses/text/index.ts';
import type { EscalationRecord, StageContext } from '../../orchestrator/index.ts';
import { moneyAmount } from '../../report/index.ts';
import type { KitRun } from '../kit/index.ts';
import {
  breakageAndRevenue,
  cohortsOf,
  netOfReversals,
  outstandingRedemptionRate,
  redemptionCurve,
  type CohortLine,
  type Immature,
  type IssuanceRow,
  type TriangleRow,
} from './breakage-cohorts.ts';
import { loyaltyScope, type MonitorLoyaltyContext } from './inputs.ts';
import { previousLiability, type PreviousLiability } from './previous-liability.ts';
import { dropTable, relationOf } from './run-tables.ts';
import {
  BALANCE_CHECK_SQL,
  balanceCheckCh,
  cohortIssuanceCh,
  cohortIssuanceSql,
  CONSUMPTION_KIND,
  monthLabel,
  overdueByCohortCh,
  overdueByCohortSql,
  TRIANGLE_SQL,
  triangleCh,
  valuationOf,
} from './sql/points-lots-sql.ts';

/** Points liability, breakage and revenue release at the end of the window. */
export interface LiabilityOutput {
  value_per_point: number;
  outstanding_points: number;
  active_points: number;
  pending_points: number;
  /** Share of outstanding points expected to be redeemed (from the cohort curves). */
  expected_redemption_rate: number;
  /** Ultimate redemption rate over every issuance cohort, and its complement. */
  programme_redemption_rate: number;
  expected_breakage_rate: number;
  /** Last complete month: the chain ladder develops cohorts to its end. */
  valuation_month: string;
  /** Outstanding points × value per point × expected redemption rate. */
  liability: number;
  expected_breakage_value: number;
  /** IFRS 15: revenue recognised in the window as points were redeemed, and the deferred revenue left. */
  revenue_released: number;
  deferred_revenue: number;
  points_redeemed_in_window: number;
  /** Revenue of the orders that earned points / those points (null without order-linked points). */
  spend_per_point: number | null;
  previous: PreviousLiability | null;
  change: number | null;
  change_rate: number | null;
  spike_threshold: number;
  /** Escalation made at once on a spike (the kit escalates repeated breaches itself). */
  spike_escalation: EscalationRecord | null;
  maturity_age: number | null;
  /** Development method, and the prior redemption rate of Bornhuetter–Ferguson. */
  method: 'chain-ladder' | 'bornhuetter-ferguson';
  prior_redemption_rate: number | null;
  /** Age-to-age factors; null where infinite (nothing redeemed by that age, some by the next). */
  development_factors: (number | null)[];
  /** Age-to-ultimate factors; null where infinite (ages up to an infinite age-to-age factor). */
  cumulative_factors: (number | null)[];
  curve: { age: number; redeemed_share: number; cohorts: number }[];
  cohorts: CohortLine[];
  /**
   * Set when no cohort has matured (points expire and every cohort is younger than the maturity
   * age): no breakage is recognised, the liability values every outstanding point (an upper
   * bound), and `liability_floor` is what the cohort curves alone give (the redemptions seen so far).
   */
  immature: Immature | null;
  liability_floor: number | null;
  /**
   * Points left in lots whose expiry date is on or before the as-of with no expire row in the ledger
   * (FIFO): left out of the outstanding points and the liability (breakage), reported as a data
   * finding. Null when there are none.
   */
  overdue: OverduePoints | null;
  /**
   * Pending points (pending rows with no earn row for their order) older than
   * `loyalty.pending_confirmation_days`: left out of the pending points and the liability, reported
   * as a data finding. Null when there are none (or pending points never go stale).
   */
  stale_pending: StalePending | null;
  checks: { ledger_balance: number; fifo_balance: number; unmatched: number; overdue_points: number };
}

/** Overdue points: their count, face value (points × value per point), members, and the finding. */
export interface OverduePoints {
  points: number;
  value: number;
  members: number;
  finding: string;
}

/** Stale pending points: their count, face value, members, the confirmation period, and the finding. */
export interface StalePending {
  points: number;
  value: number;
  members: number;
  days: number;
  finding: string;
}

/**
 * The stale pending points' finding (null when there are none); their value in the reporting
 * `currency`'s decimals (`moneyAmount`: '1.30' USD, '130' JPY, '1.300' KWD).
 */
export function stalePendingFinding(
  points: number,
  members: number,
  vpp: number,
  days: number,
  currency: string,
): StalePending | null {
  if (points <= 1e-9) return null;
  const value = points * vpp;
  const pts = Math.round(points).toLocaleString('en-US');
  const money = moneyAmount(value, currency);
  return {
    points,
    value,
    members,
    days,
    finding: `${pts} pending points (${money} at ${vpp} per point) of ${members.toLocaleString('en-US')} member${members === 1 ? '' : 's'} have been pending for more than ${days} days (loyalty.pending_confirmation_days) with no earn row for their order: their confirmation period is over, so they are left out of the pending points and the liability; post the earn rows of the orders kept and reverse the pending rows of the orders returned, or raise loyalty.pending_confirmation_days if confirmation takes longer`,
  };
}

/** The overdue points' finding (null when there are none); their value as in `stalePendingFinding`. */
export function overdueFinding(
  points: number,
  members: number,
  valuePerPoint: number,
  currency: string,
): OverduePoints | null {
  if (points <= 1e-9) return null;
  const value = points * valuePerPoint;
  const pts = Math.round(points).toLocaleString('en-US');
  return {
    points,
    value,
    members,
    finding: `${pts} points (${moneyAmount(value, currency)} at ${valuePerPoint} per point) of ${members.toLocaleString('en-US')} member${members === 1 ? '' : 's'} are past their expiry date with no expire row in the ledger: the expire rows are missing; they can no longer be redeemed, so they are left out of the outstanding points and the liability (breakage); post the expire rows (run the expiry job) so balances agree`,
  };
}

type Run = KitRun<MonitorLoyaltyContext>;

/** The liability's data findings: overdue points and stale pending points (from the balance checks). */
function dataFindings(
  b: Record<string, unknown>,
  config: Run['inputs']['config'],
  currency: string,
): Pick<LiabilityOutput, 'overdue' | 'stale_pending'> {
  const vpp = config.value_per_point;
  return {
    overdue: overdueFinding(n(b.overdue), n(b.overdue_members), vpp, currency),
    stale_pending: stalePendingFinding(
      n(b.stale_pending),
      n(b.stale_members),
      vpp,
      config.pending_confirmation_days,
      currency,
    ),
  };
}
const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
/** JSON has no Infinity: an infinite development factor is written null. */
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

async function pointsTables(run: Run) {
  const engine = await run.engine();
  const { window } = run.inputs;
  const ch = engine.dialect === 'clickhouse';
  const rel = relationOf(engine);
  const { valuation } = valuationOf(window.end);
  // the lots and the expiry per member were built in the data pull (members stage)
  const issuance = (
    await engine.query<Record<string, unknown>>(
      ch ? cohortIssuanceCh(window.start, window.end, rel) : cohortIssuanceSql(window.start, window.end),
    )
  ).map((r): IssuanceRow => ({
    cohort: monthLabel(n(r.cohort_month)),
    issued: n(r.issued),
    issued_before_start: n(r.issued_before_start),
    linked_points: n(r.linked_points),
    linked_revenue: n(r.linked_revenue),
  }));
  const triangle = (
    await engine.query<Record<string, unknown>>(ch ? triangleCh(window.start, valuation, rel) : TRIANGLE_SQL)
  ).map((r): TriangleRow => ({
    cohort: monthLabel(n(r.cohort_month)),
    age: n(r.age),
    kind: CONSUMPTION_KIND[n(r.k)],
    pts: n(r.pts),
    pts_before_start: n(r.pts_before_start),
    pts_before_valuation: n(r.pts_before_valuation),
  }));
  // the triangle's rows come by cohort, age and kind code; the kinds in name order as before
  triangle.sort((a, b) =>
    a.cohort < b.cohort
      ? -1
      : a.cohort > b.cohort
        ? 1
        : a.age - b.age || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0),
  );
  const overdue = new Map(
    (
      await engine.query<Record<string, unknown>>(
        ch ? overdueByCohortCh(window.end, rel) : overdueByCohortSql(window.end),
      )
    ).map((r) => [monthLabel(n(r.cohort_month)), n(r.overdue)]),
  );
  for (const i of issuance) i.overdue = overdue.get(i.cohort) ?? 0;
  const [b] = await engine.query<Record<string, unknown>>(ch ? balanceCheckCh(rel) : BALANCE_CHECK_SQL);
  const matched = triangle.reduce((s, t) => s + t.pts, 0);
  // the lots live on in lm_member_expiry and the totals read above
  await dropTable(engine, 'lm_lots');
  await dropTable(engine, 'lm_cons');
  const balances: Record<string, unknown> = { ...b, unmatched: n(b.consumed) - matched };
  // earn reversals: out of their cohorts' issued points, not consumption (netOfReversals)
  return { ...netOfReversals(issuance, triangle), balances };
}

/**
 * The spike alert. A spike escalates at once (`escalate_from: 1`): the first breach to the first rung
 * of the ladder, a spike again in the next run to the second, and so on. The kit records the
 * escalation in the plan (so `--fail-on-escalation` exits 10 on it); the same record is returned
 * for result.json's `liability.spike_escalation`.
 */
function alertSpike(ctx: StageContext, run: Run, changeRate: number | null): EscalationRecord | null {
  const ev = ctx.alert({
    id: 'liability_spike',
    metric: 'change of the points liability since the previous run (share)',
    value: changeRate ?? 0,
    threshold: run.inputs.liabilitySpike,
    direction: 'above',
    owner_role: run.inputs.config.owners.finance,
    escalate_from: 1,
  });
  const esc = ev.escalation;
  if (!ev.escalate || !esc) return null;
  ctx.note(
    `liability spike of ${percentText(changeRate ?? 0)}: escalated at once to ${esc.person ?? esc.role}`,
  );
  return {
    alert_id: 'liability_spike',
    metric: ev.metric,
    task_id: ctx.stageId,
    level: esc.level,
    role: esc.role,
    person: esc.person,
    fallback_used: esc.fallbackUsed,
    consecutive_breaches: ev.consecutive_breaches,
    value: ev.value,
    threshold: ev.threshold,
    direction: 'above',
    at: run.now().toISOString(),
  };
}

function spendPerPoint(issuance: IssuanceRow[]): number | null {
  const points = issuance.reduce((s, i) => s + i.linked_points, 0);
  const revenue = issuance.reduce((s, i) => s + i.linked_revenue, 0);
  return points > 0 ? revenue / points : null;
}

/** The escalation ladder of monitor-loyalty (gtm.yaml `escalation.monitor-loyalty` overrides it). */
export const LADDER = ['member_insights_analyst', 'loyalty_strategist', 'exec_sponsor'] as const;

/**
 * Point liability: FIFO lots in the engine, breakage from the issuance-cohort redemption curves
 * (chain ladder), the liability of the outstanding (active + pending) points, IFRS 15 revenue
 * release of the window, the change since the previous run and the spike alert.
 */
export async function computeLiability(ctx: StageContext, run: Run): Promise<LiabilityOutput> {
  const { config } = run.inputs;
  ctx.progress('building points lots (FIFO) and cohort curves');
  const { issuance, triangle, balances } = await pointsTables(run);
  // A monthly cohort has fully expired one month after its last lot's expiry month began.
  const maturity = config.points_expire_months > 0 ? config.points_expire_months + 1 : undefined;
  const { lastMonth } = valuationOf(run.inputs.window.end);
  const startLastMonth = valuationOf(run.inputs.window.start).lastMonth;
  const { estimate, lines, redemptionRate, newPointsRate, immature } = breakageAndRevenue(
    issuance,
    triangle,
    {
      lastMonth,
      startLastMonth,
      valuePerPoint: config.value_per_point,
      maturityAge: maturity,
      minHistoryMonths: maturity === undefined ? config.breakage.min_history_months : undefined,
      tailFactor: config.breakage.tail_factor,
      method: config.breakage.method,
    },
  );
  const rho = outstandingRedemptionRate(lines, redemptionRate, {
    points: n(balances.pending),
    rate: newPointsRate,
  });
  const prev = await previousLiability(run, loyaltyScope(run.inputs), ctx.planPath);
  // FIFO balance: members whose consumption exceeds their points hold none (not a negative amount);
  // points of lots past their expiry date can no longer be redeemed: breakage, not liability, with
  // or without their expire row
  const active = n(balances.fifo_balance) - n(balances.overdue);
  const result = outstandingPointsLiability({
    activePoints: active,
    pendingPoints: n(balances.pending),
    valuePerPoint: config.value_per_point,
    expectedRedemptionRate: Math.min(1, Math.max(0, rho)),
    previousLiability: prev?.liability,
  });
  const redeemedInWindow = triangle
    .filter((t) => t.kind === 'redeem')
    .reduce((s, t) => s + t.pts - t.pts_before_start, 0);
  return {
    value_per_point: config.value_per_point,
    outstanding_points: result.outstandingPoints,
    active_points: active,
    pending_points: n(balances.pending),
    expected_redemption_rate: rho,
    programme_redemption_rate: redemptionRate,
    expected_breakage_rate: 1 - redemptionRate,
    valuation_month: lastMonth,
    liability: result.liability,
    expected_breakage_value: result.expectedBreakageValue,
    revenue_released: lines.reduce((s, l) => s + l.revenue_in_window, 0),
    deferred_revenue: lines.reduce((s, l) => s + l.deferred_revenue, 0),
    points_redeemed_in_window: redeemedInWindow,
    spend_per_point: spendPerPoint(issuance),
    previous: prev,
    change: result.change,
    change_rate: result.changeRate,
    spike_threshold: run.inputs.liabilitySpike,
    spike_escalation: alertSpike(ctx, run, result.changeRate),
    maturity_age: maturity ?? null,
    method: estimate.method,
    prior_redemption_rate: estimate.priorRedemptionRate,
    development_factors: estimate.developmentFactors.map(finiteOrNull),
    cumulative_factors: estimate.cumulativeFactors.map(finiteOrNull),
    curve: redemptionCurve(cohortsOf(issuance, triangle, lastMonth)),
    cohorts: lines,
    immature,
    liability_floor: immature
      ? (active + n(balances.pending)) * config.value_per_point * immature.curves_redemption_rate
      : null,
    ...dataFindings(balances, config, run.ws.currency.reporting),
    checks: {
      ledger_balance: n(balances.ledger_balance),
      fifo_balance: n(balances.fifo_balance),
      unmatched: n(balances.unmatched),
      overdue_points: n(balances.overdue),
    },
  };
}
