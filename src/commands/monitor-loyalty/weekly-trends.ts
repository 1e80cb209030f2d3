import type { Engine } from '../../data/index.ts';
import type { ResolvedWindow } from '../shared/window/index.ts';
import { relationOf } from './run-tables.ts';
import { weeklyTrendCh, weeklyTrendSql } from './sql/kpi-sql.ts';

/** One week of the KPI trend (the seven days ending `week_end`, exclusive). */
export interface WeeklyPoint {
  week_start: string;
  points_earned: number;
  points_redeemed: number;
  points_expired: number;
  active_members: number;
  member_revenue: number;
  non_member_revenue: number;
  orders: number;
  enrolled: number;
}

const DAY = 86_400_000;

/** Weeks shown: twice the window (at least 13, at most 52), so the window reads against its past. */
export const trendWeeks = (w: ResolvedWindow): number =>
  Math.min(52, Math.max(13, Math.ceil((2 * w.days) / 7)));

/** The weekly KPI series ending at the end of the window, oldest week first; empty weeks are zeros. */
export async function weeklyTrends(engine: Engine, w: ResolvedWindow): Promise<WeeklyPoint[]> {
  const weeks = trendWeeks(w);
  const [points, orders, enrolled] = await Promise.all(
    (engine.dialect === 'clickhouse'
      ? weeklyTrendCh(w.end, weeks, relationOf(engine))
      : weeklyTrendSql(w.end, weeks)
    ).map((q) => engine.query<Record<string, number>>(q)),
  );
  const at = (rows: Record<string, number>[], k: number) => rows.find((r) => Number(r.week) === k);
  const end = Date.parse(w.end);
  const out: WeeklyPoint[] = [];
  for (let k = weeks - 1; k >= 0; k--) {
    const p = at(points, k);
    const o = at(orders, k);
    out.push({
      week_start: new Date(end - (k + 1) * 7 * DAY).toISOString().slice(0, 10),
      points_earned: Number(p?.earned ?? 0),
      points_redeemed: Number(p?.redeemed ?? 0),
      points_expired: Number(p?.expired ?? 0),
      active_members: Number(p?.active_members ?? 0),
      member_revenue: Number(o?.member_revenue ?? 0),
      non_member_revenue: Number(o?.nonmember_revenue ?? 0),
      orders: Number(o?.orders ?? 0),
      enrolled: Number(at(enrolled, k)?.enrolled ?? 0),
    });
  }
  return out;
}
