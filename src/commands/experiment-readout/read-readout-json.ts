import type { ArmData } from '../../analyses/experiments/index.ts';
import {
  ARM_FIELDS,
  buildArm,
  checkSettings,
  CORRECTIONS,
  CUPED_FIELDS,
  DIFFERENCES,
  inputError,
  METHODS,
  METRIC_TYPES,
  snake,
  type MetricType,
  type ReadoutInput,
  type ReadoutMetricInput,
  type ReadoutSettingsInput,
  type ReadoutVariantInput,
} from '../shared/experiment-review/readout-input.ts';
import { checkCount } from './check-count.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const TOP_KEYS = ['settings', 'variants', 'metrics', 'days_running', 'multiple_exposures'];
const SETTING_KEYS = [
  'method',
  'difference',
  'alpha',
  'one_sided',
  'sequential_tuning',
  'prior',
  'correction',
  'srm_threshold',
  'min_sample_size',
  'min_days',
  'max_multiple_exposure_rate',
  'chance_to_win_threshold',
  'planned_sample_size',
  'planned_days',
];
const VARIANT_KEYS = ['name', 'weight', 'users'];
const METRIC_KEYS = [
  'name',
  'type',
  'cuped',
  'lower_is_better',
  'guardrail',
  'non_inferiority_margin',
  'absolute_margin',
  'data',
];

/**
 * Reads the JSON form of a readout input:
 *
 * ```json
 * {
 *   "settings": { "method": "frequentist", "difference": "relative", "alpha": 0.05,
 *                 "sequential_tuning": 5000, "prior": { "mean": 0, "variance": 0.09 } },
 *   "variants": [{ "name": "A", "weight": 0.5, "users": 10000 }, { "name": "B", "weight": 0.5, "users": 10043 }],
 *   "days_running": 14,
 *   "multiple_exposures": 12,
 *   "metrics": [{ "name": "signup", "type": "proportion",
 *                 "data": { "A": { "n": 10000, "sum": 1000 }, "B": { "n": 10043, "sum": 1090 } } }]
 * }
 * ```
 *
 * The first variant is the control. Optional settings: one_sided, correction (holm | bh | none),
 * srm_threshold, min_sample_size, min_days, max_multiple_exposure_rate, chance_to_win_threshold,
 * planned_sample_size, planned_days; prior.scale (relative | absolute). Metric flags: cuped,
 * lower_is_better, guardrail, non_inferiority_margin (a lift for relative analyses), absolute_margin
 * (a floor under that margin in the metric's own units, e.g. 0.005 for half a point of a rate whose
 * control is at or near 0 %, where a relative margin is 0 or next to it).
 * Errors point at the key path, e.g. `readout.json:metrics[2].data.B.n`.
 */
export function readReadoutJson(text: string, file: string): ReadoutInput {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (err) {
    throw inputError(
      `not valid JSON: ${(err as Error).message}`,
      `${file}${jsonPosition(text, err as Error)}`,
      'fix the JSON syntax, or give a .csv file with one row per metric and variant',
    );
  }
  const at = (path: string) => `${file}:${path}`;
  const root = object(doc, 'the document', at('$'));
  unknownKeys(root, TOP_KEYS, '', at);

  const settings = readSettings(root.settings, at);
  const variants = readVariants(root.variants, at);
  const metrics = readMetrics(root.metrics, variants, at);
  const daysRunning = optionalNumber(root, 'days_running', '', at);
  const multipleExposures = optionalNumber(root, 'multiple_exposures', '', at);
  if (daysRunning !== undefined && daysRunning < 0) {
    throw inputError('days_running must be ≥ 0', at('days_running'), 'days since the experiment started');
  }
  if (multipleExposures !== undefined && (!Number.isInteger(multipleExposures) || multipleExposures < 0)) {
    throw inputError(
      'multiple_exposures must be a whole number ≥ 0',
      at('multiple_exposures'),
      'units seen in more than one variant',
    );
  }
  return {
    settings,
    variants,
    metrics,
    daysRunning: daysRunning ?? null,
    multipleExposures: multipleExposures ?? null,
  };
}

