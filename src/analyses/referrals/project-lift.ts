import type { FunnelCounts, FunnelRow } from './referral-metrics.ts';
import { ReferralInputError } from './referral-input-error.ts';

/** Funnel steps, each a rate of its output over its base. */
export const FUNNEL_STAGES = ['participation', 'share', 'click', 'signup', 'conversion'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

const STEP: Record<FunnelStage, readonly [base: keyof FunnelCounts, output: keyof FunnelCounts]> = {
  participation: ['eligibleAdvocates', 'participatingAdvocates'],
  share: ['participatingAdvocates', 'shares'],
  click: ['shares', 'clicks'],
  signup: ['clicks', 'signups'],
  conversion: ['signups', 'conversions'],
};

export interface LiftOptions {
  /** Stages to project; default all of FUNNEL_STAGES. */
  readonly stages?: readonly FunnelStage[];
  /** Fraction of the gap to the median closed; default 0.5. */
  readonly fraction?: number;
  /** Segments with a smaller stage base are neither projected nor part of the median; default 30. */
  readonly minBase?: number;
}

export interface LiftProjection {
  readonly dimension: string;
  readonly value: string;
  readonly stage: FunnelStage;
  /** The stage's base count (e.g. clicks for the sign-up stage) and the segment's rate. */
  readonly base: number;
  readonly rate: number;
  /** Median of the rate over the dimension's segments with base ≥ minBase. */
  readonly median: number;
  /** rate + fraction × (median − rate) */
  readonly targetRate: number;
  /** base × (targetRate − rate): extra participants, shares, clicks, sign-ups or conversions. */
  readonly extraStageOutput: number;
  /** extraStageOutput × the segment's own later-stage rates (the dimension's pooled rate where the segment has none). */
  readonly extraConversions: number;
  /** extraConversions × revenue per referred conversion (segment's, else the dimension's pooled); null without revenue. */
  readonly extraRevenue: number | null;
}

/**
 * Backlog sizing: for each segment whose funnel-stage rate is below its dimension's median, the
 * conversions and revenue gained by closing `fraction` of the gap, propagated down the segment's
 * own funnel. Everything comes from the counts; nothing is assumed. Example for the sign-up stage
 * of a channel: extra sign-ups = clicks × ½(median − rate); extra conversions = extra sign-ups ×
 * conversions / sign-ups; extra revenue = extra conversions × referred revenue / conversions.
 * Sorted by extra conversions, largest first. O(s log s) for s segments.
 *
 * @example
 * projectLift(channelRows, { stages: ['signup'] })[0]; // the channel whose sign-up gap is worth most
 */
export function projectLift(rows: readonly FunnelRow[], options: LiftOptions = {}): LiftProjection[] {
  const fraction = options.fraction ?? 0.5;
  const minBase = options.minBase ?? 30;
  const stages = options.stages ?? FUNNEL_STAGES;
  if (!(fraction >= 0 && fraction <= 1))
    throw new ReferralInputError(`fraction must be in [0, 1], got ${fraction}`, { field: 'fraction' });
  const byDimension = new Map<string, FunnelRow[]>();
  for (const r of rows) {
    const list = byDimension.get(r.dimension) ?? [];
    list.push(r);
    byDimension.set(r.dimension, list);
  }
  const out: LiftProjection[] = [];
  for (const [dimension, segments] of byDimension) {
    // Pooled rates of the dimension, the fallback for segments with an empty later stage.
    const pooled = new Map<FunnelStage, number | null>();
    for (const stage of FUNNEL_STAGES) {
      const [b, o] = STEP[stage];
      const base = sum(segments, b);
      pooled.set(stage, base > 0 ? sum(segments, o) / base : null);
    }
    const conversions = sum(segments, 'conversions');
    const pooledRevenuePerConversion =
      conversions > 0 ? sum(segments, 'referredRevenue') / conversions : null;
    const hasRevenue = segments.some((s) => s.referredRevenue != null);

    for (const stage of stages) {
      const [b, o] = STEP[stage];
      const judged = segments.filter((s) => num(s, b) >= minBase);
      if (judged.length < 2) continue;
      const median = medianOf(judged.map((s) => num(s, o) / num(s, b)));
      for (const s of judged) {
        const base = num(s, b);
        const rate = num(s, o) / base;
        if (!(rate < median)) continue;
        const targetRate = rate + fraction * (median - rate);
        const extraStageOutput = base * (targetRate - rate);
        let downstream = 1;
        for (let k = FUNNEL_STAGES.indexOf(stage) + 1; k < FUNNEL_STAGES.length; k++) {
          const [lb, lo] = STEP[FUNNEL_STAGES[k]];
          const own = num(s, lb) > 0 ? num(s, lo) / num(s, lb) : null;
          downstream *= own ?? pooled.get(FUNNEL_STAGES[k]) ?? 0;
        }
        const extraConversions = extraStageOutput * downstream;
        const revenuePerConversion =
          s.conversions > 0 && s.referredRevenue != null
            ? s.referredRevenue / s.conversions
            : pooledRevenuePerConversion;
        out.push({
          dimension,
          value: s.value,
          stage,
          base,
          rate,
          median,
          targetRate,
          extraStageOutput,
          extraConversions,
          extraRevenue:
            hasRevenue && revenuePerConversion !== null ? extraConversions * revenuePerConversion : null,
        });
      }
    }
  }
  return out.sort(
    (a, b) =>
      b.extraConversions - a.extraConversions ||
      a.dimension.localeCompare(b.dimension) ||
      a.value.localeCompare(b.value) ||
      FUNNEL_STAGES.indexOf(a.stage) - FUNNEL_STAGES.indexOf(b.stage),
  );
}

function num(row: FunnelCounts, field: keyof FunnelCounts): number {
  const v = row[field] ?? 0;
  if (!Number.isFinite(v) || v < 0)
    throw new ReferralInputError(`${String(field)} must be a finite count ≥ 0, got ${v}`, {
      field: String(field),
    });
  return v;
}

function sum(rows: readonly FunnelCounts[], field: keyof FunnelCounts): number {
  let s = 0;
  for (const r of rows) s += num(r, field);
  return s;
}

function medianOf(values: number[]): number {
  const s = Float64Array.from(values).sort();
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}
