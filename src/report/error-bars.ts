import { INK, PALETTE } from './chart-theme.ts';
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
  sideHeight,
  toValues,
  tooltipField,
} from './chart-spec-parts.ts';
import type { TableColumn } from './dashboard.ts';
import { formatValue } from './format-number.ts';

export interface ErrorBarsOptions extends ChartOptions {
  data: readonly Row[];
  category: string;
  estimate: string;
  low: string;
  high: string;
  /** Draw a dashed reference line (e.g. 0 for lift) and colour intervals that exclude it. */
  reference?: number;
  categoryTitle?: string;
  valueTitle?: string;
}

/**
 * Point estimates with confidence intervals per category (experiment lifts, rates), with an
 * optional dashed reference line; intervals that exclude the reference are coloured and named.
 *
 * @example
 * errorBars({ title: 'Lift by variant (95% CI)', data: rows, category: 'variant', estimate: 'lift',
 *             low: 'ci_low', high: 'ci_high', format: 'percent', reference: 0 });
 */
export function errorBars(options: ErrorBarsOptions): ChartSpec {
  const { data, category, estimate, low, high, reference } = options;
  const format = options.format ?? 'number';
  const values = toValues(data).map((r) => {
    if (reference === undefined) return r;
    const lo = Number(r[low]);
    const hi = Number(r[high]);
    const excludes = Number.isFinite(lo) && Number.isFinite(hi) && (lo > reference || hi < reference);
    return {
      ...r,
      interval: excludes
        ? `Excludes ${formatValue(reference, format)}`
        : `Includes ${formatValue(reference, format)}`,
    };
  });
  const columns: TableColumn[] = [
    { key: category, label: options.categoryTitle ?? category },
    measureColumn(estimate, options.valueTitle ?? estimate, options),
    measureColumn(low, 'Low', options),
    measureColumn(high, 'High', options),
  ];
  const axis = axisLabels(format, maxAbs(data, low, high, estimate));
  const color =
    reference === undefined
      ? { value: PALETTE[0] }
      : {
          field: 'interval',
          type: 'nominal',
          title: 'Interval',
          scale: {
            domain: [
              `Excludes ${formatValue(reference, format)}`,
              `Includes ${formatValue(reference, format)}`,
            ],
            range: [PALETTE[0], '#9ca3af'],
          },
        };
  const y = { field: category, type: 'nominal', title: options.categoryTitle ?? category, sort: null };
  const tooltip = columns.map((c) => tooltipField(c));
  const layers: AnyObject[] = [
    {
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: {
        y,
        x: {
          field: low,
          type: 'quantitative',
          title: options.valueTitle ?? estimate,
          axis,
          scale: { zero: false },
        },
        x2: { field: high },
        color,
        tooltip,
      },
    },
    {
      mark: { type: 'point', filled: true, size: 70, opacity: 1 },
      encoding: { y, x: { field: estimate, type: 'quantitative' }, color, tooltip },
    },
  ];
  if (reference !== undefined) {
    layers.push({
      data: { values: [{ reference }] },
      mark: { type: 'rule', strokeDash: [4, 3], color: INK },
      encoding: { x: { field: 'reference', type: 'quantitative' } },
    });
  }
  return asSpec({
    ...baseSpec(options, columns),
    height: options.height ?? sideHeight(categoryCount(data, category)),
    data: { values },
    layer: layers,
  });
}
