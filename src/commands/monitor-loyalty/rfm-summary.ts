import { RF_GRID_SEGMENTS, rfmScores, rfmSegment } from '../../analyses/loyalty/index.ts';
import type { MemberColumns, MemberScores } from './member-scores.ts';
import { money6 } from './money6.ts';

/** One named RFM segment. */
export interface RfmSegmentLine {
  segment: string;
  members: number;
  share: number;
  mean_p_alive: number | null;
  /** Null when no member of the segment has a CLV (no usable churn and spend models). */
  clv: number | null;
  spend: number;
}

export interface RfmSummary {
  look_back_days: number;
  /** How ties are scored (stated, deterministic). */
  tie_rule: string;
  segments: RfmSegmentLine[];
  /** Members by recency score (rows 5..1) × frequency score (columns 1..5). */
  grid: number[][];
}

export const TIE_RULE =
  'quintile score = 1 + ⌊5 · B / N⌋ with B the members strictly worse and N all scored members: equal values share one score (the one of their lowest rank), so scores are monotone and a heavy tie can skip a score';

/**
 * Each member's RFM scores (1..5; 0 for a member without a purchase) and segment (its position in
 * `RF_GRID_SEGMENTS`; -1 without a purchase), aligned with the member columns: what `rfmSummary`
 * counts and member_scores.csv lists.
 */
export interface RfmMembers {
  recency: Uint8Array;
  frequency: Uint8Array;
  monetary: Uint8Array;
  segment: Int8Array;
}

/** The RFM scores and segment of every member with a purchase (see `RfmMembers`). */
export function rfmMembers(cols: MemberColumns): RfmMembers {
  const rows: number[] = [];
  for (let i = 0; i < cols.rowCount; i++) if (cols.has_purchase[i]) rows.push(i);
  const pick = (c: Float64Array) => {
    const out = new Float64Array(rows.length);
    for (let k = 0; k < rows.length; k++) out[k] = c[rows[k]];
    return out;
  };
  const s = rfmScores({
    recency: pick(cols.recency_days),
    frequency: pick(cols.rfm_orders),
    monetary: pick(cols.rfm_spend),
  });
  const names = RF_GRID_SEGMENTS.map((r) => r.name);
  const n = cols.rowCount;
  const out = {
    recency: new Uint8Array(n),
    frequency: new Uint8Array(n),
    monetary: new Uint8Array(n),
    segment: new Int8Array(n).fill(-1),
  };
  rows.forEach((i, k) => {
    out.recency[i] = s.recency[k];
    out.frequency[i] = s.frequency[k];
    out.monetary[i] = s.monetary[k];
    out.segment[i] = names.indexOf(rfmSegment(s.recency[k], s.frequency[k], s.monetary[k]));
  });
  return out;
}

/**
 * RFM quintile scores of every member with a purchase (recency in days since the last purchase,
 * frequency and spend over the look-back), named by the recency × frequency grid (Champions …
 * Hibernating; a partition, so no "Others"), with value and churn risk per segment.
 */
export function rfmSummary(
  cols: MemberColumns,
  scores: MemberScores,
  lookBackDays: number,
  s: RfmMembers = rfmMembers(cols),
): RfmSummary {
  let scored = 0;
  const names = RF_GRID_SEGMENTS.map((r) => r.name);
  const acc = names.map(() => ({ members: 0, alive: 0, scored: 0, clv: 0, valued: 0, spend: 0 }));
  const grid = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  for (let i = 0; i < cols.rowCount; i++) {
    if (!cols.has_purchase[i]) continue;
    scored++;
    const a = acc[s.segment[i]];
    a.members++;
    a.spend += cols.rfm_spend[i];
    if (Number.isFinite(scores.pAlive[i])) {
      a.alive += scores.pAlive[i];
      a.scored++;
    }
    if (Number.isFinite(scores.clv[i])) {
      a.clv += scores.clv[i];
      a.valued++;
    }
    grid[5 - s.recency[i]][s.frequency[i] - 1]++;
  }
  return {
    look_back_days: lookBackDays,
    tie_rule: TIE_RULE,
    segments: names.map((segment, k) => ({
      segment,
      members: acc[k].members,
      share: scored ? acc[k].members / scored : 0,
      mean_p_alive: acc[k].scored ? acc[k].alive / acc[k].scored : null,
      clv: acc[k].valued ? acc[k].clv : null,
      spend: money6(acc[k].spend),
    })),
    grid,
  };
}
