import { bayesianEffect } from './bayesian-effect.ts';
import { betaBinomialEffect, needsBetaPosterior } from './beta-binomial-effect.ts';
import { benjaminiHochberg } from './benjamini-hochberg.ts';
import { effectMoments } from './effect-moments.ts';
import { holmBonferroni } from './holm-bonferroni.ts';
import { minimumDataCheck, type MinimumDataCheck } from './minimum-data-check.ts';
import { multipleExposureCheck, type MultipleExposureCheck } from './multiple-exposure-check.ts';
import { sampleRatioMismatch, type SampleRatioMismatch } from './sample-ratio-mismatch.ts';
import { DEFAULT_SEQUENTIAL_TUNING, sequentialTest } from './sequential-test.ts';
import { summarizeArm } from './summarize-arm.ts';
import type { Alternative, ArmData, DifferenceType, GaussianPrior, Method, ProportionArm } from './types.ts';
import { welchTTest } from './welch-t-test.ts';
import { widenedInterval } from './widened-interval.ts';

export type Correction = 'holm' | 'bh' | 'none';

export interface ExperimentVariant {
  readonly name: string;
  /** Planned traffic weight; any positive scale. */
  readonly weight?: number;
  /** Units exposed to this variant only (for the sample ratio check). */
  readonly units?: number;
}

export interface ExperimentMetric {
  readonly name: string;
  /** One entry per variant, in the order of `ExperimentInput.variants` (control first). */
  readonly arms: readonly ArmData[];
  readonly lowerIsBetter?: boolean;
  readonly guardrail?: boolean;
  /** Largest acceptable harm, in the units of the difference (a lift for relative). Guardrails only. */
  readonly nonInferiorityMargin?: number;
  /**
   * Smallest margin in the metric's own units (an absolute difference), whatever the scale: the
   * margin is the larger of this and the relative one, so a rate whose control is at or near 0 (a
   * fraud rate) still has a margin a treatment can clear. Guardrails only; 0 when not set.
   */
  readonly absoluteMargin?: number;
}

export interface ExperimentInput {
  /** Control first. */
  readonly variants: readonly ExperimentVariant[];
  readonly metrics: readonly ExperimentMetric[];
  /** Units seen in more than one arm (dropped from the per-arm counts). */
  readonly multipleExposures?: number | null;
  readonly daysRunning?: number | null;
}

export interface AnalysisSettings {
  readonly method: Method;
  readonly difference: DifferenceType;
  readonly alpha: number;
  /** One-sided in the metric's good direction (greater, or less for lower-is-better). */
  readonly oneSided: boolean;
  readonly sequentialTuning: number;
  /** Bayesian prior; null for the flat improper prior. */
  readonly prior: GaussianPrior | null;
  /** Multiple-testing correction over non-guardrail metrics × variants (frequentist/sequential). */
  readonly correction: Correction;
  readonly srmThreshold: number;
  readonly maxMultipleExposureRate: number;
  readonly minMultipleExposures: number;
  readonly minSamplePerArm: number;
  readonly minDays: number;
}

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = {
  method: 'frequentist',
  difference: 'relative',
  alpha: 0.05,
  oneSided: false,
  sequentialTuning: DEFAULT_SEQUENTIAL_TUNING,
  prior: null,
  correction: 'holm',
  srmThreshold: 0.001,
  maxMultipleExposureRate: 0.01,
  minMultipleExposures: 10,
  minSamplePerArm: 150,
  minDays: 7,
};

