import { metricsByDimension, type FunnelRow, type SegmentMetrics } from '../../analyses/referrals/index.ts';
import type { Engine, Row } from '../../data/index.ts';
import { num, rowsByValue } from './query-numbers.ts';
import { funnelSqls, newCustomersSql, type DayRange, type FunnelDimension } from './sql/funnel-sql.ts';

/** Funnel counts of one segment, with the rows behind them (referrals) and refunds. */
export interface FunnelCountsRow extends FunnelRow {
  /** Referral rows signed up in the range (a friend claimed twice counts twice here; sign-ups once). */
  readonly referrals: number;
  /** Referred customers of the range whose qualifying order was refunded or cancelled. */
  readonly refunded: number;
}

/** A segment's counts and metrics, as the result lists them. */
export type FunnelSegment = SegmentMetrics & { counts: FunnelCountsRow };

/** A window of the funnel: its label and its day range. */
export interface FunnelWindow {
  label: string;
  range: DayRange;
}

/**
 * The funnel counts of every value of a dimension in each window (program: one row per window,
 * value `all`), from one scan per measure family for all windows. Channel has no advocates of its
 * own: each channel row carries the program's eligible advocates, so its participation rate is
 * the share of advocates who shared on that channel.
 */
export async function funnelRows(
  engine: Engine,
  dim: FunnelDimension,
  windows: readonly FunnelWindow[],
): Promise<FunnelCountsRow[][]> {
  const ranges = windows.map((w) => w.range);
  const results: Map<string, Record<string, number>>[] = [];
  for (const sql of funnelSqls(dim, ranges, engine.dialect)) results.push(await rowsByValue(engine, sql));
  const [el, sh, cl, rf, co] = results;
  const program = dim === 'program' ? (await engine.query<Row>(newCustomersSql(ranges)))[0] : undefined;
  const values = new Set([...sh.keys(), ...cl.keys(), ...rf.keys(), ...co.keys()]);
  if (dim !== 'channel') for (const k of el.keys()) values.add(k);
  if (dim === 'program') values.add('all');
  return windows.map((w, i) => {
    const at = (m: Map<string, Record<string, number>>, v: string, name: string) =>
      m.get(v)?.[`${name}_${i}`] ?? 0;
    return [...values].sort().map((value) => ({
      dimension: dim,
      value,
      window: w.label,
      eligibleAdvocates: at(el, dim === 'channel' ? 'all' : value, 'eligible'),
      participatingAdvocates: at(sh, value, 'participating'),
      shares: at(sh, value, 'shares'),
      invites: at(sh, value, 'invites'),
      clicks: at(cl, value, 'clicks'),
      signups: at(rf, value, 'signups'),
      conversions: at(rf, value, 'conversions'),
      friendsWhoShared: at(rf, value, 'friends_who_shared'),
      referredRevenue: at(rf, value, 'referred_revenue'),
      rewards: at(co, value, 'rewards'),
      incentives: at(co, value, 'incentives'),
      fees: at(co, value, 'fees'),
      clawbacks: at(co, value, 'clawbacks'),
      referrals: at(rf, value, 'referrals'),
      refunded: at(rf, value, 'refunded'),
      ...(program
        ? {
            newCustomers: num(program[`customers_${i}`]),
            referredNewCustomers: num(program[`referred_${i}`]),
            referredNewCustomerRevenue: num(program[`referred_revenue_${i}`]),
            newCustomerRevenue: num(program[`revenue_${i}`]),
          }
        : {}),
    }));
  });
}

/** Counts → metrics (the formulas of `referralMetrics`), keeping the extra counts. */
export function segmentsOf(rows: readonly FunnelCountsRow[]): FunnelSegment[] {
  return metricsByDimension(rows) as FunnelSegment[];
}
