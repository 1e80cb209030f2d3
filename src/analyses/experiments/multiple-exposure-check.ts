/** GrowthBook's default: more than 1% of units seen in several arms is a problem. */
export const DEFAULT_MAX_MULTIPLE_EXPOSURE_RATE = 0.01;
/** Below this many multiply-exposed units the rate is noise, not a signal. */
export const DEFAULT_MIN_MULTIPLE_EXPOSURES = 10;

export interface MultipleExposureCheck {
  readonly count: number;
  /** count / (count + units analysed). */
  readonly rate: number;
  readonly alert: boolean;
}

/**
 * Multiple exposure rate: units that were assigned to more than one arm (and so were dropped
 * from the analysis) as a share of all units. The per-arm `units` are those seen in exactly one
 * arm, as in GrowthBook, hence the rate is count / (count + Σ units).
 *
 * @example
 * multipleExposureCheck(120, 10_000).alert; // true: 1.19% > 1%
 */
export function multipleExposureCheck(
  count: number,
  unitsAnalysed: number,
  options: { maxRate?: number; minCount?: number } = {},
): MultipleExposureCheck {
  const maxRate = options.maxRate ?? DEFAULT_MAX_MULTIPLE_EXPOSURE_RATE;
  const minCount = options.minCount ?? DEFAULT_MIN_MULTIPLE_EXPOSURES;
  const denominator = count + unitsAnalysed;
  const rate = denominator > 0 ? count / denominator : 0;
  return { count, rate, alert: count >= minCount && rate > maxRate };
}
