import { CHART_HEIGHT, INK } from './chart-theme.ts';
import {
  type AnyObject,
  type CategorySort,
  type ChartOptions,
  type ChartSpec,
  type Row,
  asSpec,
  axisLabels,
  baseSpec,
  categoryAxis,
  categoryCount,
  maxAbs,
  measureColumn,
  sideHeight,
  sortFor,
  toValues,
  tooltipField,
  valueLabelFormat,
} from './chart-spec-parts.ts';
import type { TableColumn } from './dashboard.ts';

export interface BarChartOptions extends ChartOptions {
  data: readonly Row[];
  /** Category field. */
  x: string;
  /** Measure field. */
  y: string;
  /** Series field: bars are grouped side by side (use `stackedBar` to stack). */
  color?: string;
  /** Legend title for `color` (default: the field name). */
  colorTitle?: string;
  /** Category order: by measure (default descending), data order (`none`) or an explicit list. */
  sort?: CategorySort;
  /** Draw categories down the side (better for long names and many categories). */
  horizontal?: boolean;
  xTitle?: string;
  yTitle?: string;
}

/**
 * Bars of one measure by category, optionally grouped by a series field.
 *
 * @example
 * barChart({ title: 'Sourced pipeline by partner', data: rows, x: 'partner', y: 'pipeline',
 *            format: 'currency', horizontal: true });
 */
export function barChart(options: BarChartOptions): ChartSpec {
  const { data, x, y, color, horizontal = false } = options;
  const format = options.format ?? 'number';
  const [cat, val] = horizontal ? (['y', 'x'] as const) : (['x', 'y'] as const);
  const columns: TableColumn[] = [{ key: x, label: options.xTitle ?? x }];
  if (color) columns.push({ key: color, label: options.colorTitle ?? color });
  columns.push(measureColumn(y, options.yTitle, options));
  const max = maxAbs(data, y);
  const series = color ? categoryCount(data, color) : 1;
  const encoding: AnyObject = {
    [cat]: {
      field: x,
      type: 'nominal',
      title: options.xTitle ?? x,
      sort: sortFor(options.sort, y),
      axis: categoryAxis(horizontal, categoryCount(data, x), options.width),
    },
    [val]: { field: y, type: 'quantitative', title: options.yTitle ?? y, axis: axisLabels(format, max) },
    tooltip: columns.map((c) => tooltipField(c)),
  };
  if (color) {
    encoding.color = { field: color, type: 'nominal', title: options.colorTitle ?? color };
    encoding[horizontal ? 'yOffset' : 'xOffset'] = { field: color };
  }
  const layers: AnyObject[] = [{ mark: { type: 'bar' } }];
  if (horizontal && !color) {
    layers.push({
      mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 11, color: INK },
      encoding: { text: { field: y, type: 'quantitative', format: valueLabelFormat(format, max) } },
    });
  }
  return asSpec({
    ...baseSpec(options, columns),
    height: options.height ?? (horizontal ? sideHeight(categoryCount(data, x) * series) : CHART_HEIGHT),
    data: { values: toValues(data) },
    encoding,
    layer: layers,
  });
}
