import { quoteIdent, quoteString } from '../../../data/sql-text.ts';
import { GtmError } from '../../../errors/index.ts';
import { exactSum, exactSumProduct } from '../exact-sum.ts';

/** One metric to reduce; columns hold per-row values (summed per unit when `unitColumn` is set). */
export type SufficientStatsMetric =
  | {
      readonly name: string;
      readonly type: 'proportion' | 'mean';
      readonly valueColumn: string;
      /** Pre-period covariate for CUPED. */
      readonly preColumn?: string;
    }
  | {
      readonly name: string;
      readonly type: 'ratio';
      readonly numeratorColumn: string;
      readonly denominatorColumn: string;
    };

export interface SufficientStatsSqlOptions {
  /** Table (or view) name; give an array for a qualified name, e.g. ['analytics', 'exposures']. */
  readonly table: string | readonly string[];
  readonly variantColumn: string;
  /**
   * When set, rows are first summed per unit (a proportion takes 1 if any row of the unit is
   * non-zero), because the statistics are per unit, and a unit seen in more than one variant is
   * left out of every arm (a multiple exposure: `multipleExposuresSql` counts them). Leave it out
   * when the table already has one row per unit.
   */
  readonly unitColumn?: string;
  readonly metrics: readonly SufficientStatsMetric[];
  /** Sorted first in the output, so it becomes the readout's control. */
  readonly controlVariant?: string;
  /**
   * The values are amounts (or 0/1 flags): sum them as exact decimals rounded to 6 decimals
   * (`exactSum`), so the same rows give the same statistics on every run (DOUBLE sums of a parallel
   * aggregate differ in the last bits). Off by default: a general metric may be finer than 1e-6.
   */
  readonly exactAmounts?: boolean;
}

/**
 * Builds a DuckDB SELECT that reduces raw exposure/outcome rows to per-variant sufficient
 * statistics, in the readout's CSV layout (one row per metric and variant):
 * metric, type, variant, n, sum, sum_squares, num_sum, num_sum_squares, den_sum,
 * den_sum_squares, num_den_sum_product, pre_sum, pre_sum_squares, post_pre_sum_product
 * (NULL where a column does not apply to the metric's type). `n` is BIGINT, the sums DOUBLE; a
 * NULL value counts as 0, so every exposed unit is in `n`. Identifiers are double-quoted with
 * embedded quotes doubled, names are string literals with embedded quotes doubled (one module
 * does both: data/sql-text).
 *
 * @example
 * sufficientStatsSql({
 *   table: 'exposures',
 *   variantColumn: 'variant',
 *   unitColumn: 'user_id',
 *   metrics: [{ name: 'signup', type: 'proportion', valueColumn: 'signed_up' }],
 *   controlVariant: 'A',
 * });
 */
