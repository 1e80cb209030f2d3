import {
  benjaminiHochberg,
  DEFAULT_ANALYSIS_SETTINGS,
  effectMoments,
  holmBonferroni,
  welchTTest,
  widenedInterval,
  type ArmData,
} from '../experiments/index.ts';
import { requireCount, requireFinite, requireKey, requireOptionRange } from './input-checks.ts';
import { PersonalizationInputError } from './personalization-input-error.ts';

/**
 * One row of the performance aggregate: a variant within one segment of one dimension, e.g.
 * `GROUP BY GROUPING SETS ((profile, variant), (channel, variant), (variant))` with the dimension
 * name and value unpivoted into `dimension` / `segment` (`all` / `all` for the total).
 */
export interface PerformanceRow {
  /** `profile`, `channel`, `cohort`…, or `all` for the total. */
  readonly dimension: string;
  /** The dimension's value, e.g. `returning`, `email`. */
  readonly segment: string;
  readonly variant: string;
  /** Users exposed in the window: the denominator of every rate. */
  readonly users: number | bigint;
  /** Users with at least one engagement event after exposure. */
  readonly engagedUsers: number | bigint;
  /** Users with at least one conversion after exposure. */
  readonly converters: number | bigint;
  /** Σ over exposed users of each user's revenue (users without revenue add 0). */
  readonly revenueSum: number;
  /** Σ over exposed users of (each user's revenue)²: per *user*, not per order. */
  readonly revenueSumSquares: number;
}

export type PerformanceMetric = 'engagement_rate' | 'conversion_rate' | 'revenue_per_user';

export const PERFORMANCE_METRICS: readonly PerformanceMetric[] = [
  'engagement_rate',
  'conversion_rate',
  'revenue_per_user',
];

export type Correction = 'bh' | 'holm' | 'none';

export interface PerformanceOptions {
  /**
   * Variant names that mean "no personalization", most preferred first, matched ignoring case.
   * A segment holding several uses the first in this list. Default `['holdout', 'control']`.
   */
  readonly holdoutVariants?: readonly string[];
  /** Two-sided level of every interval and test. Default 0.05. */
  readonly alpha?: number;
  /**
   * Multiple-testing correction over every (segment × variant × metric) comparison with enough
   * users: a dashboard of many segments finds "significant" lifts by chance otherwise. Default
   * `bh` (false discovery rate), as the table is for finding where to look, not for shipping.
   */
  readonly correction?: Correction;
  /** Users in each arm below which no verdict is given. Default 150, the experiments engine's. */
  readonly minUsersPerArm?: number;
}

export const DEFAULT_PERFORMANCE_OPTIONS: Required<PerformanceOptions> = {
  holdoutVariants: ['holdout', 'control'],
  alpha: DEFAULT_ANALYSIS_SETTINGS.alpha,
  correction: 'bh',
  minUsersPerArm: DEFAULT_ANALYSIS_SETTINGS.minSamplePerArm,
};

export type LiftVerdict = 'better' | 'worse' | 'inconclusive' | 'too few users' | 'no result';

/** One metric of one variant against the segment's holdout. */
export interface MetricComparison {
  readonly metric: PerformanceMetric;
  readonly value: number | null;
  readonly holdoutValue: number | null;
  /** value − holdoutValue (percentage points as a fraction for rates, money for revenue). */
  readonly difference: number | null;
  /** Relative lift (value − holdout) / holdout. */
  readonly lift: number | null;
  /** Interval of the lift: delta method, Welch t (the experiments engine). */
  readonly ci: readonly [number, number] | null;
  readonly pValue: number | null;
  /** After the correction; null when not corrected or not in the family. */
  readonly adjustedPValue: number | null;
  /** The interval widened to match the adjusted p-value; null when not corrected. */
  readonly adjustedCi: readonly [number, number] | null;
  readonly verdict: LiftVerdict;
  /** Why there are no numbers (no variance, zero holdout rate), else null. */
  readonly error: string | null;
}

export interface VariantPerformance {
  readonly dimension: string;
  readonly segment: string;
  readonly variant: string;
  readonly isHoldout: boolean;
  readonly users: number;
  readonly engagedUsers: number;
  readonly converters: number;
  /** engagedUsers / users; null with no users. */
  readonly engagementRate: number | null;
  /** converters / users. */
  readonly conversionRate: number | null;
  /** revenueSum / users. */
  readonly revenuePerUser: number | null;
  /** The holdout compared against; null for the holdout itself or when the segment has none. */
  readonly holdout: string | null;
  /** One per metric in `PERFORMANCE_METRICS` order; empty when `holdout` is null. */
  readonly comparisons: readonly MetricComparison[];
}

export interface PerformanceResult {
  /** Segments in order of first appearance; within one, the holdout first, then input order. */
  readonly rows: readonly VariantPerformance[];
  readonly segmentsWithoutHoldout: readonly { readonly dimension: string; readonly segment: string }[];
  readonly settings: Required<PerformanceOptions> & { readonly family: number };
}

interface Parsed {
  dimension: string;
  segment: string;
  variant: string;
  users: number;
  engaged: number;
  converters: number;
  revenueSum: number;
  revenueSumSquares: number;
}

