/**
 * The readout's input model, whichever file it came from, and the checks shared by the JSON and
 * CSV readers. Every failed check throws an INPUT error that points at the offending place
 * (`file:metrics[2].data.B.n` or `file:row:column`) and says how to fix it.
 */
import type { ArmData, DifferenceType, GaussianPrior, Method } from '../../../analyses/experiments/index.ts';
import { GtmError } from '../../../errors/index.ts';

export type MetricType = 'proportion' | 'mean' | 'ratio';
export type CorrectionSetting = 'holm' | 'bh' | 'none';

export const METHODS: readonly Method[] = ['frequentist', 'bayesian', 'sequential'];
export const DIFFERENCES: readonly DifferenceType[] = ['relative', 'absolute'];
export const METRIC_TYPES: readonly MetricType[] = ['proportion', 'mean', 'ratio'];
export const CORRECTIONS: readonly CorrectionSetting[] = ['holm', 'bh', 'none'];

/** Settings as read from the file; flags override them; defaults fill the rest. */
export interface ReadoutSettingsInput {
  method?: Method;
  difference?: DifferenceType;
  alpha?: number;
  oneSided?: boolean;
  sequentialTuning?: number;
  prior?: GaussianPrior | null;
  correction?: CorrectionSetting;
  srmThreshold?: number;
  minSampleSize?: number;
  minDays?: number;
  maxMultipleExposureRate?: number;
  chanceToWinThreshold?: number;
  plannedSampleSize?: number | null;
  plannedDays?: number | null;
}

export interface ReadoutVariantInput {
  readonly name: string;
  readonly weight: number;
  readonly users?: number;
}

export interface ReadoutMetricInput {
  readonly name: string;
  readonly type: MetricType;
  readonly cuped: boolean;
  readonly lowerIsBetter: boolean;
  readonly guardrail: boolean;
  readonly nonInferiorityMargin: number;
  /** A floor under the margin in the metric's own units (0 or absent: none). */
  readonly absoluteMargin?: number;
  /** One per variant, control first. */
  readonly arms: readonly ArmData[];
}

export interface ReadoutInput {
  readonly settings: ReadoutSettingsInput;
  readonly variants: readonly ReadoutVariantInput[];
  readonly metrics: readonly ReadoutMetricInput[];
  readonly daysRunning: number | null;
  readonly multipleExposures: number | null;
}

/** Statistic fields an arm may carry, by metric type (CUPED adds the pre-period ones). */
export const ARM_FIELDS: Record<MetricType, readonly string[]> = {
  proportion: ['n', 'sum'],
  mean: ['n', 'sum', 'sum_squares'],
  ratio: ['n', 'num_sum', 'num_sum_squares', 'den_sum', 'den_sum_squares', 'num_den_sum_product'],
};
export const CUPED_FIELDS: readonly string[] = ['pre_sum', 'pre_sum_squares', 'post_pre_sum_product'];

/** Maps a field name to the `where` of an error about it. */
export type Locate = (field: string) => string;

export function inputError(message: string, where: string, hint: string): GtmError {
  return new GtmError('INPUT', message, { where, hint });
}

/**
 * Builds one arm from named numbers, checking that the statistics can describe real data.
 * `fields` holds only the fields present (absent ones are undefined).
 */
export function buildArm(
  type: MetricType,
  cuped: boolean,
  fields: Readonly<Record<string, number | undefined>>,
  locate: Locate,
): ArmData {
  const need = (field: string): number => {
    const v = fields[field];
    if (v === undefined) {
      throw inputError(
        `missing '${field}' for a ${type}${cuped ? ' CUPED' : ''} metric`,
        locate(field),
        `a ${type} arm needs ${[...ARM_FIELDS[type], ...(cuped ? requiredCupedFields(type) : [])].join(', ')}`,
      );
    }
    return v;
  };
  const n = need('n');
  if (!Number.isInteger(n) || n < 0) {
    throw inputError(
      `'n' must be a whole number of units ≥ 0, got ${n}`,
      locate('n'),
      'n counts the units (users) in the arm',
    );
  }
  const arm: ArmReader = { n, need, locate };
  if (type === 'ratio') return ratioArm(arm, cuped);
  const post = type === 'proportion' ? proportionArm(arm) : meanArm(arm);
  if (!cuped) return post;

  const preSum = need('pre_sum');
  const postPreSumProduct = need('post_pre_sum_product');
  const preSumSquares = type === 'mean' ? need('pre_sum_squares') : fields.pre_sum_squares;
  if (preSumSquares !== undefined) checkSquares(arm, 'pre_sum', 'pre_sum_squares');
  return preSumSquares === undefined
    ? { kind: 'cuped', post, preSum, postPreSumProduct }
    : { kind: 'cuped', post, preSum, preSumSquares, postPreSumProduct };
}

/** One arm's unit count, its required-field reader and error locator, as `buildArm` sets them up. */
interface ArmReader {
  readonly n: number;
  readonly need: (field: string) => number;
  readonly locate: Locate;
}