/** One variant compared with control on one metric. Fields a method does not produce are null. */
export interface VariantComparison {
  readonly name: string;
  readonly n: number;
  /** Unadjusted mean (ratio of sums for ratio metrics). */
  readonly mean: number;
  readonly estimate: number | null;
  readonly se: number | null;
  readonly ci: readonly [number, number] | null;
  readonly pValue: number | null;
  readonly adjustedPValue: number | null;
  /** The interval widened for the multiple-testing correction (null when not corrected). */
  readonly adjustedCi: readonly [number, number] | null;
  readonly chanceToWin: number | null;
  /** [risk of choosing control, risk of choosing the variant]. */
  readonly risk: readonly [number, number] | null;
  /** CUPED coefficient used, null when none. */
  readonly theta: number | null;
  /**
   * The scale of estimate, se, ci and risk: the one asked for, or 'absolute' when a relative lift
   * is undefined (zero control mean) or not testable (see `note`).
   */
  readonly difference: DifferenceType;
  /**
   * Both arms without variance and different means: the difference is exact (se 0, ci [d, d]),
   * no p-value; `decide` takes it as conclusive once the data minimums are met.
   */
  readonly deterministic: boolean;
  /** Why the numbers are not the usual ones (scale fallback, deterministic difference), else null. */
  readonly note: string | null;
  /** Why there are no numbers (too few units, no variance in either arm and equal means), else null. */
  readonly error: string | null;
}

export interface MetricAnalysis {
  readonly name: string;
  readonly guardrail: boolean;
  readonly lowerIsBetter: boolean;
  readonly nonInferiorityMargin: number;
  readonly absoluteMargin: number;
  readonly control: { readonly name: string; readonly n: number; readonly mean: number };
  readonly variants: readonly VariantComparison[];
}

export interface ExperimentHealth {
  readonly srm: SampleRatioMismatch | null;
  readonly multipleExposure: MultipleExposureCheck | null;
  readonly minimumData: MinimumDataCheck;
}

/**
 * What the multiple-testing correction did. Its family is the goal comparisons (metric × variant)
 * that were tested, i.e. have a p-value. A deterministic difference (both arms without variance,
 * different means) is not a test: it has no sampling distribution and no p-value, and Holm (1979)
 * and Benjamini–Hochberg (1995) adjust over the hypotheses tested, so it is left out and listed
 * here (and in its note). Counting it with p = 0 instead would change nothing for Holm (it would be
 * rejected first and the rest stepped down over the others) but would lower every BH-adjusted
 * p-value of the real tests (rank k of m becomes k + 1 of m + 1) on the strength of a p-value that
 * no test produced. Comparisons without numbers (`error`) are listed too.
 */
export interface CorrectionFamily {
  readonly method: 'holm' | 'bh';
  /** Goal comparisons corrected together. */
  readonly tested: number;
  /** Goal comparisons outside the family, each with why. */
  readonly leftOut: readonly { readonly metric: string; readonly variant: string; readonly reason: string }[];
}

export interface ExperimentAnalysis {
  readonly settings: AnalysisSettings;
  readonly variantNames: readonly string[];
  readonly health: ExperimentHealth;
  readonly metrics: readonly MetricAnalysis[];
  /** The multiple-testing correction's family; null when there is none (Bayesian, or 'none'). */
  readonly correction: CorrectionFamily | null;
}

/**
 * Analyses a whole experiment: every variant against control on every metric with the chosen
 * method, then the multiple-testing correction over non-guardrail metrics × variants (with
 * correspondingly widened intervals), then the health checks (sample ratio mismatch, multiple
 * exposures, minimum sample and duration). Pure: the caller reads files or queries engines.
 *
 * @example
 * const analysis = analyzeExperiment(
 *   {
 *     variants: [{ name: 'A', weight: 1, units: 5000 }, { name: 'B', weight: 1, units: 5040 }],
 *     metrics: [{ name: 'signup', arms: [{ kind: 'proportion', n: 5000, sum: 500 }, { kind: 'proportion', n: 5040, sum: 570 }] }],
 *     daysRunning: 14,
 *   },
 *   { method: 'frequentist' },
 * );
 * const decision = decide(analysis);
 */
