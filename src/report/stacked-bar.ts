import { CHART_HEIGHT } from './chart-theme.ts';
import {
  type ChartSpec,
  asSpec,
  axisLabels,
  baseSpec,
  categoryAxis,
  categoryCount,
  measureColumn,
  sideHeight,
  sortFor,
  toValues,
  tooltipField,
} from './chart-spec-parts.ts';
import type { TableColumn } from './dashboard.ts';
import type { BarChartOptions } from './bar-chart.ts';

export interface StackedBarOptions extends Omit<BarChartOptions, 'color'> {
  /** Series field whose values are stacked. */
  color: string;
  /** Stack to 100% (shares) instead of absolute values. */
  normalize?: boolean;
}

/**
 * Bars stacked by a series field (absolute, or shares with `normalize`).
 *
 * @example
 * stackedBar({ title: 'Pipeline by partner and channel', data: rows, x: 'partner', y: 'pipeline',
 *              color: 'channel', format: 'currency' });
 */
export function stackedBar(options: StackedBarOptions): ChartSpec {
  const { data, x, y, color, horizontal = false, normalize = false } = options;
  const format = normalize ? 'percent' : (options.format ?? 'number');
  const [cat, val] = horizontal ? (['y', 'x'] as const) : (['x', 'y'] as const);
  const columns: TableColumn[] = [
    { key: x, label: options.xTitle ?? x },
    { key: color, label: options.colorTitle ?? color },
    measureColumn(y, options.yTitle, options),
  ];
  // Stack heights are totals per category, so the axis format follows the largest total.
  const totals = new Map<unknown, number>();
  for (const r of data) totals.set(r[x], (totals.get(r[x]) ?? 0) + Math.abs(Number(r[y]) || 0));
  const max = normalize ? 1 : Math.max(0, ...totals.values());
  return asSpec({
    ...baseSpec(options, columns),
    height: options.height ?? (horizontal ? sideHeight(categoryCount(data, x)) : CHART_HEIGHT),
    data: { values: toValues(data) },
    mark: { type: 'bar' },
    encoding: {
      [cat]: {
        field: x,
        type: 'nominal',
        title: options.xTitle ?? x,
        sort: sortFor(options.sort, y),
        axis: categoryAxis(horizontal, categoryCount(data, x), options.width),
      },
      [val]: {
        field: y,
        type: 'quantitative',
        aggregate: 'sum',
        stack: normalize ? 'normalize' : 'zero',
        title: normalize ? `Share of ${options.yTitle ?? y}` : (options.yTitle ?? y),
        axis: axisLabels(format, max),
      },
      color: { field: color, type: 'nominal', title: options.colorTitle ?? color },
      order: { field: color, type: 'ordinal' },
      tooltip: columns.map((c) => tooltipField(c)),
    },
  });
}
