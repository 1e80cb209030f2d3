import { colocated, distributedTable } from '../../data/clickhouse-distributed.ts';
import { openClickHouse, openDuckDb, quoteIdent, type Engine } from '../../data/index.ts';
import { fileColumns, fileReadError, fileRelationSql, findNonNumber } from '../../data/file-relation.ts';
import { GtmError } from '../../errors/index.ts';
import { parseMetricSpecs } from './metric-specs.ts';
import { parseWeightSpecs, WEIGHTS_EXAMPLE } from './weight-specs.ts';
import {
  exposureStatsClickHouseSql,
  multipleExposuresClickHouseSql,
  statsRowsFromWide,
} from './sql/exposure-stats-clickhouse.ts';
import {
  analyzeWithFlags,
  checkReadoutFlags,
  type ExperimentReadoutOptions,
} from './run-experiment-readout.ts';
import {
  defaultControl,
  multipleExposuresSql,
  type ControlChoice,
  readoutInputFromRows,
  sufficientStatsSql,
  type ReadoutResult,
  type StatsRow,
  type SufficientStatsMetric,
} from '../shared/experiment-review/index.ts';

export { parseMetricSpecs } from './metric-specs.ts';

export interface RawReadoutOptions extends Omit<ExperimentReadoutOptions, 'input'> {
  /** Raw exposure/outcome rows: Parquet, CSV or NDJSON; with `clickhouse`, a table (`db.table`). */
  exposures: string;
  /** ClickHouse HTTP url: reduce the exposures on that server (a `Distributed` table spreads the work). */
  clickhouse?: string;
  variantColumn: string;
  /** Rows are summed per unit first when given. */
  unitColumn?: string;
  /** `name:proportion:column`, `name:mean:column[:pre_column]` (CUPED), `name:ratio:numerator/denominator`. */
  metrics: string[];
  /**
   * The control variant; it must be one of the variants in the file. Default: a variant named
   * control, holdout, baseline or original (`defaultControl`), else the first in sort order.
   */
  control?: string;
  /**
   * Planned traffic weight per variant (any scale), for the sample ratio check: every variant
   * found, each once; `variant:weight` specs as `--weights` takes them, or an object. Default equal.
   */
  weights?: readonly string[] | Readonly<Record<string, number>>;
}

/** What a raw readout returns: the readout, the rows it was reduced from and the control it took. */
export type RawReadoutResult = ReadoutResult & {
  reduced_from: { file: string; rows: number };
  control_arm: ControlChoice;
};

/** The numeric input columns of the metrics (what the engine casts to DOUBLE). */
function metricColumns(metrics: readonly SufficientStatsMetric[]): string[] {
  return metrics.flatMap((m) =>
    m.type === 'ratio'
      ? [m.numeratorColumn, m.denominatorColumn]
      : [m.valueColumn, ...(m.preColumn ? [m.preColumn] : [])],
  );
}

/**
 * A readout straight from raw exposure/outcome rows: the engine reduces them to per-variant
 * sufficient statistics (one pass, GROUP BY variant), then the readout runs on those. The file's
 * problems are INPUT errors naming it (and the line and column of a value that is not a finite
 * number); a `control` that is not among the variants found is a USAGE error listing them, and
 * so is a weight of a variant not found or a variant without a weight. The sample ratio check
 * tests the units per arm against the planned weights (equal without them).
 *
 * @example await runRawReadout({ exposures: 'exposures.parquet', variantColumn: 'variant', unitColumn: 'user_id', metrics: ['signup:proportion:signed_up'] })
 */
export async function runRawReadout(opts: RawReadoutOptions): Promise<RawReadoutResult> {
  const metrics = parseMetricSpecs(opts.metrics);
  const flags = checkReadoutFlags(opts);
  const weights = Array.isArray(opts.weights)
    ? parseWeightSpecs(opts.weights as readonly string[])
    : (opts.weights as Readonly<Record<string, number>> | undefined);
  if (weights !== undefined && !Array.isArray(opts.weights)) parseWeightSpecs(weightSpecs(weights));
  const file = opts.exposures;
  if (opts.clickhouse !== undefined) {
    const { n, rows, multiple } = await reduceOnClickHouse(opts, metrics);
    return readout(rows, opts, weights, flags, n, multiple);
  }
  const relation = fileRelationSql(file, '--exposures');
  const engine = await openDuckDb();
  try {
    await engine.exec(`CREATE VIEW exposures AS SELECT * FROM ${relation}`).catch((err: unknown) => {
      throw fileReadError(err, file);
    });
    const needed: Record<string, string> = { [opts.variantColumn]: '--variant-column' };
    if (opts.unitColumn) needed[opts.unitColumn] = '--unit-column';
    for (const c of metricColumns(metrics)) needed[c] ??= '--metric';
    await fileColumns(engine, 'exposures', file, needed);
    const { n, rows, multiple } = await reduce(engine, opts, metrics);
    return readout(rows, opts, weights, flags, n, multiple);
  } finally {
    await engine.close();
  }
}

