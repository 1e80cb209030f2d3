import type { Engine } from '../../data/index.ts';
import type { LoyaltyDimension } from './inputs.ts';
import type { ModelsOutput } from './models-stage.ts';
import { relationOf } from './run-tables.ts';
import type { PointColumns, SegmentName } from './segments-stage.ts';

/** A member of a segment, for the CRM team (segment_members.csv). */
export interface SegmentMember {
  segment: SegmentName;
  member_id: string;
  tier: string;
  region: string;
  channel: string;
  cohort: string;
  p_alive: number | null;
  clv: number | null;
  lifetime_spend: number;
  points_balance: number;
  expiring_points: number;
  days_to_expiry: number | null;
  qualifying_value: number;
  days_left_in_period: number;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The `limit`-th largest of `f` over `idx` (typed-array sort, no comparator). */
function kthLargest(idx: readonly number[], limit: number, f: (i: number) => number): number {
  const v = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) v[k] = f(idx[k]);
  v.sort();
  return v[idx.length - limit];
}

/**
 * The rows that can be among the first `limit` by value, then second value (both descending): all
 * rows above the limit-th value, and of the rows tied at it those at or above the second value the
 * remaining places need. A superset of the first `limit` (sorted and cut by the caller), so a
 * segment of a million members is not sorted with a comparator.
 */
function topCandidates(
  idx: number[],
  limit: number,
  first: (i: number) => number,
  second: (i: number) => number,
): number[] {
  if (limit <= 0 || idx.length <= limit) return idx;
  const floor = kthLargest(idx, limit, first);
  const above = idx.filter((i) => first(i) > floor);
  let tied = idx.filter((i) => first(i) === floor);
  const need = limit - above.length;
  if (tied.length > need) {
    const floor2 = kthLargest(tied, need, second);
    tied = tied.filter((i) => second(i) >= floor2);
  }
  return above.concat(tied);
}

/**
 * The `limit` most valuable members of each segment (by CLV, then lifetime spend), with their
 * tier, dimensions, scores and points. Member ids are read from the engine by position (the
 * member-id order all member columns share), only for the members listed.
 */
export async function segmentMembers(
  engine: Engine,
  flags: { segment: SegmentName; rows: Uint8Array }[],
  mo: ModelsOutput,
  p: PointColumns,
  names: Record<LoyaltyDimension, readonly string[]>,
  limit: number,
): Promise<SegmentMember[]> {
  const value = (i: number) => (Number.isFinite(mo.scores.clv[i]) ? mo.scores.clv[i] : -1);
  const spend = mo.cols.spend_total;
  const picks = flags.map(({ segment, rows }) => {
    const idx: number[] = [];
    for (let i = 0; i < rows.length; i++) if (rows[i]) idx.push(i);
    const top = topCandidates(idx, limit, value, (i) => spend[i]);
    top.sort((a, b) => value(b) - value(a) || spend[b] - spend[a] || a - b);
    return { segment, idx: top.slice(0, limit) };
  });
  const wanted = [...new Set(picks.flatMap((x) => x.idx))];
  const ids = new Map<number, string>();
  for (let k = 0; k < wanted.length; k += 5000) {
    const rows = await engine.query<{ i: number; member_id: string }>(
      `SELECT mi AS i, member_id FROM ${relationOf(engine)('lm_member_base')} WHERE mi IN (${wanted.slice(k, k + 5000).join(', ')})`,
    );
    for (const r of rows) ids.set(Number(r.i), r.member_id);
  }
  const c = mo.cols;
  return picks.flatMap(({ segment, idx }) =>
    idx.map((i) => ({
      segment,
      member_id: ids.get(i) ?? '',
      tier: names.tier[c.tier[i]] ?? '',
      region: names.region[c.region[i]] ?? '',
      channel: names.channel[c.channel[i]] ?? '',
      cohort: names.cohort[c.cohort[i]] ?? '',
      p_alive: finite(mo.scores.pAlive[i]),
      clv: finite(mo.scores.clv[i]),
      lifetime_spend: c.spend_total[i],
      points_balance: p.balance[i],
      expiring_points: p.expiring[i],
      days_to_expiry: finite(p.days_to_expiry[i]),
      qualifying_value: p.qualifying[i],
      days_left_in_period: p.days_left[i],
    })),
  );
}
