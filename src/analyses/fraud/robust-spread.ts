/** Consistency constant: 1.4826·MAD estimates σ for normal data. */
export const MAD_TO_SIGMA = 1.4826;
/** When MAD is 0 (over half the values equal, usual for small counts): 1.2533·mean absolute deviation. */
export const MEAN_AD_TO_SIGMA = 1.253314;

export interface RobustSpread {
  readonly median: number;
  /** Median absolute deviation from the median (unscaled). */
  readonly mad: number;
  /** Mean absolute deviation from the median. */
  readonly meanAbsoluteDeviation: number;
  /**
   * Robust σ: 1.4826·MAD, or 1.2533·mean absolute deviation when MAD is 0 (the modified z-score
   * of Iglewicz & Hoaglin as implemented by IBM SPSS), or 0 when all values are equal.
   */
  readonly sigma: number;
}

function medianOfSorted(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/**
 * Median, MAD and a robust σ of a sample; NaN fields for an empty one. Sorts copies: O(n log n).
 *
 * @example robustSpread(Float64Array.of(1, 1, 2, 2, 4, 6, 9)); // median 2, mad 1, sigma 1.4826
 */
export function robustSpread(values: Float64Array): RobustSpread {
  const sorted = Float64Array.from(values).sort();
  const median = medianOfSorted(sorted);
  const deviations = new Float64Array(sorted.length);
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) {
    deviations[i] = Math.abs(sorted[i] - median);
    sum += deviations[i];
  }
  const mad = medianOfSorted(deviations.sort());
  const meanAbsoluteDeviation = sorted.length ? sum / sorted.length : NaN;
  const sigma = mad > 0 ? MAD_TO_SIGMA * mad : MEAN_AD_TO_SIGMA * meanAbsoluteDeviation;
  return { median, mad, meanAbsoluteDeviation, sigma };
}
