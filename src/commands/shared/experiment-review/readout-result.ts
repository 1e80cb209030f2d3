import type { Action, Decision, ExperimentAnalysis, Verdict } from '../../../analyses/experiments/index.ts';
import type { ReadoutMetricInput } from './readout-input.ts';

/**
 * One variant compared with control on one metric. Fields the method does not produce are null:
 * `p_value`, `adjusted_p_value`, `adjusted_ci` for Bayesian; `chance_to_win`, `risk` for
 * frequentist and sequential. All fields are null except `name`, `n`, `mean`, `decision` and
 * `error` when the comparison has no numbers (`error` says why). An open end of a one-sided
 * interval is null.
 */
export interface ReadoutVariant {
  name: string;
  n: number;
  /** Unadjusted mean of the variant (rate for proportions, ratio of sums for ratios). */
  mean: number;
  /** Relative lift or absolute difference vs control (posterior mean for Bayesian). */
  effect: number | null;
  se: number | null;
  ci: [number | null, number | null] | null;
  p_value: number | null;
  adjusted_p_value: number | null;
  /** Interval widened for the multiple-testing correction (GrowthBook's method). */
  adjusted_ci: [number | null, number | null] | null;
  chance_to_win: number | null;
  /** [expected loss of choosing control, expected loss of choosing this variant]. */
  risk: [number, number] | null;
  /** CUPED coefficient θ when the metric was adjusted. */
  theta: number | null;
  /** Goal metrics: better | worse | inconclusive; guardrails: non-inferior | violated | inconclusive; or 'no result'. */
  decision: Verdict;
  /**
   * The scale of effect, se, ci and risk: the readout's `difference`, or 'absolute' when the
   * relative lift is undefined (control mean 0) or not testable; `note` says why.
   */
  difference: 'relative' | 'absolute';
  /** Why the numbers are not the usual ones (scale fallback; a deterministic difference), else null. */
  note: string | null;
  error: string | null;
}

export interface ReadoutMetric {
  name: string;
  type: 'proportion' | 'mean' | 'ratio';
  cuped: boolean;
  guardrail: boolean;
  lower_is_better: boolean;
  non_inferiority_margin: number;
  /** A floor under the margin in the metric's own units, when the metric has one. */
  absolute_margin?: number;
  /** The control arm; it is not repeated in `variants`. */
  control: { name: string; n: number; mean: number };
  variants: ReadoutVariant[];
}

/** The JSON the readout prints: the machine contract of `gtm experiment-readout`. */
export interface ReadoutResult {
  method: 'frequentist' | 'bayesian' | 'sequential';
  difference: 'relative' | 'absolute';
  alpha: number;
  one_sided: boolean;
  /** Multiple-testing correction over goal metrics × variants; 'none' for Bayesian. */
  correction: 'holm' | 'bh' | 'none';
  /**
   * The correction's family: how many goal comparisons were tested and corrected together, and
   * those left out with why (a deterministic difference is not a test; a comparison without
   * numbers). Null when there is no correction.
   */
  correction_family: {
    tested: number;
    left_out: { metric: string; variant: string; reason: string }[];
  } | null;
  sequential_tuning: number | null;
  /** Null when the variants carry no `users`. */
  srm_p_value: number | null;
  health: {
    srm: {
      p_value: number;
      chi_square: number;
      df: number;
      expected: number[];
      threshold: number;
      alert: boolean;
    } | null;
    multiple_exposure: { count: number; rate: number; max_rate: number; alert: boolean } | null;
    smallest_arm: number;
    min_sample_size: number;
    enough_sample: boolean;
    days_running: number | null;
    min_days: number;
    enough_duration: boolean | null;
  };
  metrics: ReadoutMetric[];
  recommendation: {
    action: Action;
    /** The variant to ship, else null. */
    variant: string | null;
    reasons: string[];
    variants: { name: string; action: Action; reasons: string[] }[];
  };
}

