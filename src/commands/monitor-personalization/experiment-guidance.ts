import {
  requiredSampleForControl,
  rolloutGuidance,
  type GuidanceAnalysis,
  type GuidanceDecision,
  type GuidanceExperiment,
  type RolloutGuidance,
} from '../../analyses/personalization/index.ts';
import type { ExperimentReadout, StatsRow } from '../shared/experiment-review/index.ts';
import type { ExperimentDef } from './experiment-defs.ts';

const DAY = 86_400_000;

const interval = (ci: [number | null, number | null] | null): readonly [number, number] | null =>
  ci ? [ci[0] ?? Number.NEGATIVE_INFINITY, ci[1] ?? Number.POSITIVE_INFINITY] : null;

/** The readout of the shared experiment review in the shape rollout guidance reads. */
export function guidanceAnalysisOf(r: ExperimentReadout): GuidanceAnalysis {
  const control = r.metrics[0]?.control.name ?? '';
  return {
    settings: { difference: r.difference },
    variantNames: [control, ...(r.metrics[0]?.variants.map((v) => v.name) ?? [])],
    health: {
      srm: r.health.srm ? { alert: r.health.srm.alert, pValue: r.health.srm.p_value } : null,
      multipleExposure: r.health.multiple_exposure
        ? { alert: r.health.multiple_exposure.alert, rate: r.health.multiple_exposure.rate }
        : null,
      minimumData: { smallestArm: r.health.smallest_arm, minDays: r.health.min_days },
    },
    metrics: r.metrics.map((m) => ({
      name: m.name,
      guardrail: m.guardrail,
      variants: m.variants.map((v) => ({
        name: v.name,
        estimate: v.effect,
        ci: interval(v.ci),
        adjustedCi: interval(v.adjusted_ci),
        difference: v.difference,
        note: v.note,
      })),
    })),
  };
}

/** The readout's recommendation as the decision rollout guidance reads. */
export function guidanceDecisionOf(r: ExperimentReadout): GuidanceDecision {
  return {
    action: r.recommendation.action,
    variant: r.recommendation.variant,
    reasons: r.recommendation.reasons,
    variants: r.recommendation.variants,
    verdicts: r.metrics.flatMap((m) =>
      m.variants.map((v) => ({ metric: m.name, variant: v.name, verdict: v.decision })),
    ),
  };
}

/** Status, days and planned weights of an experiment at `nowMs`, control first as the readout orders variants. */
export function guidanceExperimentOf(
  def: ExperimentDef,
  r: ExperimentReadout,
  nowMs: number,
): GuidanceExperiment {
  const names = guidanceAnalysisOf(r).variantNames;
  const weight = (n: string) => def.variants.find((v) => v.name === n)?.weight ?? 1;
  const total = names.reduce((s, n) => s + weight(n), 0);
  const start = Date.parse(def.start ?? '');
  const end = def.end ? Date.parse(def.end) : null;
  return {
    variants: names,
    control: names[0],
    weights: names.map((n) => weight(n) / total),
    status: nowMs < start ? 'not started' : end !== null && nowMs > end ? 'ended' : 'running',
    start: new Date(start).toISOString(),
    end: end === null ? null : new Date(end).toISOString(),
    daysRunning: Math.max(0, ((end === null ? nowMs : Math.min(nowMs, end)) - start) / DAY),
    plannedDays: end === null ? null : (end - start) / DAY,
    guardrails: r.metrics.filter((m) => m.guardrail).map((m) => ({ name: m.name })),
  };
}

/** Per-unit mean and variance of the control on the first goal metric, from the statistics rows. */
export function controlMoments(
  r: ExperimentReadout,
  rows: readonly StatsRow[],
): { mean: number; variance: number } | null {
  const goal = r.metrics.find((m) => !m.guardrail);
  const row = goal && rows.find((x) => x.metric === goal.name && x.variant === goal.control.name);
  if (!row) return null;
  const n = Number(row.n);
  const sum = Number(row.sum);
  if (!(n > 1)) return null;
  const mean = sum / n;
  const variance =
    row.type === 'proportion' ? mean * (1 - mean) : (Number(row.sum_squares) - sum ** 2 / n) / (n - 1);
  return { mean, variance };
}

/** Settings of rollout guidance from gtm.yaml. */
export interface GuidanceSettings {
  minimumDetectableEffect: number;
  power: number;
  rampSteps: number[];
}

/**
 * Rollout guidance on top of the shared review's readout: the sample needed per arm (from the
 * control's moments), days left, ramp step, next steps. One statistics path (the shared review);
 * this only plans the rollout.
 */
export function guidanceFor(
  def: ExperimentDef,
  r: ExperimentReadout,
  rows: readonly StatsRow[],
  nowMs: number,
  settings: GuidanceSettings,
): RolloutGuidance {
  const goals =
    r.metrics.filter((m) => !m.guardrail).length * Math.max(1, r.metrics[0]?.variants.length ?? 1);
  const moments = controlMoments(r, rows);
  const required = moments
    ? requiredSampleForControl(
        moments,
        {
          method: r.method,
          alpha: r.alpha,
          oneSided: r.one_sided,
          correction: r.correction,
          sequentialTuning: r.sequential_tuning ?? 0,
        },
        goals,
        settings.minimumDetectableEffect,
        settings.power,
      )
    : null;
  return rolloutGuidance(guidanceExperimentOf(def, r, nowMs), guidanceAnalysisOf(r), guidanceDecisionOf(r), {
    nowMs,
    requiredPerArm: required,
    mde: settings.minimumDetectableEffect,
    coverage: 1,
    rampSteps: settings.rampSteps,
    rules: def.rule ? [def.rule] : [],
  });
}