/**
 * Engagement rate, conversion rate and revenue per user of every variant in every segment, each
 * with its lift over the segment's holdout and an interval from the experiments engine
 * (`effectMoments` relative = delta method; `welchTTest`), then a multiple-testing correction over
 * the whole table. Rates are Bernoulli (variance p(1−p)), revenue a per-user mean (sample
 * variance), the engine's conventions. Verdicts: better / worse when the (adjusted) p-value is
 * below α, inconclusive otherwise; `too few users` below `minUsersPerArm` in either arm.
 *
 * O(rows) plus the correction's sort, O(c log c) over c comparisons.
 *
 * @example
 * const { rows } = performanceBySegment([
 *   { dimension: 'all', segment: 'all', variant: 'holdout', users: 1000, engagedUsers: 300, converters: 50, revenueSum: 2500, revenueSumSquares: 250000 },
 *   { dimension: 'all', segment: 'all', variant: 'personalized', users: 1000, engagedUsers: 360, converters: 70, revenueSum: 3500, revenueSumSquares: 330000 },
 * ]);
 * rows[1].comparisons[1].lift; // 0.4: conversion 7% vs 5%
 */
export function performanceBySegment(
  rows: readonly PerformanceRow[],
  options: PerformanceOptions = {},
): PerformanceResult {
  const settings = resolveOptions(options);
  const holdoutRank = new Map(settings.holdoutVariants.map((name, i) => [name.toLowerCase(), i]));

  const segments = new Map<string, Parsed[]>();
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const p = parseRow(row, i);
    const segmentKey = JSON.stringify([p.dimension, p.segment]);
    const key = JSON.stringify([p.dimension, p.segment, p.variant]);
    if (seen.has(key)) {
      throw new PersonalizationInputError(
        `row ${i}: variant '${p.variant}' appears twice in ${p.dimension} = ${p.segment}`,
        { record: i, field: 'variant', hint: 'group the query by dimension, segment and variant' },
      );
    }
    seen.add(key);
    const list = segments.get(segmentKey);
    if (list) list.push(p);
    else segments.set(segmentKey, [p]);
  });

  const out: VariantPerformanceDraft[] = [];
  const segmentsWithoutHoldout: { dimension: string; segment: string }[] = [];
  for (const variants of segments.values()) {
    let holdout: Parsed | null = null;
    let best = Number.POSITIVE_INFINITY;
    for (const v of variants) {
      const rank = holdoutRank.get(v.variant.toLowerCase());
      if (rank !== undefined && rank < best) {
        best = rank;
        holdout = v;
      }
    }
    if (!holdout) {
      segmentsWithoutHoldout.push({ dimension: variants[0].dimension, segment: variants[0].segment });
      for (const v of variants) out.push(draft(v, false, null, []));
      continue;
    }
    out.push(draft(holdout, true, null, []));
    for (const v of variants) {
      if (v === holdout) continue;
      out.push(draft(v, false, holdout.variant, compare(holdout, v, settings)));
    }
  }

  const family = correct(out, settings);
  return {
    rows: out,
    segmentsWithoutHoldout,
    settings: { ...settings, family },
  };
}

type MutableComparison = { -readonly [K in keyof MetricComparison]: MetricComparison[K] };
type VariantPerformanceDraft = Omit<VariantPerformance, 'comparisons'> & {
  comparisons: MutableComparison[];
};

function resolveOptions(options: PerformanceOptions): Required<PerformanceOptions> {
  const s = { ...DEFAULT_PERFORMANCE_OPTIONS, ...options };
  requireOptionRange(s.alpha, 'alpha', Number.MIN_VALUE, 0.5);
  requireOptionRange(s.minUsersPerArm, 'minUsersPerArm', 0, Number.MAX_SAFE_INTEGER);
  if (!['bh', 'holm', 'none'].includes(s.correction)) {
    throw new PersonalizationInputError(`unknown correction '${String(s.correction)}'`, {
      option: 'correction',
      hint: 'use bh, holm or none',
    });
  }
  if (!Array.isArray(s.holdoutVariants) || s.holdoutVariants.length === 0) {
    throw new PersonalizationInputError('holdoutVariants must name at least one variant', {
      option: 'holdoutVariants',
      hint: "e.g. ['holdout', 'control']",
    });
  }
  return s;
}