/** Maps the analysis and the decision to the snake_case, JSON-safe result. */
export function toReadoutResult(
  analysis: ExperimentAnalysis,
  decision: Decision,
  inputs: readonly ReadoutMetricInput[],
): ReadoutResult {
  const { settings, health } = analysis;
  const corrected = settings.method !== 'bayesian';
  return {
    method: settings.method,
    difference: settings.difference,
    alpha: settings.alpha,
    one_sided: settings.oneSided,
    correction: corrected ? settings.correction : 'none',
    correction_family: analysis.correction
      ? {
          tested: analysis.correction.tested,
          left_out: analysis.correction.leftOut.map((x) => ({ ...x })),
        }
      : null,
    sequential_tuning: settings.method === 'sequential' ? settings.sequentialTuning : null,
    srm_p_value: health.srm?.pValue ?? null,
    health: healthResult(analysis),
    metrics: analysis.metrics.map((metric, m) => metricResult(metric, inputs[m], decision)),
    recommendation: {
      action: decision.action,
      variant: decision.variant,
      reasons: [...decision.reasons],
      variants: decision.variants.map((v) => ({ name: v.name, action: v.action, reasons: [...v.reasons] })),
    },
  };
}

/** The result's `health`: sample ratio mismatch, multiple exposure, minimum sample and duration. */
function healthResult({ settings, health }: ExperimentAnalysis): ReadoutResult['health'] {
  return {
    srm: health.srm
      ? {
          p_value: health.srm.pValue,
          chi_square: health.srm.chiSquare,
          df: health.srm.df,
          expected: [...health.srm.expected],
          threshold: settings.srmThreshold,
          alert: health.srm.alert,
        }
      : null,
    multiple_exposure: health.multipleExposure
      ? {
          count: health.multipleExposure.count,
          rate: health.multipleExposure.rate,
          max_rate: settings.maxMultipleExposureRate,
          alert: health.multipleExposure.alert,
        }
      : null,
    smallest_arm: health.minimumData.smallestArm,
    min_sample_size: health.minimumData.minSamplePerArm,
    enough_sample: health.minimumData.enoughSample,
    days_running: health.minimumData.daysRunning,
    min_days: health.minimumData.minDays,
    enough_duration: health.minimumData.enoughDuration,
  };
}

/** One metric of the result: its settings, the control arm and each variant with its verdict. */
function metricResult(
  metric: ExperimentAnalysis['metrics'][number],
  input: ReadoutMetricInput,
  decision: Decision,
): ReadoutMetric {
  return {
    name: metric.name,
    type: input.type,
    cuped: input.cuped,
    guardrail: metric.guardrail,
    lower_is_better: metric.lowerIsBetter,
    non_inferiority_margin: metric.nonInferiorityMargin,
    ...(metric.absoluteMargin ? { absolute_margin: metric.absoluteMargin } : {}),
    control: { ...metric.control },
    variants: metric.variants.map((v) => ({
      name: v.name,
      n: v.n,
      mean: v.mean,
      effect: v.estimate,
      se: v.se,
      ci: interval(v.ci),
      p_value: v.pValue,
      adjusted_p_value: v.adjustedPValue,
      adjusted_ci: interval(v.adjustedCi),
      chance_to_win: v.chanceToWin,
      risk: v.risk ? [v.risk[0], v.risk[1]] : null,
      theta: v.theta,
      decision:
        decision.verdicts.find((x) => x.metric === metric.name && x.variant === v.name)?.verdict ??
        'no result',
      difference: v.difference,
      note: v.note,
      error: v.error,
    })),
  };
}

/** JSON has no Infinity: an open interval end becomes null. */
function interval(ci: readonly [number, number] | null): [number | null, number | null] | null {
  if (!ci) return null;
  return [Number.isFinite(ci[0]) ? ci[0] : null, Number.isFinite(ci[1]) ? ci[1] : null];
}
