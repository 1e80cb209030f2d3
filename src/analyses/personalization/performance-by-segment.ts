import {
  benjaminiHochberg,
  DEFAULT_ANALYSIS_SETTINGS,
  effectMoments,
  holmBonferroni,
  welchTTest,
  widenedInterval,
  type ArmData,
} from '../experiments/index.ts';
import { defaultControl } from '../experiments/default-control.ts';
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
  /**
   * Holdout names of particular dimensions, in place of `holdoutVariants` there, e.g. rows that
   * are arms rather than variants (`all` / `profile` rows labelled `holdout`, `personalized`,
   * `default` whatever the variants are called) next to `rule` rows of the variants' own names.
   * Default `{}` (every dimension uses `holdoutVariants`).
   */
  readonly holdoutByDimension?: Readonly<Record<string, readonly string[]>>;
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
  /**
   * Metrics without outcome data to measure them by (no outcome rows at all, or none of the
   * metric's kind), each with why: their values, counts and comparisons are null and `no result`
   * with the reason, not 0 (a user not seen converting is no evidence when no conversion could have
   * been seen). Default `{}`.
   */
  readonly unmeasured?: Readonly<Partial<Record<PerformanceMetric, string>>>;
}

export const DEFAULT_PERFORMANCE_OPTIONS: Required<PerformanceOptions> = {
  holdoutVariants: ['holdout', 'control'],
  holdoutByDimension: {},
  alpha: DEFAULT_ANALYSIS_SETTINGS.alpha,
  correction: 'bh',
  minUsersPerArm: DEFAULT_ANALYSIS_SETTINGS.minSamplePerArm,
  unmeasured: {},
};

export type LiftVerdict = 'better' | 'worse' | 'inconclusive' | 'too few users' | 'no result';

/** One metric of one variant against the segment's holdout. */
export interface MetricComparison {
  readonly metric: PerformanceMetric;
  readonly value: number | null;
  readonly holdoutValue: number | null;
  /** value − holdoutValue (percentage points as a fraction for rates, money for revenue). */
  readonly difference: number | null;
  /** Relative lift (value − holdout) / holdout; null when undefined (a holdout at 0). */
  readonly lift: number | null;
  /**
   * What `ci`, `pValue` and the verdict are on: the relative lift, or the absolute difference
   * where the relative lift is undefined (the holdout's rate or mean is 0: the experiments
   * engine's fallback, `note` says so); null when there are no numbers.
   */
  readonly scale: 'relative' | 'absolute' | null;
  /** Interval on `scale`: the lift's (delta method) or the difference's, Welch t (the experiments engine). */
  readonly ci: readonly [number, number] | null;
  readonly pValue: number | null;
  /** After the correction; null when not corrected or not in the family. */
  readonly adjustedPValue: number | null;
  /** The interval widened to match the adjusted p-value; null when not corrected. */
  readonly adjustedCi: readonly [number, number] | null;
  readonly verdict: LiftVerdict;
  /** Why there are no numbers (no variance in either arm), else null. */
  readonly error: string | null;
  /** The engine's note on the scale (relative lift undefined, absolute difference reported), else null. */
  readonly note: string | null;
}

export interface VariantPerformance {
  readonly dimension: string;
  readonly segment: string;
  readonly variant: string;
  readonly isHoldout: boolean;
  readonly users: number;
  /** null when engagement is unmeasured (`unmeasured`: no outcome data of its kind). */
  readonly engagedUsers: number | null;
  /** null when conversion is unmeasured. */
  readonly converters: number | null;
  /** engagedUsers / users; null with no users or when unmeasured. */
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
  /** The metrics left unmeasured (`PerformanceOptions.unmeasured`) and why, in `PERFORMANCE_METRICS` order. */
  readonly unmeasured: readonly { readonly metric: PerformanceMetric; readonly reason: string }[];
  readonly settings: Omit<Required<PerformanceOptions>, 'unmeasured'> & { readonly family: number };
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
    // the shared rule: the first of the holdout names a variant has, in the list's order (any
    // case, trimmed; the first row when two match one name); no name, no holdout here
    const dimension = variants[0].dimension;
    // own keys only: a dimension called `constructor` is not the object's
    const names = Object.hasOwn(settings.holdoutByDimension, dimension)
      ? settings.holdoutByDimension[dimension]
      : settings.holdoutVariants;
    const choice = defaultControl(
      variants.map((v) => v.variant),
      names,
    );
    const holdout = choice.chosen_by === 'name' ? variants.find((v) => v.variant === choice.variant)! : null;
    if (!holdout) {
      segmentsWithoutHoldout.push({ dimension: variants[0].dimension, segment: variants[0].segment });
      for (const v of variants) out.push(draft(v, false, null, [], settings));
      continue;
    }
    out.push(draft(holdout, true, null, [], settings));
    for (const v of variants) {
      if (v === holdout) continue;
      out.push(draft(v, false, holdout.variant, compare(holdout, v, settings), settings));
    }
  }

  const family = correct(out, settings);
  return {
    rows: out,
    segmentsWithoutHoldout,
    unmeasured: PERFORMANCE_METRICS.flatMap((metric) => {
      const reason = settings.unmeasured[metric];
      return reason === undefined ? [] : [{ metric, reason }];
    }),
    settings: { ...withoutUnmeasured(settings), family },
  };
}

