import type { Engine } from '../../data/index.ts';
import type { LoyaltyDimension } from './inputs.ts';
import type { ModelsOutput } from './models-stage.ts';
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
  const picks = flags.map(({ segment, rows }) => {
    let idx: number[] = [];
    for (let i = 0; i < rows.length; i++) if (rows[i]) idx.push(i);
    if (idx.length > limit && limit > 0) {
      // only members valued at least the limit-th largest value can be listed: sort those alone
      const values = new Float64Array(idx.length);
      for (let k = 0; k < idx.length; k++) values[k] = value(idx[k]);
      values.sort();
      const floor = values[idx.length - limit];
      idx = idx.filter((i) => value(i) >= floor);
    }
    idx.sort((a, b) => value(b) - value(a) || mo.cols.spend_total[b] - mo.cols.spend_total[a] || a - b);
    return { segment, idx: idx.slice(0, limit) };
  });
  const wanted = [...new Set(picks.flatMap((x) => x.idx))];
  const ids = new Map<number, string>();
  for (let k = 0; k < wanted.length; k += 5000) {
    const rows = await engine.query<{ i: number; member_id: string }>(
      `SELECT mi AS i, member_id FROM lm_member_base WHERE mi IN (${wanted.slice(k, k + 5000).join(', ')})`,
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