export function analyzeExperiment(
  input: ExperimentInput,
  options: Partial<AnalysisSettings> = {},
): ExperimentAnalysis {
  const settings: AnalysisSettings = { ...DEFAULT_ANALYSIS_SETTINGS, ...options };
  const variantNames = input.variants.map((v) => v.name);
  for (const metric of input.metrics) {
    // A caller bug, not a data condition: the arms must line up with the variants.
    if (metric.arms.length !== variantNames.length) {
      throw new RangeError(
        `metric '${metric.name}' has ${metric.arms.length} arms for ${variantNames.length} variants`,
      );
    }
  }

  const metrics = input.metrics.map((metric) => analyzeMetric(metric, variantNames, settings));
  const corrected =
    settings.method === 'bayesian' ? { metrics, correction: null } : applyCorrection(metrics, settings);
  return { settings, variantNames, health: checkHealth(input, settings), ...corrected };
}

function analyzeMetric(
  metric: ExperimentMetric,
  variantNames: readonly string[],
  settings: AnalysisSettings,
): MetricAnalysis {
  const lowerIsBetter = metric.lowerIsBetter ?? false;
  const control = metric.arms[0];
  const controlSummary = summarizeArm(control.kind === 'cuped' ? control.post : control);
  const alternative: Alternative = !settings.oneSided ? 'two-sided' : lowerIsBetter ? 'less' : 'greater';

  const variants = metric.arms.slice(1).map((arm, i): VariantComparison => {
    const name = variantNames[i + 1];
    const summary = summarizeArm(arm.kind === 'cuped' ? arm.post : arm);
    const base = { name, n: summary.n, mean: summary.unadjustedMean, adjustedPValue: null, adjustedCi: null };
    if (
      settings.method === 'bayesian' &&
      control.kind === 'proportion' &&
      arm.kind === 'proportion' &&
      control.n > 1 &&
      arm.n > 1 &&
      needsBetaPosterior(control, arm) &&
      !sameBoundary(control, arm)
    ) {
      return { ...base, ...betaComparison(control, arm, settings, lowerIsBetter) };
    }
    const result = effectMoments(control, arm, settings.difference);
    if (!result.ok) {
      return {
        ...base,
        difference: settings.difference,
        deterministic: false,
        note: null,
        estimate: null,
        se: null,
        ci: null,
        pValue: null,
        chanceToWin: null,
        risk: null,
        theta: null,
        error: result.reason,
      };
    }
    const { moments } = result;
    const scale = { difference: moments.difference, note: moments.note ?? null };
    if (moments.deterministic) {
      // se = 0: no test, no posterior spread. The interval is the point; a Bayesian reader gets
      // certainty in the direction of the difference and no risk on the better side.
      const d = moments.estimate;
      const gain = lowerIsBetter ? -d : d;
      const bayesian = settings.method === 'bayesian';
      return {
        ...base,
        ...scale,
        deterministic: true,
        estimate: d,
        se: 0,
        ci: [d, d],
        pValue: null,
        chanceToWin: bayesian ? (gain > 0 ? 1 : 0) : null,
        risk: bayesian ? [Math.max(0, gain), Math.max(0, -gain)] : null,
        theta: moments.theta,
        error: null,
      };
    }
    if (settings.method === 'bayesian') {
      const b = bayesianEffect(moments, {
        alpha: settings.alpha,
        prior: settings.prior,
        lowerIsBetter,
        oneSided: settings.oneSided,
      });
      return {
        ...base,
        estimate: b.estimate,
        se: b.se,
        ci: b.ci,
        pValue: null,
        chanceToWin: b.chanceToWin,
        risk: b.risk,
        theta: moments.theta,
        ...scale,
        deterministic: false,
        error: null,
      };
    }
    const t =
      settings.method === 'sequential'
        ? sequentialTest(moments, { alpha: settings.alpha, tuning: settings.sequentialTuning, alternative })
        : welchTTest(moments, { alpha: settings.alpha, alternative });
    return {
      ...base,
      estimate: t.estimate,
      se: t.se,
      ci: t.ci,
      pValue: t.pValue,
      chanceToWin: null,
      risk: null,
      theta: moments.theta,
      ...scale,
      deterministic: false,
      error: null,
    };
  });

  return {
    name: metric.name,
    guardrail: metric.guardrail ?? false,
    lowerIsBetter,
    nonInferiorityMargin: metric.nonInferiorityMargin ?? 0,
    absoluteMargin: metric.absoluteMargin ?? 0,
    control: { name: variantNames[0], n: controlSummary.n, mean: controlSummary.unadjustedMean },
    variants,
  };
}

