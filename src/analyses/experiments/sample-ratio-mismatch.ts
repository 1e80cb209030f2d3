import { chiSquareSurvival } from './distributions.ts';

/** GrowthBook's default: alert when the SRM p-value is below 0.001. */
export const DEFAULT_SRM_THRESHOLD = 0.001;

export interface SampleRatioMismatch {
  readonly chiSquare: number;
  readonly df: number;
  readonly pValue: number;
  /** Units expected in each arm under the planned weights. */
  readonly expected: readonly number[];
  readonly alert: boolean;
}

/**
 * Sample ratio mismatch: Pearson's chi-square goodness of fit of the units observed per arm
 * against the planned weights (df = arms − 1). A p-value below `threshold` means the assignment
 * or the logging is broken and the metric results cannot be trusted.
 *
 * @example
 * sampleRatioMismatch([1000, 1200], [0.5, 0.5]).pValue; // ≈ 2.0079e-5 → alert
 */
export function sampleRatioMismatch(
  units: readonly number[],
  weights: readonly number[],
  threshold = DEFAULT_SRM_THRESHOLD,
): SampleRatioMismatch {
  const total = units.reduce((s, u) => s + u, 0);
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const expected = weights.map((w) => (totalWeight > 0 ? (w / totalWeight) * total : 0));
  const df = units.length - 1;
  if (total === 0 || df < 1) return { chiSquare: 0, df, pValue: 1, expected, alert: false };
  let chiSquare = 0;
  units.forEach((observed, i) => {
    if (expected[i] > 0) chiSquare += (observed - expected[i]) ** 2 / expected[i];
  });
  const pValue = chiSquareSurvival(chiSquare, df);
  return { chiSquare, df, pValue, expected, alert: pValue < threshold };
}
