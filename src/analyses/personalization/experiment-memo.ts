import {
  analyzeExperiment,
  decide,
  DEFAULT_ANALYSIS_SETTINGS,
  type AnalysisSettings,
  type Decision,
  type DecisionPolicy,
  type DifferenceType,
  type ExperimentAnalysis,
  type ExperimentHealth,
  type Method,
  type Verdict,
} from '../experiments/index.ts';
import {
  buildExperimentInput,
  type ExperimentDefinition,
  type ExperimentExposureRow,
  type ExperimentMetricRow,
  type ExperimentMultipleExposureRow,
} from './build-experiment-input.ts';
import { requireNow, requireOptionRange } from './input-checks.ts';
import { PersonalizationInputError } from './personalization-input-error.ts';
import {
  DEFAULT_GUIDANCE_OPTIONS,
  requiredSamplePerArm,
  rolloutGuidance,
  type RolloutGuidance,
} from './rollout-guidance.ts';
import type { Timestamp } from './types.ts';

export interface ExperimentMemoOptions {
  /** Engine settings (α, correction, thresholds…). The definition's method wins over `analysis.method`. */
  readonly analysis?: Partial<AnalysisSettings>;
  /** Decision policy; by default the horizon is the planned end and the required sample. */
  readonly policy?: Partial<DecisionPolicy>;
  /** Control names when the definition names none. Default `['holdout', 'control']`. */
  readonly holdoutVariants?: readonly string[];
  /** Relative lift to power for when the definition has none. Default 0.05. */
  readonly minimumDetectableEffect?: number;
  /** Default 0.8. */
  readonly targetPower?: number;
  /** Default [0.05, 0.25, 0.5, 1]. */
  readonly rampSteps?: readonly number[];
}

/** One variant on one metric, as the memo shows it. */
export interface MemoMetricLine {
  readonly metric: string;
  readonly variant: string;
  readonly guardrail: boolean;
  readonly controlMean: number;
  readonly mean: number;
  readonly estimate: number | null;
  readonly ci: readonly [number, number] | null;
  /** Widened for the multiple-testing correction (frequentist, sequential); null when not corrected. */
  readonly adjustedCi: readonly [number, number] | null;
  readonly pValue: number | null;
  readonly adjustedPValue: number | null;
  readonly chanceToWin: number | null;
  readonly verdict: Verdict;
  /**
   * The scale of estimate and intervals: the analysis' difference, or 'absolute' when the relative
   * lift is undefined (a control rate of 0) or not testable; `note` says why.
   */
  readonly difference: DifferenceType;
  /** The engine's note on this comparison (absolute fallback, deterministic difference), else null. */
  readonly note: string | null;
}

export interface ExperimentMemo {
  readonly experiment: string;
  readonly name: string | null;
  readonly method: Method;
  readonly status: 'not started' | 'running' | 'ended';
  readonly start: string;
  readonly end: string | null;
  readonly daysRunning: number;
  readonly control: string;
  /** Control first. */
  readonly variants: readonly string[];
  readonly health: ExperimentHealth;
  /** False when SRM or multiple exposures make the results untrustworthy. */
  readonly trustworthy: boolean;
  readonly primary: readonly MemoMetricLine[];
  readonly guardrails: readonly MemoMetricLine[];
  readonly decision: Decision;
  readonly guidance: RolloutGuidance;
  /** Data assumptions (filled arms, skipped checks). */
  readonly notes: readonly string[];
  /** The full engine output for the report's detail tables. */
  readonly analysis: ExperimentAnalysis;
}

/** Per-experiment aggregates as the SQL returns them, for every experiment at once. */
export interface ExperimentReadoutInput {
  readonly definitions: readonly ExperimentDefinition[];
  readonly exposures: readonly ExperimentExposureRow[];
  readonly metrics: readonly ExperimentMetricRow[];
  readonly multipleExposures?: readonly ExperimentMultipleExposureRow[] | null;
  readonly now: Timestamp;
}

/**
 * The experiment memo of one experiment: builds the engine input from the SQL aggregates, runs
 * `analyzeExperiment` with the experiment's method and `decide` with a horizon of the planned end
 * and the sample needed to detect the planned effect, then turns the decision into rollout
 * guidance (ship / ramp / keep running N days / roll back / fix and restart / owner decision /
 * stop) with next steps.
 *
 * @example
 * const memo = experimentMemo(definition, exposures, metrics, [], '2026-03-31');
 * memo.guidance.headline; // 'Ship personalized to 100% of traffic: conversion +12% (interval +5.61% to +18.39%).'
 */