function checkSquares(arm: ArmReader, sumField: string, squaresField: string): void {
  const { n } = arm;
  const s = arm.need(sumField);
  const ss = arm.need(squaresField);
  // Σx² ≥ (Σx)²/n for any data; allow rounding in the last digits.
  if (n > 0 && ss * n < s * s - 1e-9 * Math.max(1, s * s)) {
    throw inputError(
      `'${squaresField}' (${ss}) is smaller than ${sumField}²/n (${(s * s) / n}), which no data can produce`,
      arm.locate(squaresField),
      `${squaresField} is the sum of the squared per-unit values, not the square of the sum`,
    );
  }
}

function ratioArm(arm: ArmReader, cuped: boolean): ArmData {
  const { n, need } = arm;
  if (cuped) {
    throw inputError(
      'CUPED is not supported for ratio metrics',
      arm.locate('pre_sum'),
      'set "cuped": false, or analyse the numerator as a mean metric',
    );
  }
  checkSquares(arm, 'num_sum', 'num_sum_squares');
  checkSquares(arm, 'den_sum', 'den_sum_squares');
  return {
    kind: 'ratio',
    n,
    numSum: need('num_sum'),
    numSumSquares: need('num_sum_squares'),
    denSum: need('den_sum'),
    denSumSquares: need('den_sum_squares'),
    numDenSumProduct: need('num_den_sum_product'),
  };
}

function proportionArm(arm: ArmReader): ArmData & { kind: 'proportion' } {
  const { n } = arm;
  const sum = arm.need('sum');
  if (sum < 0 || sum > n) {
    throw inputError(
      `'sum' (${sum}) must be between 0 and n (${n}) for a proportion`,
      arm.locate('sum'),
      'sum counts the units that converted',
    );
  }
  return { kind: 'proportion', n, sum };
}

function meanArm(arm: ArmReader): ArmData & { kind: 'mean' } {
  checkSquares(arm, 'sum', 'sum_squares');
  return { kind: 'mean', n: arm.n, sum: arm.need('sum'), sumSquares: arm.need('sum_squares') };
}

/** CUPED fields that must be present: a proportion's covariate may be binary (no sum of squares). */
export function requiredCupedFields(type: MetricType): readonly string[] {
  return type === 'proportion' ? ['pre_sum', 'post_pre_sum_product'] : CUPED_FIELDS;
}

/** Checks the settings that have a range; `locate` names the setting's place (file key or flag). */
export function checkSettings(
  settings: ReadoutSettingsInput,
  locate: (key: keyof ReadoutSettingsInput) => string,
  codeOf: (key: keyof ReadoutSettingsInput) => 'INPUT' | 'USAGE' = () => 'INPUT',
): void {
  const fail = (key: keyof ReadoutSettingsInput, message: string, hint: string) => {
    throw new GtmError(codeOf(key), message, { where: locate(key), hint });
  };
  const { alpha } = settings;
  if (alpha !== undefined && !(alpha > 0 && alpha < 1))
    fail('alpha', `alpha must be between 0 and 1, got ${alpha}`, 'use e.g. 0.05 for 95% intervals');
  if (settings.method === 'sequential' && settings.oneSided && alpha !== undefined && alpha >= 0.5) {
    fail('alpha', `one-sided sequential tests need alpha < 0.5, got ${alpha}`, 'use e.g. 0.05');
  }
  if (settings.sequentialTuning !== undefined && !(settings.sequentialTuning > 0)) {
    fail(
      'sequentialTuning',
      `sequential_tuning must be a positive number of units, got ${settings.sequentialTuning}`,
      'N* is the total sample size (both arms) you expect at the end; 5000 by default',
    );
  }
  if (settings.prior && !(settings.prior.variance > 0)) {
    fail(
      'prior',
      `the prior variance must be positive, got ${settings.prior.variance}`,
      'omit the prior for a flat one, or give e.g. {"mean": 0, "variance": 0.09}',
    );
  }
  if (settings.srmThreshold !== undefined && !(settings.srmThreshold > 0 && settings.srmThreshold < 1)) {
    fail(
      'srmThreshold',
      `srm_threshold must be between 0 and 1, got ${settings.srmThreshold}`,
      'the default is 0.001',
    );
  }
  if (
    settings.maxMultipleExposureRate !== undefined &&
    !(settings.maxMultipleExposureRate >= 0 && settings.maxMultipleExposureRate <= 1)
  ) {
    fail(
      'maxMultipleExposureRate',
      `max_multiple_exposure_rate must be between 0 and 1, got ${settings.maxMultipleExposureRate}`,
      'the default is 0.01',
    );
  }
  if (
    settings.chanceToWinThreshold !== undefined &&
    !(settings.chanceToWinThreshold > 0.5 && settings.chanceToWinThreshold < 1)
  ) {
    fail(
      'chanceToWinThreshold',
      `chance_to_win_threshold must be between 0.5 and 1, got ${settings.chanceToWinThreshold}`,
      'the default is 0.95',
    );
  }
  for (const key of ['minSampleSize', 'minDays', 'plannedSampleSize', 'plannedDays'] as const) {
    const v = settings[key];
    if (v !== undefined && v !== null && !(v >= 0))
      fail(key, `${snake(key)} must be ≥ 0, got ${v}`, 'leave it out for the default');
  }
}

export function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
