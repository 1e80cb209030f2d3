/** Units per arm before a result is called (GrowthBook's metric minimum sample size is 150). */
export const DEFAULT_MIN_SAMPLE_PER_ARM = 150;
/** Days before a result is called: one full weekly cycle, so weekday effects average out. */
export const DEFAULT_MIN_DAYS = 7;

export interface MinimumDataCheck {
  readonly smallestArm: number;
  readonly minSamplePerArm: number;
  readonly enoughSample: boolean;
  /** Null when the number of days running is unknown (then only the sample size gates). */
  readonly daysRunning: number | null;
  readonly minDays: number;
  readonly enoughDuration: boolean | null;
}

/**
 * Whether an experiment has run long enough, and on enough units, for a result to be called.
 * Both gates hold for every method: sequential tests are valid under peeking, but the normal
 * approximation still needs units, and weekly cycles still need a week.
 *
 * @example
 * minimumDataCheck(420, 3).enoughDuration; // false: 3 < 7 days
 */
export function minimumDataCheck(
  smallestArm: number,
  daysRunning: number | null,
  options: { minSamplePerArm?: number; minDays?: number } = {},
): MinimumDataCheck {
  const minSamplePerArm = options.minSamplePerArm ?? DEFAULT_MIN_SAMPLE_PER_ARM;
  const minDays = options.minDays ?? DEFAULT_MIN_DAYS;
  return {
    smallestArm,
    minSamplePerArm,
    enoughSample: smallestArm >= minSamplePerArm,
    daysRunning,
    minDays,
    enoughDuration: daysRunning === null ? null : daysRunning >= minDays,
  };
}