export function experimentMemo(
  definition: ExperimentDefinition,
  exposures: readonly ExperimentExposureRow[],
  metrics: readonly ExperimentMetricRow[],
  multipleExposures: readonly ExperimentMultipleExposureRow[],
  now: Timestamp,
  options: ExperimentMemoOptions = {},
): ExperimentMemo {
  const nowMs = requireNow(now);
  const mde = requireOptionRange(
    definition.minimumDetectableEffect ??
      options.minimumDetectableEffect ??
      DEFAULT_GUIDANCE_OPTIONS.minimumDetectableEffect,
    'minimumDetectableEffect',
    1e-9,
    100,
  );
  const targetPower = requireOptionRange(
    options.targetPower ?? DEFAULT_GUIDANCE_OPTIONS.targetPower,
    'targetPower',
    0.01,
    0.9999,
  );
  const rampSteps = options.rampSteps ?? DEFAULT_GUIDANCE_OPTIONS.rampSteps;
  if (
    rampSteps.length === 0 ||
    rampSteps.some((s, i) => !(s > 0 && s <= 1) || (i > 0 && s <= rampSteps[i - 1]))
  ) {
    throw new PersonalizationInputError('rampSteps must increase within (0, 1]', {
      option: 'rampSteps',
      hint: 'e.g. [0.05, 0.25, 0.5, 1]',
    });
  }
  const coverage = requireOptionRange(definition.coverage ?? 1, `${definition.experiment}.coverage`, 1e-9, 1);

  const built = buildExperimentInput(definition, exposures, metrics, multipleExposures, nowMs, {
    holdoutVariants: options.holdoutVariants,
  });
  const method: Method = definition.method ?? options.analysis?.method ?? DEFAULT_ANALYSIS_SETTINGS.method;
  const analysis = analyzeExperiment(built.input, { ...options.analysis, method });
  const requiredPerArm = requiredSamplePerArm(built.input, analysis.settings, mde, targetPower);
  const decision = decide(analysis, {
    ...options.policy,
    plannedDays: options.policy?.plannedDays ?? built.plannedDays,
    plannedSamplePerArm: options.policy?.plannedSamplePerArm ?? requiredPerArm,
  });
  const guidance = rolloutGuidance(built, analysis, decision, {
    nowMs,
    requiredPerArm,
    mde,
    coverage,
    rampSteps,
    rules: definition.rules ?? [],
  });

  const verdictOf = (metric: string, variant: string): Verdict =>
    decision.verdicts.find((v) => v.metric === metric && v.variant === variant)?.verdict ?? 'no result';
  const lines = analysis.metrics.flatMap((m) =>
    m.variants.map((v): MemoMetricLine => ({
      metric: m.name,
      variant: v.name,
      guardrail: m.guardrail,
      controlMean: m.control.mean,
      mean: v.mean,
      estimate: v.estimate,
      ci: v.ci,
      adjustedCi: v.adjustedCi,
      pValue: v.pValue,
      adjustedPValue: v.adjustedPValue,
      chanceToWin: v.chanceToWin,
      verdict: verdictOf(m.name, v.name),
      difference: v.difference,
      note: v.note,
    })),
  );
  return {
    experiment: definition.experiment,
    name: definition.name ?? null,
    method,
    status: built.status,
    start: built.start,
    end: built.end,
    daysRunning: built.daysRunning,
    control: built.control,
    variants: built.variants,
    health: analysis.health,
    trustworthy: !(analysis.health.srm?.alert || analysis.health.multipleExposure?.alert),
    primary: lines.filter((l) => !l.guardrail),
    guardrails: lines.filter((l) => l.guardrail),
    decision,
    guidance,
    notes: built.notes,
    analysis,
  };
}

/**
 * `experimentMemo` for every definition, reading each experiment's rows out of the shared arrays
 * (grouped once: O(rows) plus the analyses).
 *
 * @example
 * experimentMemos({ definitions, exposures, metrics, multipleExposures, now: '2026-03-31' }).map((m) => m.guidance.kind);
 */
export function experimentMemos(
  input: ExperimentReadoutInput,
  options: ExperimentMemoOptions = {},
): ExperimentMemo[] {
  const exposures = groupBy(input.exposures);
  const metrics = groupBy(input.metrics);
  const multiple = groupBy(input.multipleExposures ?? []);
  return input.definitions.map((d) =>
    experimentMemo(
      d,
      exposures.get(d.experiment) ?? [],
      metrics.get(d.experiment) ?? [],
      multiple.get(d.experiment) ?? [],
      input.now,
      options,
    ),
  );
}

function groupBy<T extends { readonly experiment: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.experiment);
    if (list) list.push(row);
    else out.set(row.experiment, [row]);
  }
  return out;
}
