import type { ArmData, ExperimentInput, ExperimentMetric, Method } from '../experiments/index.ts';
import { defaultControl } from '../experiments/default-control.ts';
import {
  isoTime,
  MS_PER_DAY,
  optionalTime,
  requireCount,
  requireFinite,
  requireKey,
  requireNow,
  requireTime,
} from './input-checks.ts';
import { PersonalizationInputError } from './personalization-input-error.ts';
import type { Timestamp } from './types.ts';

export interface ExperimentMetricSpec {
  readonly name: string;
  /** `proportion` (sum = units that converted) or `mean` (needs sumSquares). Default: mean when the rows carry sumSquares. */
  readonly kind?: 'proportion' | 'mean';
  readonly lowerIsBetter?: boolean;
  /** Guardrails: the largest acceptable harm as a relative lift (0.02 = 2%). Default 0. */
  readonly nonInferiorityMargin?: number;
}

/** An experiment as configured. */
export interface ExperimentDefinition {
  readonly experiment: string;
  readonly name?: string | null;
  /** Planned weights on any scale. */
  readonly variants: readonly { readonly name: string; readonly weight: number }[];
  readonly start: Timestamp;
  /** Planned end; null or absent when open-ended. */
  readonly end?: Timestamp | null;
  readonly primaryMetrics: readonly (string | ExperimentMetricSpec)[];
  readonly guardrailMetrics?: readonly (string | ExperimentMetricSpec)[];
  readonly method?: Method | null;
  /** The control variant; default the first variant named like a holdout, else the first. */
  readonly control?: string | null;
  /** Share of eligible traffic in the experiment, (0, 1]. Default 1. */
  readonly coverage?: number | null;
  /** Relative lift on the first primary metric the experiment should detect. */
  readonly minimumDetectableEffect?: number | null;
  /** Rules that serve the experiment (named in the memo's next steps). */
  readonly rules?: readonly string[] | null;
}

/** Units exposed to exactly one variant: `COUNT(DISTINCT user)` per experiment and variant. */
export interface ExperimentExposureRow {
  readonly experiment: string;
  readonly variant: string;
  readonly users: number | bigint;
}

/** Per-unit sufficient statistics of one metric in one variant. */
export interface ExperimentMetricRow {
  readonly experiment: string;
  readonly variant: string;
  readonly metric: string;
  readonly n: number | bigint;
  readonly sum: number;
  /** Σ of squared per-unit values; required for mean metrics. */
  readonly sumSquares?: number | null;
}

/** Units exposed to more than one variant (dropped from the per-variant counts). */
export interface ExperimentMultipleExposureRow {
  readonly experiment: string;
  readonly users: number | bigint;
}

export interface BuiltExperimentInput {
  readonly input: ExperimentInput;
  /** Variant names, control first. */
  readonly variants: readonly string[];
  readonly control: string;
  /** Normalised planned weights (sum 1), control first. */
  readonly weights: readonly number[];
  readonly status: 'not started' | 'running' | 'ended';
  readonly start: string;
  readonly end: string | null;
  readonly daysRunning: number;
  /** Planned duration in days (end − start), null when open-ended. */
  readonly plannedDays: number | null;
  readonly primary: readonly ExperimentMetricSpec[];
  readonly guardrails: readonly ExperimentMetricSpec[];
  /** Things filled in or assumed, for the memo. */
  readonly notes: readonly string[];
}

const spec = (m: string | ExperimentMetricSpec): ExperimentMetricSpec =>
  typeof m === 'string' ? { name: m } : m;

/**
 * Turns one experiment's definition and its SQL aggregates into the experiments engine's input:
 * variants control-first with planned weights and exposed units, primary metrics then guardrails
 * (one arm per variant), multiple exposures and days running (to `now`, or to the end once
 * past it). A variant with no row for a metric gets an empty arm over its exposed units (the
 * query dropped a group with no outcomes), and a note says so.
 *
 * @example
 * const built = buildExperimentInput(definition, exposures, metrics, multipleExposures, '2026-03-31');
 * analyzeExperiment(built.input, { method: definition.method ?? 'frequentist' });
 */