function readSettings(value: Json | undefined, at: (p: string) => string): ReadoutSettingsInput {
  if (value === undefined || value === null) return {};
  const s = object(value, 'settings', at('settings'));
  unknownKeys(s, SETTING_KEYS, 'settings.', at);
  const settings: ReadoutSettingsInput = {
    method: optionalEnum(s, 'method', METHODS, 'settings.', at),
    difference: optionalEnum(s, 'difference', DIFFERENCES, 'settings.', at),
    alpha: optionalNumber(s, 'alpha', 'settings.', at),
    oneSided: optionalBoolean(s, 'one_sided', 'settings.', at),
    sequentialTuning: optionalNumber(s, 'sequential_tuning', 'settings.', at),
    correction: optionalEnum(s, 'correction', CORRECTIONS, 'settings.', at),
    srmThreshold: optionalNumber(s, 'srm_threshold', 'settings.', at),
    minSampleSize: optionalNumber(s, 'min_sample_size', 'settings.', at),
    minDays: optionalNumber(s, 'min_days', 'settings.', at),
    maxMultipleExposureRate: optionalNumber(s, 'max_multiple_exposure_rate', 'settings.', at),
    chanceToWinThreshold: optionalNumber(s, 'chance_to_win_threshold', 'settings.', at),
    plannedSampleSize: optionalNumber(s, 'planned_sample_size', 'settings.', at),
    plannedDays: optionalNumber(s, 'planned_days', 'settings.', at),
  };
  if (s.prior !== undefined && s.prior !== null) {
    const p = object(s.prior, 'settings.prior', at('settings.prior'));
    unknownKeys(p, ['mean', 'variance', 'scale'], 'settings.prior.', at);
    const mean = optionalNumber(p, 'mean', 'settings.prior.', at) ?? 0;
    const variance = optionalNumber(p, 'variance', 'settings.prior.', at);
    if (variance === undefined) {
      throw inputError(
        'a prior needs a variance',
        at('settings.prior.variance'),
        'e.g. {"mean": 0, "variance": 0.09} for a ±30% lift (1 sd)',
      );
    }
    settings.prior = {
      mean,
      variance,
      scale: optionalEnum(p, 'scale', DIFFERENCES, 'settings.prior.', at) ?? 'relative',
    };
  }
  checkSettings(settings, (key) =>
    at(key === 'prior' ? 'settings.prior.variance' : `settings.${snake(key)}`),
  );
  return settings;
}

function readVariants(value: Json | undefined, at: (p: string) => string): ReadoutVariantInput[] {
  if (!Array.isArray(value) || value.length < 2) {
    throw inputError(
      '"variants" must list at least two variants, control first',
      at('variants'),
      'e.g. [{"name": "A", "weight": 0.5, "users": 10000}, {"name": "B", ...}]',
    );
  }
  const seen = new Set<string>();
  return value.map((v, i) => {
    const path = `variants[${i}]`;
    const o = object(v, path, at(path));
    unknownKeys(o, VARIANT_KEYS, `${path}.`, at);
    const name = requiredString(o, 'name', `${path}.`, at);
    if (seen.has(name))
      throw inputError(
        `variant '${name}' is listed twice`,
        at(`${path}.name`),
        'variant names must be unique',
      );
    seen.add(name);
    const weight = optionalNumber(o, 'weight', `${path}.`, at) ?? 1;
    if (!(weight > 0))
      throw inputError(
        `weight must be positive, got ${weight}`,
        at(`${path}.weight`),
        'the planned share of traffic, on any scale',
      );
    const users = optionalNumber(o, 'users', `${path}.`, at);
    if (users !== undefined && (!Number.isSafeInteger(users) || users < 0)) {
      throw inputError(
        `users must be a whole number from 0 to 2^53 − 1, got ${users}`,
        at(`${path}.users`),
        'units exposed to this variant',
      );
    }
    return users === undefined ? { name, weight } : { name, weight, users };
  });
}