/** Weights as `variant:weight` specs, to check an object as the flag's values are checked. */
const weightSpecs = (w: Readonly<Record<string, number>>): string[] =>
  Object.entries(w).map(([k, v]) => `${k}:${v}`);

/**
 * The readout of the reduced rows: the variants checked, the control taken (`--control`, else
 * `defaultControl`) moved first, the weights checked against the variants found. `multiple`
 * counts the units seen in more than one variant (left out of every arm; null without a unit
 * column, when units cannot be told apart): the health check's multiple exposures.
 */
function readout(
  rows: StatsRow[],
  opts: RawReadoutOptions,
  weights: Readonly<Record<string, number>> | undefined,
  flags: ReturnType<typeof checkReadoutFlags>,
  n: number,
  multiple: number | null,
): RawReadoutResult {
  const file = opts.exposures;
  const found = checkVariants(rows, opts, file);
  if (weights !== undefined) checkWeights(weights, found, file);
  const control: ControlChoice =
    opts.control !== undefined
      ? { variant: opts.control, chosen_by: 'flag', reason: 'given by --control' }
      : defaultControl(found);
  // control first (the readout's arms follow the rows' order), the others in sort order
  const ordered = [...rows].sort(
    (a, b) => Number(String(b.variant) === control.variant) - Number(String(a.variant) === control.variant),
  );
  // the sample ratio check: units per arm against the planned weights, equal unless given
  const input = readoutInputFromRows(ordered, { where: file, weights, multipleExposures: multiple });
  const result = analyzeWithFlags(input, flags, file);
  return { ...result, reduced_from: { file, rows: n }, control_arm: control };
}

/** Every variant found has a weight and every weight names a variant found (USAGE naming --weights). */
function checkWeights(
  weights: Readonly<Record<string, number>>,
  found: readonly string[],
  file: string,
): void {
  const listed = found.map((v) => JSON.stringify(v)).join(', ');
  const unknown = Object.keys(weights).find((k) => !found.includes(k));
  if (unknown !== undefined)
    throw new GtmError('USAGE', `no variant "${unknown}" in ${file}`, {
      where: '--weights',
      hint: `variants found: ${listed}; give one weight per variant, e.g. ${WEIGHTS_EXAMPLE}`,
    });
  const missing = found.find((v) => weights[v] === undefined);
  if (missing !== undefined)
    throw new GtmError('USAGE', `gives no weight for variant "${missing}" of ${file}`, {
      where: '--weights',
      hint: `variants found: ${listed}; give one weight per variant, e.g. ${WEIGHTS_EXAMPLE}`,
    });
}

/**
 * The reduction on ClickHouse: the table's columns checked (a missing one names its flag), then one
 * scan to per-variant statistics; per-unit sums stay on the shards when the table is sharded by
 * the unit column.
 */