export function buildExperimentInput(
  definition: ExperimentDefinition,
  exposures: readonly ExperimentExposureRow[],
  metrics: readonly ExperimentMetricRow[],
  multipleExposures: readonly ExperimentMultipleExposureRow[],
  now: Timestamp,
  options: { holdoutVariants?: readonly string[] } = {},
): BuiltExperimentInput {
  const id = definition.experiment;
  const nowMs = requireNow(now);
  const start = requireTime(definition.start, 0, `${id}.start`);
  const end = optionalTime(definition.end, 0, `${id}.end`);
  if (definition.variants.length < 2) {
    throw new PersonalizationInputError(`experiment ${id} needs at least two variants`, {
      field: `${id}.variants`,
      hint: 'list every variant with its planned weight, the control included',
    });
  }
  const control = pickControl(definition, options.holdoutVariants ?? ['holdout', 'control']);
  const ordered = [
    definition.variants.find((v) => v.name === control)!,
    ...definition.variants.filter((v) => v.name !== control),
  ];
  const totalWeight = ordered.reduce((s, v) => s + v.weight, 0);
  if (!ordered.every((v) => Number.isFinite(v.weight) && v.weight > 0)) {
    throw new PersonalizationInputError(`experiment ${id}: every variant weight must be a positive number`, {
      field: `${id}.variants`,
    });
  }
  const names = ordered.map((v) => v.name);
  const notes: string[] = [];

  const units = new Map<string, number>();
  exposures.forEach((row, i) => {
    if (row.experiment !== id) return;
    const variant = requireKey(row.variant, i, 'exposures.variant');
    if (!names.includes(variant)) {
      notes.push(`Exposures of unknown variant '${variant}' (${String(row.users)} users) were ignored.`);
      return;
    }
    units.set(variant, (units.get(variant) ?? 0) + requireCount(row.users, i, 'exposures.users'));
  });
  const haveUnits = names.every((n) => units.has(n));
  if (!haveUnits) notes.push('Some variants have no exposure counts: the sample ratio check is skipped.');

  const rows = new Map<string, { n: number; sum: number; sumSquares: number | null }>();
  metrics.forEach((row, i) => {
    if (row.experiment !== id) return;
    const key = JSON.stringify([row.metric, row.variant]);
    if (rows.has(key)) {
      throw new PersonalizationInputError(
        `experiment ${id}: metric '${row.metric}' has two rows for variant '${row.variant}'`,
        {
          record: i,
          field: 'metrics.variant',
          hint: 'group the metric query by experiment, variant and metric',
        },
      );
    }
    const n = requireCount(row.n, i, 'metrics.n');
    const sum = requireFinite(row.sum, i, 'metrics.sum');
    const sumSquares =
      row.sumSquares === null || row.sumSquares === undefined
        ? null
        : requireFinite(row.sumSquares, i, 'metrics.sumSquares');
    rows.set(key, { n, sum, sumSquares });
  });

  const primary = definition.primaryMetrics.map(spec);
  const guardrails = (definition.guardrailMetrics ?? []).map(spec);
  if (primary.length === 0 && guardrails.length === 0) {
    throw new PersonalizationInputError(`experiment ${id} has no metrics`, {
      field: `${id}.primaryMetrics`,
      hint: 'name at least one primary metric',
    });
  }
  const engineMetrics: ExperimentMetric[] = [
    ...primary.map((m) => toMetric(id, m, false, names, rows, units, notes)),
    ...guardrails.map((m) => toMetric(id, m, true, names, rows, units, notes)),
  ];

  let multiple: number | null = null;
  multipleExposures.forEach((row, i) => {
    if (row.experiment === id)
      multiple = (multiple ?? 0) + requireCount(row.users, i, 'multipleExposures.users');
  });

  const effectiveEnd = end === null ? nowMs : Math.min(nowMs, end);
  const daysRunning = Math.max(0, (effectiveEnd - start) / MS_PER_DAY);
  const status = nowMs < start ? 'not started' : end !== null && nowMs > end ? 'ended' : 'running';
  return {
    input: {
      variants: ordered.map((v) => ({
        name: v.name,
        weight: v.weight,
        units: haveUnits ? units.get(v.name) : undefined,
      })),
      metrics: engineMetrics,
      multipleExposures: multiple,
      daysRunning,
    },
    variants: names,
    control,
    weights: ordered.map((v) => v.weight / totalWeight),
    status,
    start: isoTime(start),
    end: end === null ? null : isoTime(end),
    daysRunning,
    plannedDays: end === null ? null : (end - start) / MS_PER_DAY,
    primary,
    guardrails,
    notes,
  };
}

function pickControl(definition: ExperimentDefinition, holdoutVariants: readonly string[]): string {
  const names = definition.variants.map((v) => v.name);
  if (definition.control) {
    if (!names.includes(definition.control)) {
      throw new PersonalizationInputError(
        `experiment ${definition.experiment}: control '${definition.control}' is not one of its variants (${names.join(', ')})`,
        { field: `${definition.experiment}.control` },
      );
    }
    return definition.control;
  }
  // the shared rule: the holdout names by priority (any case, trimmed), else the first variant
  return defaultControl(names, holdoutVariants).variant;
}

function toMetric(
  id: string,
  m: ExperimentMetricSpec,
  guardrail: boolean,
  names: readonly string[],
  rows: ReadonlyMap<string, { n: number; sum: number; sumSquares: number | null }>,
  units: ReadonlyMap<string, number>,
  notes: string[],
): ExperimentMetric {
  const found = names.map((v) => rows.get(JSON.stringify([m.name, v])));
  const kind = m.kind ?? (found.some((r) => r && r.sumSquares !== null) ? 'mean' : 'proportion');
  const arms = names.map((variant, i): ArmData => {
    const r = found[i];
    if (!r) {
      notes.push(
        `No '${m.name}' row for ${variant}: taken as ${units.get(variant) ?? 0} units with no outcome.`,
      );
      const n = units.get(variant) ?? 0;
      return kind === 'mean' ? { kind, n, sum: 0, sumSquares: 0 } : { kind, n, sum: 0 };
    }
    if (kind === 'proportion') {
      if (r.sum < 0 || r.sum > r.n) {
        throw new PersonalizationInputError(
          `experiment ${id}: '${m.name}' in ${variant} has ${r.sum} converting units out of ${r.n}`,
          { field: 'metrics.sum', hint: 'a proportion metric sums a 0/1 value per unit' },
        );
      }
      return { kind, n: r.n, sum: r.sum };
    }
    if (r.sumSquares === null) {
      throw new PersonalizationInputError(
        `experiment ${id}: mean metric '${m.name}' in ${variant} has no sumSquares`,
        {
          field: 'metrics.sumSquares',
          hint: 'add SUM(value * value) over units to the metric query',
        },
      );
    }
    return { kind, n: r.n, sum: r.sum, sumSquares: r.sumSquares };
  });
  return {
    name: m.name,
    arms,
    guardrail,
    lowerIsBetter: m.lowerIsBetter ?? false,
    nonInferiorityMargin: guardrail ? (m.nonInferiorityMargin ?? 0) : undefined,
  };
}
