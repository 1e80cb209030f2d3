/**
 * Pieces shared by the chart helpers (`bar-chart.ts` … `error-bars.ts`): option types, data
 * conversion, number formats for axes, labels and tooltips, and the common top of every spec.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_STEP, CHART_WIDTH, chartConfig } from './chart-theme.ts';
import type { TableColumn, ValueFormat } from './dashboard.ts';
import { currencySymbol } from './format-number.ts';

export type ChartSpec = TopLevelSpec;
export type Row = Record<string, unknown>;
export type AnyObject = Record<string, unknown>;

/** Category order: by the measure, data order (`none`) or an explicit list. */
export type CategorySort = 'ascending' | 'descending' | 'none' | string[];

/** Options shared by every chart helper. */
export interface ChartOptions {
  /** What the chart shows; the accessible description of the SVG. */
  title: string;
  /** Format of the measure (axis labels, tooltips, text tables). Default `number`. */
  format?: ValueFormat;
  /** ISO 4217 code when `format` is `currency`. Default USD. */
  currency?: string;
  width?: number;
  height?: number;
}
/**
 * The helpers assemble specs from parts whose literal types TypeScript cannot follow through
 * Vega-Lite's unions; the render tests compile every helper's output with Vega-Lite instead.
 */
export const asSpec = (spec: AnyObject): ChartSpec => spec as unknown as ChartSpec;

/** Plain JSON values: Dates become ISO strings, bigints numbers, undefined is dropped. */
export function toValues(data: readonly Row[]): AnyObject[] {
  return data.map((row) => {
    const out: AnyObject = {};
    for (const [k, v] of Object.entries(row)) {
      if (v === undefined) continue;
      out[k] = v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? Number(v) : v;
    }
    return out;
  });
}

export const maxAbs = (data: readonly Row[], ...fields: string[]): number => {
  let m = 0;
  for (const row of data)
    for (const f of fields) {
      const v = Number(row[f]);
      if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    }
  return m;
};

/** d3-format for tooltips: exact enough to read a value off. */
export function tooltipFormat(format: ValueFormat): string {
  if (format === 'currency') return '$,.2f';
  if (format === 'percent') return '.1%';
  if (format === 'integer') return ',d';
  return ',.2~f';
}

/** Labels on bars: whole units once values are large enough that cents are noise. */
export function valueLabelFormat(format: ValueFormat, max: number): string {
  if (format === 'currency') return max >= 1000 ? '$,.0f' : '$,.2f';
  if (format === 'number') return max >= 1000 ? ',.0f' : ',.2~f';
  return tooltipFormat(format);
}

/** Axis labels: compact (1.2M, $3.4B) for large magnitudes, plain otherwise. */
export function axisLabels(format: ValueFormat, max: number): AnyObject {
  if (format === 'percent') return { format: max < 0.05 ? '.1%' : '.0%' };
  const prefix = format === 'currency' ? '$' : '';
  if (max >= 1e9) return { labelExpr: `replace(format(datum.value, '${prefix}.3~s'), 'G', 'B')` };
  if (max >= 1e4) return { format: `${prefix}.3~s` };
  if (format === 'integer') return { format: `${prefix},d` };
  return { format: max < 10 ? `${prefix},.2~f` : `${prefix},.0f` };
}

export const categoryCount = (data: readonly Row[], field: string): number =>
  new Set(data.map((r) => r[field])).size;

/** Plot height for `n` categories down the side (axes and legend come on top of it). */
export const sideHeight = (n: number): number => Math.min(900, Math.max(3, n) * CHART_STEP);

/** Category axis: names down the side get room; names along the bottom get their band's width. */
export function categoryAxis(horizontal: boolean, categories: number, width = CHART_WIDTH): AnyObject {
  if (horizontal) return { labelLimit: 280 };
  const band = Math.floor((width - 120) / Math.max(1, categories)) - 8;
  return { labelAngle: 0, labelLimit: Math.max(60, Math.min(240, band)) };
}

export function baseSpec(options: ChartOptions, columns: TableColumn[]): AnyObject {
  return {
    description: options.title,
    width: options.width ?? CHART_WIDTH,
    // Width is fixed overall; height is the plot area, so bars keep their size whatever the legend.
    autosize: { type: 'fit-x', contains: 'padding' },
    config: chartConfig(currencySymbol(options.currency ?? 'USD')),
    usermeta: { table: columns },
  };
}

export function measureColumn(field: string, title: string | undefined, options: ChartOptions): TableColumn {
  return {
    key: field,
    label: title ?? field,
    format: options.format ?? 'number',
    currency: options.currency,
  };
}

/** Explicit sort objects (not "-x"), so layers sharing the category scale agree on its order. */
export function sortFor(sort: CategorySort | undefined, measure: string): unknown {
  if (Array.isArray(sort)) return sort;
  if (sort === 'none') return null;
  return { field: measure, op: 'sum', order: sort === 'ascending' ? 'ascending' : 'descending' };
}

export function tooltipField(column: TableColumn): AnyObject {
  if (column.format && column.format !== 'text') {
    return {
      field: column.key,
      type: 'quantitative',
      title: column.label,
      format: tooltipFormat(column.format),
    };
  }
  return { field: column.key, type: 'nominal', title: column.label };
}