/** The settings as reported: the unmeasured metrics are in `unmeasured`, with their reasons. */
function withoutUnmeasured(
  settings: Required<PerformanceOptions>,
): Omit<Required<PerformanceOptions>, 'unmeasured'> {
  const { unmeasured: _unmeasured, ...rest } = settings;
  return rest;
}

type MutableComparison = { -readonly [K in keyof MetricComparison]: MetricComparison[K] };
type VariantPerformanceDraft = Omit<VariantPerformance, 'comparisons'> & {
  comparisons: MutableComparison[];
};

function resolveOptions(options: PerformanceOptions): Required<PerformanceOptions> {
  const s = {
    ...DEFAULT_PERFORMANCE_OPTIONS,
    ...options,
    holdoutByDimension: options.holdoutByDimension ?? DEFAULT_PERFORMANCE_OPTIONS.holdoutByDimension,
    unmeasured: options.unmeasured ?? DEFAULT_PERFORMANCE_OPTIONS.unmeasured,
  };
  for (const metric of Object.keys(s.unmeasured)) {
    if (!PERFORMANCE_METRICS.includes(metric as PerformanceMetric)) {
      throw new PersonalizationInputError(`unmeasured names an unknown metric '${metric}'`, {
        option: 'unmeasured',
        hint: `use ${PERFORMANCE_METRICS.join(', ')}`,
      });
    }
  }
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
  for (const [d, names] of Object.entries(s.holdoutByDimension)) {
    if (!Array.isArray(names) || names.length === 0) {
      throw new PersonalizationInputError(`holdoutByDimension.${d} must name at least one variant`, {
        option: 'holdoutByDimension',
        hint: "e.g. { all: ['holdout'] }",
      });
    }
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
  settings: Required<PerformanceOptions>,
): VariantPerformanceDraft {
  const measured = (metric: PerformanceMetric) => settings.unmeasured[metric] === undefined;
  const value = (metric: PerformanceMetric) => (measured(metric) ? metricValue(p, metric) : null);
  return {
    dimension: p.dimension,
    segment: p.segment,
    variant: p.variant,
    isHoldout,
    users: p.users,
    engagedUsers: measured('engagement_rate') ? p.engaged : null,
    converters: measured('conversion_rate') ? p.converters : null,
    engagementRate: value('engagement_rate'),
    conversionRate: value('conversion_rate'),
    revenuePerUser: value('revenue_per_user'),
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
    const none = { lift: null, scale: null, ci: null, pValue: null, verdict: 'no result' as const };
    const unmeasured = settings.unmeasured[metric];
    if (unmeasured !== undefined) {
      const nulls = {
        value: null,
        holdoutValue: null,
        difference: null,
        adjustedPValue: null,
        adjustedCi: null,
      };
      return { metric, ...nulls, ...none, error: unmeasured, note: null };
    }
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
    if (!moments.ok) return { ...base, ...none, error: moments.reason, note: null };
    // a deterministic difference (both arms constant) is no test: no p-value, no verdict, the
    // difference stays in `difference` and the note says why
    const m = moments.moments;
    if (m.deterministic) {
      return { ...base, ...none, error: m.note ?? 'no variance in either arm', note: null };
    }
    // where the relative lift is undefined (a holdout at 0) the engine tests the absolute
    // difference: no lift, the interval and verdict on that scale, with its note
    const t = welchTTest(m, { alpha: settings.alpha });
    const relative = m.difference === 'relative';
    return {
      ...base,
      lift: relative ? t.estimate : null,
      scale: relative ? 'relative' : 'absolute',
      ci: t.ci,
      pValue: t.pValue,
      verdict: enough ? verdictOf(t.estimate, t.pValue, settings.alpha) : 'too few users',
      error: null,
      note: m.note ?? null,
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
    // the estimate on the comparison's scale: the lift, or the absolute difference
    const estimate = c.scale === 'absolute' ? c.difference : c.lift;
    c.adjustedCi =
      estimate !== null && c.ci !== null
        ? widenedInterval(estimate, c.ci, adjusted[i], settings.alpha)
        : null;
    c.verdict = verdictOf(estimate ?? 0, adjusted[i], settings.alpha);
  });
  return family.length;
}
