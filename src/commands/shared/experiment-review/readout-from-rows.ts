import {
  buildArm,
  inputError,
  type MetricType,
  type ReadoutInput,
  type ReadoutMetricInput,
} from './readout-input.ts';

/** One row of `sufficientStatsSql`: a metric's sufficient statistics in one variant. */
export type StatsRow = Record<string, unknown> & { metric: string; type: string; variant: string };

/** Per-metric settings the statistics rows do not carry. */
export interface ReadoutMetricOptions {
  guardrail?: boolean;
  lowerIsBetter?: boolean;
  nonInferiorityMargin?: number;
  absoluteMargin?: number;
}

const num = (v: unknown): number | undefined =>
  v === null || v === undefined ? undefined : typeof v === 'bigint' ? Number(v) : Number(v);

/**
 * Turns the rows of `sufficientStatsSql` (control first) into a readout input: arms checked by
 * `buildArm`, planned weights per variant (default equal), CUPED when the rows carry a pre-period
 * covariate. `where` names the experiment in errors.
 *
 * @example readoutInputFromRows(await engine.query(sufficientStatsSql({...})), { where: 'experiment spring-bonus' })
 */
export function readoutInputFromRows(
  rows: readonly StatsRow[],
  opts: {
    where: string;
    weights?: Readonly<Record<string, number>>;
    metrics?: Readonly<Record<string, ReadoutMetricOptions>>;
    daysRunning?: number | null;
    multipleExposures?: number | null;
  },
): ReadoutInput {
  const variantOrder = [...new Set(rows.map((r) => String(r.variant)))];
  if (variantOrder.length < 2)
    throw inputError('needs at least two variants with exposures', opts.where, 'check the assignment data');
  const metricOrder = [...new Set(rows.map((r) => String(r.metric)))];
  const metrics: ReadoutMetricInput[] = metricOrder.map((name) => {
    const mine = rows.filter((r) => r.metric === name);
    const type = String(mine[0].type) as MetricType;
    const cuped = mine.some((r) => num(r.pre_sum) !== undefined);
    const arms = variantOrder.map((variant) => {
      const row = mine.find((r) => r.variant === variant);
      if (!row)
        throw inputError(
          `metric '${name}' has no statistics for variant '${variant}'`,
          opts.where,
          'every variant needs every metric',
        );
      const fields = Object.fromEntries(
        Object.entries(row)
          .map(([k, v]) => [k, num(v)])
          .filter(([, v]) => v !== undefined && !Number.isNaN(v)),
      );
      return buildArm(type, cuped, fields, (field) => `${opts.where}: ${name}/${variant}.${field}`);
    });
    const m = opts.metrics?.[name] ?? {};
    return {
      name,
      type,
      cuped,
      lowerIsBetter: m.lowerIsBetter ?? false,
      guardrail: m.guardrail ?? false,
      nonInferiorityMargin: m.nonInferiorityMargin ?? 0,
      ...(m.absoluteMargin ? { absoluteMargin: m.absoluteMargin } : {}),
      arms,
    };
  });
  const first = metrics[0]?.arms ?? [];
  return {
    settings: {},
    variants: variantOrder.map((name, i) => ({
      name,
      weight: opts.weights?.[name] ?? 1,
      users: first[i] ? armUnits(first[i]) : undefined,
    })),
    metrics,
    daysRunning: opts.daysRunning ?? null,
    multipleExposures: opts.multipleExposures ?? null,
  };
}

function armUnits(arm: { kind: string; n?: number; post?: { n: number } }): number | undefined {
  return arm.kind === 'cuped' ? arm.post?.n : arm.n;
}