export function sufficientStatsSql(options: SufficientStatsSqlOptions): string {
  if (options.metrics.length === 0)
    throw new GtmError('INTERNAL', 'sufficientStatsSql needs at least one metric');
  const table = (Array.isArray(options.table) ? options.table : [options.table as string])
    .map((p) => quoteIdent(p))
    .join('.');
  const variant = quoteIdent(options.variantColumn);

  const exact = options.exactAmounts === true;
  const SUM = (x: string) => (exact ? exactSum(x) : `SUM(${x})`);
  const PRODUCT = (a: string, b: string = a) => (exact ? exactSumProduct(a, b) : `SUM(${a} * ${b})`);

  // Every distinct input column becomes c0, c1, … in the per-unit relation.
  const columns: string[] = [];
  const ref = (column: string): string => {
    let i = columns.indexOf(column);
    if (i < 0) i = columns.push(column) - 1;
    return `c${i}`;
  };
  const selects = options.metrics.map((metric, index) => {
    if (metric.type === 'ratio') {
      const m = ref(metric.numeratorColumn);
      const d = ref(metric.denominatorColumn);
      return statsSelect(index, metric.name, 'ratio', {
        num_sum: SUM(m),
        num_sum_squares: PRODUCT(m),
        den_sum: SUM(d),
        den_sum_squares: PRODUCT(d),
        num_den_sum_product: PRODUCT(m, d),
      });
    }
    const y =
      metric.type === 'proportion'
        ? `(CASE WHEN ${ref(metric.valueColumn)} <> 0 THEN 1 ELSE 0 END)`
        : ref(metric.valueColumn);
    const pre = metric.preColumn === undefined ? null : ref(metric.preColumn);
    return statsSelect(index, metric.name, metric.type, {
      sum: SUM(y),
      sum_squares: PRODUCT(y),
      ...(pre
        ? {
            pre_sum: SUM(pre),
            pre_sum_squares: PRODUCT(pre),
            post_pre_sum_product: PRODUCT(y, pre),
          }
        : {}),
    });
  });

  // Booleans cast to DOUBLE as 0/1; NULL outcomes are 0 (exposed, no outcome).
  const value = (column: string) => `COALESCE(CAST(${quoteIdent(column)} AS DOUBLE), 0)`;
  // Per unit: its variant, or NULL when a row of it has none (reported by the caller), and the
  // number of variants it saw; a unit that saw several is left out (`multipleExposuresSql`).
  const perUnit = options.unitColumn
    ? `SELECT variant, ${columns.map((_, i) => `c${i}`).join(', ')} FROM (\n  SELECT CASE WHEN count(*) FILTER (WHERE ${variant} IS NULL) > 0 THEN NULL ELSE min(${variant}) END AS variant, count(DISTINCT ${variant}) AS variants, ${columns.map((c, i) => `${SUM(value(c))} AS c${i}`).join(', ')}\n  FROM ${table}\n  GROUP BY ${quoteIdent(options.unitColumn)}) u\n  WHERE variants <= 1`
    : `SELECT ${variant} AS variant, ${columns.map((c, i) => `${value(c)} AS c${i}`).join(', ')}\n  FROM ${table}`;

  const order =
    options.controlVariant === undefined
      ? ''
      : `CASE WHEN variant = ${quoteString(options.controlVariant)} THEN 0 ELSE 1 END, `;
  return [
    `WITH units AS (\n  ${perUnit}\n),`,
    `stats AS (\n${selects.join('\nUNION ALL\n')}\n)`,
    `SELECT metric, type, variant, n, ${STAT_COLUMNS.join(', ')}`,
    'FROM stats',
    `ORDER BY metric_order, ${order}variant`,
  ].join('\n');

  function statsSelect(index: number, name: string, type: string, exprs: Record<string, string>): string {
    const out = STAT_COLUMNS.map((c) => `CAST(${exprs[c] ?? 'NULL'} AS DOUBLE) AS ${c}`);
    return [
      `SELECT ${index} AS metric_order, ${quoteString(name)} AS metric, ${quoteString(type)} AS type, CAST(variant AS VARCHAR) AS variant,`,
      `  COUNT(*)::BIGINT AS n, ${out.join(', ')}`,
      'FROM units GROUP BY variant',
    ].join('\n');
  }
}

/** The statistic columns of a sufficient-statistics row, in order (NULL where a metric type has none). */
export const STAT_COLUMNS = [
  'sum',
  'sum_squares',
  'num_sum',
  'num_sum_squares',
  'den_sum',
  'den_sum_squares',
  'num_den_sum_product',
  'pre_sum',
  'pre_sum_squares',
  'post_pre_sum_product',
];

/**
 * Units seen in more than one variant (`multiple`): the multiple exposures `sufficientStatsSql`
 * leaves out when given a unit column.
 *
 * @example multipleExposuresSql('exposures', 'variant', 'user_id'); // SELECT count(*) AS multiple …
 */
export function multipleExposuresSql(
  table: string | readonly string[],
  variantColumn: string,
  unitColumn: string,
): string {
  const relation = (Array.isArray(table) ? table : [table as string]).map((p) => quoteIdent(p)).join('.');
  return `SELECT count(*)::BIGINT AS multiple FROM (SELECT 1 FROM ${relation} GROUP BY ${quoteIdent(unitColumn)} HAVING count(DISTINCT ${quoteIdent(variantColumn)}) > 1) m`;
}