async function reduceOnClickHouse(
  opts: RawReadoutOptions,
  metrics: SufficientStatsMetric[],
): Promise<{ n: number; rows: StatsRow[]; multiple: number | null }> {
  const table = opts.exposures;
  if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$/.test(table))
    throw new GtmError('USAGE', `"${table}" is not a ClickHouse table name`, {
      where: '--exposures',
      hint: 'with --clickhouse, give a table: exposures or analytics.exposures',
    });
  const parts = table.split('.');
  const relation = parts.map((p) => quoteIdent(p, 'clickhouse')).join('.');
  const engine = await openClickHouse({ url: opts.clickhouse as string, origin: '--clickhouse' });
  try {
    const present = (await engine.query<{ name: string }>(`DESCRIBE TABLE ${relation}`)).map((c) =>
      String(c.name),
    );
    const have = new Set(present.map((c) => c.toLowerCase()));
    const needed: [string, string][] = [[opts.variantColumn, '--variant-column']];
    if (opts.unitColumn) needed.push([opts.unitColumn, '--unit-column']);
    for (const c of metricColumns(metrics)) needed.push([c, '--metric']);
    for (const [name, flag] of needed)
      if (!have.has(name.toLowerCase()))
        throw new GtmError('INPUT', `has no column "${name}" (named by ${flag})`, {
          where: table,
          hint: `columns found: ${present.join(', ')}; fix ${flag}`,
        });
    const dist = await distributedTable(
      engine,
      parts[parts.length - 1],
      parts.length > 1 ? parts[0] : undefined,
    );
    const [{ n }] = await engine.query<{ n: number }>(`SELECT count() AS n FROM ${relation}`);
    const perUnitOnShards =
      opts.unitColumn !== undefined && dist !== null && colocated(dist, [opts.unitColumn]);
    const wide = await engine.query(
      exposureStatsClickHouseSql({
        relation,
        variantColumn: opts.variantColumn,
        unitColumn: opts.unitColumn,
        metrics,
        perUnitOnShards,
      }),
    );
    const multiple =
      opts.unitColumn === undefined
        ? null
        : Number(
            (
              await engine.query<{ multiple: number }>(
                multipleExposuresClickHouseSql({
                  relation,
                  variantColumn: opts.variantColumn,
                  unitColumn: opts.unitColumn,
                  perUnitOnShards,
                }),
              )
            )[0].multiple,
          );
    const rows = statsRowsFromWide(wide, metrics, opts.control);
    if (rows.some((r) => Object.values(r).some((v) => typeof v === 'number' && !Number.isFinite(v))))
      throw new GtmError('INPUT', 'the sums of a metric column exceed the range of a number', {
        where: table,
        hint: 'rescale the values (e.g. cents to thousands) so their squares sum below 1e308',
      });
    return { n: Number(n), rows, multiple };
  } finally {
    await engine.close();
  }
}

/** Row count and per-variant statistics; a value that is not a finite number is an INPUT error at its row. */
async function reduce(
  engine: Engine,
  opts: RawReadoutOptions,
  metrics: SufficientStatsMetric[],
): Promise<{ n: number; rows: StatsRow[]; multiple: number | null }> {
  const file = opts.exposures;
  const badValue = () => findNonNumber(engine, 'exposures', file, metricColumns(metrics));
  let n: number;
  let rows: StatsRow[];
  let multiple: number | null = null;
  try {
    [{ n }] = await engine.query<{ n: number }>('SELECT count(*) AS n FROM exposures');
    rows = await engine.query<StatsRow>(
      sufficientStatsSql({
        table: 'exposures',
        variantColumn: opts.variantColumn,
        unitColumn: opts.unitColumn,
        metrics,
        controlVariant: opts.control,
      }),
    );
    if (opts.unitColumn !== undefined) {
      const [counted] = await engine.query<{ multiple: number }>(
        multipleExposuresSql('exposures', opts.variantColumn, opts.unitColumn),
      );
      multiple = Number(counted.multiple);
    }
  } catch (err) {
    throw (await badValue().catch(() => undefined)) ?? fileReadError(err, file);
  }
  const infinite = rows.some((r) =>
    Object.values(r).some((v) => typeof v === 'number' && !Number.isFinite(v)),
  );
  if (infinite)
    throw (
      (await badValue()) ??
      new GtmError('INPUT', 'the sums of a metric column exceed the range of a number', {
        where: file,
        hint: 'rescale the values (e.g. cents to thousands) so their squares sum below 1e308',
      })
    );
  return { n: Number(n), rows, multiple };
}

/** Every row has a variant, and `control` is one of the variants found; returns them in sort order. */
function checkVariants(rows: readonly StatsRow[], opts: RawReadoutOptions, file: string): string[] {
  if (rows.some((r) => r.variant === null || r.variant === undefined))
    throw new GtmError('INPUT', `some rows have no value in the variant column "${opts.variantColumn}"`, {
      where: file,
      hint: 'fill the variant of every exposure, or drop the rows without one',
    });
  const found = [...new Set(rows.map((r) => String(r.variant)))];
  if (opts.control !== undefined && !found.includes(opts.control))
    throw new GtmError('USAGE', `no variant "${opts.control}" in ${file}`, {
      where: '--control',
      hint: `variants found: ${found.map((v) => JSON.stringify(v)).join(', ') || '(none)'}`,
    });
  return found;
}
