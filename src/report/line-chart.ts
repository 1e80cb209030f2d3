import { CHART_HEIGHT } from './chart-theme.ts';
import {
  type AnyObject,
  type ChartOptions,
  type ChartSpec,
  type Row,
  asSpec,
  axisLabels,
  baseSpec,
  categoryCount,
  maxAbs,
  measureColumn,
  toValues,
  tooltipField,
} from './chart-spec-parts.ts';
import type { TableColumn } from './dashboard.ts';

export interface LineChartOptions extends ChartOptions {
  data: readonly Row[];
  /** Date field: `YYYY-MM-DD` or ISO timestamps with a zone; read and labelled in UTC. */
  x: string;
  y: string;
  color?: string;
  /** Legend title for `color` (default: the field name). */
  colorTitle?: string;
  xTitle?: string;
  yTitle?: string;
  /** Draw a dot on each observation (default true when there are at most 60 points per series). */
  points?: boolean;
}

/**
 * A time series (one line per `color` value), read and labelled in UTC.
 *
 * @example
 * lineChart({ title: 'Weekly active members', data: rows, x: 'week', y: 'members', color: 'tier',
 *             format: 'integer' });
 */
export function lineChart(options: LineChartOptions): ChartSpec {
  const { data, x, y, color } = options;
  const format = options.format ?? 'number';
  const columns: TableColumn[] = [{ key: x, label: options.xTitle ?? x, format: 'text' }];
  if (color) columns.push({ key: color, label: options.colorTitle ?? color });
  columns.push(measureColumn(y, options.yTitle, options));
  const times = data.map((r) => Date.parse(String(r[x]))).filter(Number.isFinite);
  const spanDays = times.length > 0 ? (Math.max(...times) - Math.min(...times)) / 86_400_000 : 0;
  const dateFormat = spanDays > 400 ? '%b %Y' : spanDays > 2 ? '%b %-d' : '%b %-d %H:%M';
  // Few distinct dates (weekly or monthly series): one tick per observation, on the points.
  const distinct = [...new Set(times)].sort((a, b) => a - b);
  const ticks = distinct.length <= 16 ? { values: distinct } : {};
  const perSeries = data.length / (color ? Math.max(1, categoryCount(data, color)) : 1);
  const points = options.points ?? perSeries <= 60;
  const encoding: AnyObject = {
    x: {
      field: x,
      type: 'temporal',
      title: options.xTitle ?? x,
      scale: { type: 'utc' },
      axis: { labelAngle: 0, format: dateFormat, labelOverlap: true, ...ticks },
    },
    y: {
      field: y,
      type: 'quantitative',
      title: options.yTitle ?? y,
      axis: axisLabels(format, maxAbs(data, y)),
    },
    tooltip: [
      { field: x, type: 'temporal', title: options.xTitle ?? x, format: '%Y-%m-%d', formatType: 'utc' },
      ...columns.slice(1).map((c) => tooltipField(c)),
    ],
  };
  if (color) encoding.color = { field: color, type: 'nominal', title: options.colorTitle ?? color };
  return asSpec({
    ...baseSpec(options, columns),
    height: options.height ?? CHART_HEIGHT,
    data: { values: toValues(data) },
    mark: { type: 'line', strokeWidth: 2, point: points ? { size: 24 } : false },
    encoding,
  });
}