/**
 * Both arms at 0 % (or both at 100 %): no unit tells the arms apart, so there is no evidence either
 * way and the comparison is "no result" (as `effectMoments` says), whatever the method. Under
 * Beta(1, 1) priors the chance to win would only reflect the arms' sizes (a variant's 0 of 10
 * against the control's 0 of 10,000 conversions read more than 99.99 %: "better").
 */
function sameBoundary(control: ProportionArm, arm: ProportionArm): boolean {
  return (control.sum === 0 && arm.sum === 0) || (control.sum === control.n && arm.sum === arm.n);
}

/**
 * Bayesian comparison of conversion rates when an arm is at 0 % or 100 %: independent Beta
 * posteriors (the normal approximation has no variance for that arm). A relative lift needs at
 * least 2 control conversions (else its posterior has no finite variance): below that, the
 * absolute difference with a note. A configured Gaussian effect prior is not used here.
 */
function betaComparison(
  control: ProportionArm,
  arm: ProportionArm,
  settings: AnalysisSettings,
  lowerIsBetter: boolean,
): Omit<VariantComparison, 'name' | 'n' | 'mean' | 'adjustedPValue' | 'adjustedCi'> {
  const notes: string[] = [];
  let difference = settings.difference;
  if (difference === 'relative' && control.sum < 2) {
    difference = 'absolute';
    notes.push(
      control.sum === 0
        ? 'relative lift undefined: control rate is 0 %; the absolute difference is reported instead'
        : 'relative lift: with 1 control conversion its posterior has no finite variance; the absolute difference is reported instead',
    );
  }
  notes.push(
    `an arm converts at 0 % or 100 %: Beta(1, 1) priors per arm and exact Beta posteriors instead of the normal approximation${settings.prior ? ' (the effect prior is not used)' : ''}`,
  );
  const b = betaBinomialEffect(control, arm, {
    alpha: settings.alpha,
    difference,
    lowerIsBetter,
    oneSided: settings.oneSided,
  });
  return {
    estimate: b.estimate,
    se: b.se,
    ci: b.ci,
    pValue: null,
    chanceToWin: b.chanceToWin,
    risk: b.risk,
    theta: null,
    difference,
    deterministic: false,
    note: notes.join('; '),
    error: null,
  };
}

/**
 * Corrects over non-guardrail metrics × variants: guardrails answer a different question (harm).
 * The family is the tested comparisons (those with a p-value); see `CorrectionFamily` for what is
 * left out and why. A deterministic goal comparison's note says it was left out.
 */