function parseRow(row: PerformanceRow, i: number): Parsed {
  const users = requireCount(row.users, i, 'users');
  const engaged = requireCount(row.engagedUsers, i, 'engagedUsers');
  const converters = requireCount(row.converters, i, 'converters');
  const revenueSum = requireFinite(row.revenueSum, i, 'revenueSum');
  const revenueSumSquares = requireFinite(row.revenueSumSquares, i, 'revenueSumSquares');
  for (const [field, value] of [
    ['engagedUsers', engaged],
    ['converters', converters],
  ] as const) {
    if (value > users) {
      throw new PersonalizationInputError(`row ${i}: ${field} (${value}) exceeds users (${users})`, {
        record: i,
        field,
        hint: `count DISTINCT users in ${field}, from the same exposed population as users`,
      });
    }
  }
  // Σx² ≥ (Σx)²/n for any real numbers: below it, the squares were summed per order or not at all.
  const floor = users > 0 ? revenueSum ** 2 / users : 0;
  if (revenueSumSquares < floor * (1 - 1e-9) - 1e-9 || (users === 0 && revenueSum !== 0)) {
    throw new PersonalizationInputError(
      `row ${i}: revenueSumSquares (${revenueSumSquares}) is below revenueSum²/users (${floor}), impossible for per-user revenue`,
      {
        record: i,
        field: 'revenueSumSquares',
        hint: 'sum revenue per user first, then SUM(user_revenue * user_revenue) over users',
      },
    );
  }
  return {
    dimension: requireKey(row.dimension, i, 'dimension'),
    segment: requireKey(row.segment, i, 'segment'),
    variant: requireKey(row.variant, i, 'variant'),
    users,
    engaged,
    converters,
    revenueSum,
    revenueSumSquares,
  };
}

function draft(
  p: Parsed,
  isHoldout: boolean,
  holdout: string | null,
  comparisons: MutableComparison[],
): VariantPerformanceDraft {
  return {
    dimension: p.dimension,
    segment: p.segment,
    variant: p.variant,
    isHoldout,
    users: p.users,
    engagedUsers: p.engaged,
    converters: p.converters,
    engagementRate: metricValue(p, 'engagement_rate'),
    conversionRate: metricValue(p, 'conversion_rate'),
    revenuePerUser: metricValue(p, 'revenue_per_user'),
    holdout,
    comparisons,
  };
}

function arms(p: Parsed): Record<PerformanceMetric, ArmData> {
  return {
    engagement_rate: { kind: 'proportion', n: p.users, sum: p.engaged },
    conversion_rate: { kind: 'proportion', n: p.users, sum: p.converters },
    revenue_per_user: { kind: 'mean', n: p.users, sum: p.revenueSum, sumSquares: p.revenueSumSquares },
  };
}

function compare(
  holdout: Parsed,
  variant: Parsed,
  settings: Required<PerformanceOptions>,
): MutableComparison[] {
  const a = arms(holdout);
  const b = arms(variant);
  const enough = holdout.users >= settings.minUsersPerArm && variant.users >= settings.minUsersPerArm;
  return PERFORMANCE_METRICS.map((metric): MutableComparison => {
    const value = metricValue(variant, metric);
    const holdoutValue = metricValue(holdout, metric);
    const base = {
      metric,
      value,
      holdoutValue,
      difference: value !== null && holdoutValue !== null ? value - holdoutValue : null,
      adjustedPValue: null,
      adjustedCi: null,
    };
    const moments = effectMoments(a[metric], b[metric], 'relative');
    if (!moments.ok) {
      return { ...base, lift: null, ci: null, pValue: null, verdict: 'no result', error: moments.reason };
    }
    // the table reports relative lifts: where the engine can only give an absolute difference (a
    // holdout rate of 0) or a deterministic one, there is no lift to show, and the reason says why
    // (the absolute difference stays in `difference`)
    if (moments.moments.difference !== 'relative' || moments.moments.deterministic) {
      const why = moments.moments.note ?? 'relative lift undefined';
      return { ...base, lift: null, ci: null, pValue: null, verdict: 'no result', error: why };
    }
    const t = welchTTest(moments.moments, { alpha: settings.alpha });
    return {
      ...base,
      lift: t.estimate,
      ci: t.ci,
      pValue: t.pValue,
      verdict: enough ? verdictOf(t.estimate, t.pValue, settings.alpha) : 'too few users',
      error: null,
    };
  });
}

function metricValue(p: Parsed, metric: PerformanceMetric): number | null {
  if (p.users === 0) return null;
  const total =
    metric === 'engagement_rate' ? p.engaged : metric === 'conversion_rate' ? p.converters : p.revenueSum;
  return total / p.users;
}

function verdictOf(lift: number, p: number, alpha: number): LiftVerdict {
  if (p < alpha) return lift > 0 ? 'better' : 'worse';
  return 'inconclusive';
}

/** Applies the correction in place over comparisons that got a verdict; returns the family size. */
function correct(rows: VariantPerformanceDraft[], settings: Required<PerformanceOptions>): number {
  const family: MutableComparison[] = [];
  for (const row of rows) {
    for (const c of row.comparisons) {
      if (c.pValue !== null && c.verdict !== 'too few users') family.push(c);
    }
  }
  if (settings.correction === 'none' || family.length === 0) return family.length;
  const p = family.map((c) => c.pValue ?? 1);
  const adjusted = settings.correction === 'bh' ? benjaminiHochberg(p) : holmBonferroni(p);
  family.forEach((c, i) => {
    c.adjustedPValue = adjusted[i];
    c.adjustedCi =
      c.lift !== null && c.ci !== null ? widenedInterval(c.lift, c.ci, adjusted[i], settings.alpha) : null;
    c.verdict = verdictOf(c.lift ?? 0, adjusted[i], settings.alpha);
  });
  return family.length;
}
