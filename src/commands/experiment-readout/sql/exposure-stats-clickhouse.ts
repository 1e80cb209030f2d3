/**
 * The ClickHouse form of the exposure reduction (`sufficientStatsSql` is the DuckDB one): raw
 * exposure/outcome rows → per-variant sufficient statistics, with the same meaning (a NULL value
 * counts as 0; with a unit column, rows are summed per unit first; a proportion counts units whose
 * value is not 0). ClickHouse 18.16 has no `WITH`, so the statistics of every metric come out of
 * one scan as one wide row per variant, and `statsRowsFromWide` lays them out as the DuckDB query
 * does: one row per metric and variant, metric order kept, the control first, then by variant.
 *
 * On a `Distributed` table the shards run the scan and the per-unit sums; when the table is sharded
 * by the unit (as `gtm engine load` shards assignments), `perUnitOnShards` keeps each shard's
 * per-unit rows on the shard and only per-variant sums travel.
 */
import { quoteIdent } from '../../../data/sql-text.ts';
import {
  STAT_COLUMNS,
  type StatsRow,
  type SufficientStatsMetric,
} from '../../shared/experiment-review/index.ts';

export interface ExposureStatsOptions {
  /** A quoted relation, e.g. `"gtm"."exposures"`. */
  relation: string;
  variantColumn: string;
  unitColumn?: string;
  metrics: readonly SufficientStatsMetric[];
  /** Every unit's rows are on one shard: aggregate per unit there (`distributed_group_by_no_merge`). */
  perUnitOnShards?: boolean;
}

/** The query's column for metric `i`'s statistic `stat` (e.g. `m0_sum_squares`). */
const col = (i: number, stat: string) => `m${i}_${stat}`;

/** The statistics of each metric type, as `[name, expression over unit values]`. */
function statExprs(metric: SufficientStatsMetric, ref: (column: string) => string): [string, string][] {
  if (metric.type === 'ratio') {
    const m = ref(metric.numeratorColumn);
    const d = ref(metric.denominatorColumn);
    return [
      ['num_sum', `sum(${m})`],
      ['num_sum_squares', `sum(${m} * ${m})`],
      ['den_sum', `sum(${d})`],
      ['den_sum_squares', `sum(${d} * ${d})`],
      ['num_den_sum_product', `sum(${m} * ${d})`],
    ];
  }
  const y =
    metric.type === 'proportion' ? `if(${ref(metric.valueColumn)} != 0, 1., 0.)` : ref(metric.valueColumn);
  const out: [string, string][] = [
    ['sum', `sum(${y})`],
    ['sum_squares', `sum(${y} * ${y})`],
  ];
  if (metric.preColumn !== undefined) {
    const pre = ref(metric.preColumn);
    out.push(
      ['pre_sum', `sum(${pre})`],
      ['pre_sum_squares', `sum(${pre} * ${pre})`],
      ['post_pre_sum_product', `sum(${y} * ${pre})`],
    );
  }
  return out;
}

/**
 * One row per variant: `variant`, `n` (units) and `m<i>_<stat>` for every metric.
 *
 * @example
 * exposureStatsClickHouseSql({ relation: '"exposures"', variantColumn: 'variant', unitColumn: 'user_id',
 *   metrics: [{ name: 'signup', type: 'proportion', valueColumn: 'signed_up' }] });
 */
export function exposureStatsClickHouseSql(o: ExposureStatsOptions): string {
  const q = (c: string) => quoteIdent(c, 'clickhouse');
  const columns: string[] = [];
  const ref = (column: string) => {
    let i = columns.indexOf(column);
    if (i < 0) i = columns.push(column) - 1;
    return `c${i}`;
  };
  const stats = o.metrics.flatMap((m, i) => statExprs(m, ref).map(([s, e]) => `${e} AS ${col(i, s)}`));
  const value = (c: string) => `ifNull(toFloat64(${q(c)}), 0.)`;
  // Per unit, as DuckDB's `sufficientStatsSql`: its variant (NULL when a row of it has none) and
  // the number it saw; a unit that saw several is left out (`multipleExposuresClickHouseSql`).
  const v = q(o.variantColumn);
  const perUnit = o.unitColumn
    ? `SELECT gtm_variant AS variant, ${columns.map((_, i) => `c${i}`).join(', ')} FROM (` +
      `SELECT if(countIf(isNull(${v})) > 0, NULL, min(${v})) AS gtm_variant, uniqExact(${v}) AS gtm_variants, ` +
      `${columns.map((c, i) => `sum(${value(c)}) AS c${i}`).join(', ')} ` +
      `FROM ${o.relation} GROUP BY ${q(o.unitColumn)}${noMerge(o)}) WHERE gtm_variants <= 1`
    : `SELECT ${v} AS variant, ${columns.map((c, i) => `${value(c)} AS c${i}`).join(', ')} FROM ${o.relation}`;
  return `SELECT toString(variant) AS variant, count() AS n, ${stats.join(', ')} FROM (${perUnit}) GROUP BY variant`;
}

const noMerge = (o: { perUnitOnShards?: boolean }) =>
  o.perUnitOnShards ? ' SETTINGS distributed_group_by_no_merge = 1' : '';

/**
 * Units seen in more than one variant (`multiple`), the ones `exposureStatsClickHouseSql` leaves
 * out; counted on the shards when every unit's rows are on one shard.
 */
export function multipleExposuresClickHouseSql(
  o: Pick<ExposureStatsOptions, 'relation' | 'variantColumn' | 'perUnitOnShards'> & { unitColumn: string },
): string {
  const q = (c: string) => quoteIdent(c, 'clickhouse');
  return `SELECT count() AS multiple FROM (SELECT uniqExact(${q(o.variantColumn)}) AS gtm_variants FROM ${o.relation} GROUP BY ${q(o.unitColumn)}${noMerge(o)}) WHERE gtm_variants > 1`;
}

/** The wide rows in `sufficientStatsSql`'s layout: per metric (in order), the control first, then by variant. */
export function statsRowsFromWide(
  wide: readonly Record<string, unknown>[],
  metrics: readonly SufficientStatsMetric[],
  control: string | undefined,
): StatsRow[] {
  const order = [...wide].sort((a, b) => {
    const [x, y] = [a.variant, b.variant].map((v) => (v === null ? '' : String(v)));
    if (control !== undefined && (x === control) !== (y === control)) return x === control ? -1 : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return metrics.flatMap((m, i) =>
    order.map((r) => {
      const row: StatsRow = {
        metric: m.name,
        type: m.type,
        variant: r.variant as string,
        n: Number(r.n),
      };
      for (const s of STAT_COLUMNS) row[s] = r[col(i, s)] === undefined ? null : Number(r[col(i, s)]);
      return row;
    }),
  );
}
