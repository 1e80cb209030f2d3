import {
  analyzeExperiment,
  decide,
  DEFAULT_ANALYSIS_SETTINGS,
  DEFAULT_DECISION_POLICY,
} from '../../../analyses/experiments/index.ts';
import type { ReadoutInput, ReadoutSettingsInput } from './readout-input.ts';
import { toReadoutResult, type ReadoutResult } from './readout-result.ts';

/**
 * The readout of one experiment from per-arm sufficient statistics: every variant against the
 * control (frequentist Welch, sequential confidence sequences or Bayesian), multiple-testing
 * correction, health checks (SRM, multiple exposure, minimum sample and duration) and a
 * recommendation (ship, keep running, stop, roll back) with its reasons. Settings override the
 * input's; the defaults are the statistics engine's.
 */
export function analyzeReadout(input: ReadoutInput, overrides: ReadoutSettingsInput = {}): ReadoutResult {
  const settings: ReadoutSettingsInput = { ...input.settings, ...overrides };
  const d = DEFAULT_ANALYSIS_SETTINGS;
  const analysis = analyzeExperiment(
    {
      variants: input.variants.map((v) => ({ name: v.name, weight: v.weight, units: v.users })),
      metrics: input.metrics.map((m) => ({
        name: m.name,
        arms: m.arms,
        lowerIsBetter: m.lowerIsBetter,
        guardrail: m.guardrail,
        nonInferiorityMargin: m.nonInferiorityMargin,
        absoluteMargin: m.absoluteMargin,
      })),
      multipleExposures: input.multipleExposures,
      daysRunning: input.daysRunning,
    },
    {
      method: settings.method ?? d.method,
      difference: settings.difference ?? d.difference,
      alpha: settings.alpha ?? d.alpha,
      oneSided: settings.oneSided ?? d.oneSided,
      sequentialTuning: settings.sequentialTuning ?? d.sequentialTuning,
      prior: settings.prior ?? null,
      correction: settings.correction ?? d.correction,
      srmThreshold: settings.srmThreshold ?? d.srmThreshold,
      maxMultipleExposureRate: settings.maxMultipleExposureRate ?? d.maxMultipleExposureRate,
      minSamplePerArm: settings.minSampleSize ?? d.minSamplePerArm,
      minDays: settings.minDays ?? d.minDays,
    },
  );
  const decision = decide(analysis, {
    chanceToWinThreshold: settings.chanceToWinThreshold ?? DEFAULT_DECISION_POLICY.chanceToWinThreshold,
    plannedSamplePerArm: settings.plannedSampleSize ?? null,
    plannedDays: settings.plannedDays ?? null,
  });
  return toReadoutResult(analysis, decision, input.metrics);
}