function readMetrics(
  value: Json | undefined,
  variants: readonly ReadoutVariantInput[],
  at: (p: string) => string,
): ReadoutMetricInput[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw inputError(
      '"metrics" must list at least one metric',
      at('metrics'),
      'e.g. [{"name": "signup", "type": "proportion", "data": {...}}]',
    );
  }
  const names = new Set<string>();
  return value.map((m, i) => {
    const path = `metrics[${i}]`;
    const o = object(m, path, at(path));
    unknownKeys(o, METRIC_KEYS, `${path}.`, at);
    const name = requiredString(o, 'name', `${path}.`, at);
    if (names.has(name))
      throw inputError(`metric '${name}' is listed twice`, at(`${path}.name`), 'metric names must be unique');
    names.add(name);
    const type = optionalEnum(o, 'type', METRIC_TYPES, `${path}.`, at);
    if (type === undefined)
      throw inputError(
        `metric '${name}' has no type`,
        at(`${path}.type`),
        `use one of ${METRIC_TYPES.join(', ')}`,
      );
    const cuped = optionalBoolean(o, 'cuped', `${path}.`, at) ?? false;
    const data = object(o.data ?? null, `${path}.data`, at(`${path}.data`));
    const known = new Set(variants.map((v) => v.name));
    for (const key of Object.keys(data)) {
      if (!known.has(key)) {
        throw inputError(
          `'${key}' is not a variant`,
          at(`${path}.data.${key}`),
          `variants are ${[...known].join(', ')}`,
        );
      }
    }
    const arms: ArmData[] = variants.map((v) => {
      const armPath = `${path}.data.${v.name}`;
      if (data[v.name] === undefined)
        throw inputError(
          `no statistics for variant '${v.name}'`,
          at(armPath),
          `add "${v.name}": {${armFields(type, cuped).join(', ')}}`,
        );
      const arm = object(data[v.name], armPath, at(armPath));
      unknownKeys(arm, armFields(type, cuped), `${armPath}.`, at);
      const fields: Record<string, number | undefined> = {};
      for (const f of armFields(type, cuped)) fields[f] = optionalNumber(arm, f, `${armPath}.`, at);
      checkCount(fields.n, at(`${armPath}.n`));
      return buildArm(type, cuped, fields, (f) => at(`${armPath}.${f}`));
    });
    return {
      name,
      type,
      cuped,
      lowerIsBetter: optionalBoolean(o, 'lower_is_better', `${path}.`, at) ?? false,
      guardrail: optionalBoolean(o, 'guardrail', `${path}.`, at) ?? false,
      nonInferiorityMargin: nonNegative(
        optionalNumber(o, 'non_inferiority_margin', `${path}.`, at) ?? 0,
        at(`${path}.non_inferiority_margin`),
        'non_inferiority_margin',
      ),
      absoluteMargin: nonNegative(
        optionalNumber(o, 'absolute_margin', `${path}.`, at) ?? 0,
        at(`${path}.absolute_margin`),
        'absolute_margin',
      ),
      arms,
    };
  });
}

function armFields(type: MetricType, cuped: boolean): string[] {
  return [...ARM_FIELDS[type], ...(cuped ? CUPED_FIELDS : [])];
}

function nonNegative(x: number, where: string, key: 'non_inferiority_margin' | 'absolute_margin'): number {
  if (x < 0)
    throw inputError(
      `${key} must be ≥ 0, got ${x}`,
      where,
      key === 'absolute_margin'
        ? 'the largest acceptable harm in the metric’s own units, e.g. 0.005 for half a point of a rate'
        : 'the largest acceptable harm, e.g. 0.02 for 2%',
    );
  return x;
}

function object(value: Json | undefined, what: string, where: string): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw inputError(
      `${what} must be an object`,
      where,
      'see the readout input format in the experiment-readout docs',
    );
  }
  return value;
}

function unknownKeys(
  o: JsonObject,
  known: readonly string[],
  prefix: string,
  at: (p: string) => string,
): void {
  for (const key of Object.keys(o)) {
    if (!known.includes(key))
      throw inputError(`unknown key '${key}'`, at(`${prefix}${key}`), `expected one of ${known.join(', ')}`);
  }
}

function optionalNumber(
  o: JsonObject,
  key: string,
  prefix: string,
  at: (p: string) => string,
): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw inputError(
      `'${key}' must be a number, got ${JSON.stringify(v)}`,
      at(`${prefix}${key}`),
      'write numbers without quotes',
    );
  }
  return v;
}

function optionalBoolean(
  o: JsonObject,
  key: string,
  prefix: string,
  at: (p: string) => string,
): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean')
    throw inputError(
      `'${key}' must be true or false, got ${JSON.stringify(v)}`,
      at(`${prefix}${key}`),
      'use true or false without quotes',
    );
  return v;
}

function requiredString(o: JsonObject, key: string, prefix: string, at: (p: string) => string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '')
    throw inputError(`'${key}' must be a non-empty string`, at(`${prefix}${key}`), 'give it a name');
  return v;
}

function optionalEnum<T extends string>(
  o: JsonObject,
  key: string,
  allowed: readonly T[],
  prefix: string,
  at: (p: string) => string,
): T | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw inputError(
      `'${key}' must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`,
      at(`${prefix}${key}`),
      `use one of ${allowed.join(', ')}`,
    );
  }
  return v as T;
}

/** `:line:column` of a JSON.parse error when its message carries a position. */
function jsonPosition(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return '';
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `:${line}:${column}`;
}