function applyCorrection(
  metrics: MetricAnalysis[],
  settings: AnalysisSettings,
): { metrics: MetricAnalysis[]; correction: CorrectionFamily | null } {
  if (settings.correction === 'none') return { metrics, correction: null };
  const family: { m: number; v: number; p: number }[] = [];
  const leftOut: { metric: string; variant: string; reason: string }[] = [];
  metrics.forEach((metric, m) => {
    if (metric.guardrail) return;
    metric.variants.forEach((variant, v) => {
      if (variant.pValue !== null) family.push({ m, v, p: variant.pValue });
      else if (variant.deterministic)
        leftOut.push({
          metric: metric.name,
          variant: variant.name,
          reason: 'deterministic difference: not a hypothesis test (no variance in either arm, no p-value)',
        });
      else
        leftOut.push({ metric: metric.name, variant: variant.name, reason: `no result: ${variant.error}` });
    });
  });
  const adjust = settings.correction === 'holm' ? holmBonferroni : benjaminiHochberg;
  const adjusted = adjust(family.map((f) => f.p));
  const byKey = new Map(family.map((f, i) => [`${f.m}:${f.v}`, adjusted[i]]));
  const name = settings.correction === 'holm' ? 'Holm' : 'Benjamini–Hochberg';
  const tested =
    family.length === 0
      ? 'no comparison is tested, so nothing is corrected'
      : family.length === 1
        ? 'the 1 tested comparison is corrected alone'
        : `the ${family.length} tested comparisons are corrected among themselves`;
  const leftOutNote = `left out of the ${name} correction: a deterministic difference is not a hypothesis test, and the correction adjusts over the hypotheses tested; ${tested}`;
  const corrected = metrics.map((metric, m) => {
    const alternative: Alternative = !settings.oneSided
      ? 'two-sided'
      : metric.lowerIsBetter
        ? 'less'
        : 'greater';
    return {
      ...metric,
      variants: metric.variants.map((variant, v) => {
        if (variant.deterministic && !metric.guardrail) {
          return { ...variant, note: variant.note ? `${variant.note}; ${leftOutNote}` : leftOutNote };
        }
        const adjustedPValue = byKey.get(`${m}:${v}`);
        if (adjustedPValue === undefined || variant.estimate === null || variant.ci === null) return variant;
        const adjustedCi = widenedInterval(
          variant.estimate,
          variant.ci,
          adjustedPValue,
          settings.alpha,
          alternative,
        );
        return { ...variant, adjustedPValue, adjustedCi };
      }),
    };
  });
  return { metrics: corrected, correction: { method: settings.correction, tested: family.length, leftOut } };
}

function checkHealth(input: ExperimentInput, settings: AnalysisSettings): ExperimentHealth {
  const units = input.variants.map((v) => v.units);
  const haveUnits = units.every((u): u is number => typeof u === 'number');
  const weights = input.variants.map((v) => v.weight ?? 1);
  const srm =
    haveUnits && units.length > 1 ? sampleRatioMismatch(units, weights, settings.srmThreshold) : null;

  // The units analysed, each in exactly one arm: the exposed units when known, else per arm the
  // most units any metric saw. The multiple-exposure check needs only this denominator, so it
  // runs without exposed counts too (a count of 300 against 1,000 + 1,000 units is an alert
  // whether or not `units` were given; it was skipped without them).
  const analysed = haveUnits
    ? units.reduce((s, u) => s + u, 0)
    : input.variants.reduce(
        (s, _, i) => s + Math.max(0, ...input.metrics.map((m) => armUnits(m.arms[i]))),
        0,
      );
  const multipleExposure =
    input.multipleExposures === undefined || input.multipleExposures === null
      ? null
      : multipleExposureCheck(input.multipleExposures, analysed, {
          maxRate: settings.maxMultipleExposureRate,
          minCount: settings.minMultipleExposures,
        });

  // Smallest arm: exposed units when known, else the smallest n any metric saw.
  const smallestArm = haveUnits
    ? Math.min(...units)
    : Math.min(...input.metrics.flatMap((m) => m.arms.map(armUnits)), Number.POSITIVE_INFINITY);
  const minimumData = minimumDataCheck(
    Number.isFinite(smallestArm) ? smallestArm : 0,
    input.daysRunning ?? null,
    {
      minSamplePerArm: settings.minSamplePerArm,
      minDays: settings.minDays,
    },
  );
  return { srm, multipleExposure, minimumData };
}

/** Units of an arm (a CUPED arm's are its outcome's). */
function armUnits(arm: ArmData): number {
  return arm.kind === 'cuped' ? arm.post.n : arm.n;
}
