import { CHART_STEP, INK, STATUS_COLORS } from './chart-theme.ts';
import {
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

export interface BulletVsTargetOptions extends ChartOptions {
  data: readonly Row[];
  category: string;
  actual: string;
  target: string;
  categoryTitle?: string;
  valueTitle?: string;
  /** Name of the target in tables and tooltips. Default "Target". */
  targetTitle?: string;
}

/**
 * Actual against target per category: a bar for the actual (coloured by whether it reaches the
 * target, with a legend that says so) and a dark tick at the target.
 *
 * @example
 * bulletVsTarget({ title: 'Revenue vs target by partner', data: rows, category: 'partner',
 *                  actual: 'revenue', target: 'target', format: 'currency' });
 */
export function bulletVsTarget(options: BulletVsTargetOptions): ChartSpec {
  const { data, category, actual, target } = options;
  const format = options.format ?? 'number';
  const values = toValues(data).map((r) => {
    const a = Number(r[actual]);
    const t = Number(r[target]);
    const ratio = Number.isFinite(a) && Number.isFinite(t) && t !== 0 ? a / t : null;
    return {
      ...r,
      attainment: ratio,
      vs_target: ratio === null ? 'No target' : ratio >= 1 ? 'At or above target' : 'Below target',
    };
  });
  const columns: TableColumn[] = [
    { key: category, label: options.categoryTitle ?? category },
    measureColumn(actual, options.valueTitle ?? actual, options),
    measureColumn(target, options.targetTitle ?? 'Target', options),
    { key: 'attainment', label: 'Attainment', format: 'percent' },
  ];
  const valueAxis = {
    title: options.valueTitle ?? actual,
    ...axisLabels(format, maxAbs(data, actual, target)),
  };
  const y = { field: category, type: 'nominal', title: options.categoryTitle ?? category, sort: null };
  return asSpec({
    ...baseSpec(options, columns),
    height: options.height ?? sideHeight(categoryCount(data, category)),
    data: { values },
    encoding: { y, tooltip: columns.map((c) => tooltipField(c)) },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.6 } },
        encoding: {
          x: { field: actual, type: 'quantitative', axis: valueAxis, title: valueAxis.title },
          color: {
            field: 'vs_target',
            type: 'nominal',
            title: 'Against target',
            scale: {
              domain: ['At or above target', 'Below target', 'No target'],
              range: [STATUS_COLORS.ok, STATUS_COLORS.warn, '#9ca3af'],
            },
          },
        },
      },
      {
        mark: { type: 'tick', color: INK, thickness: 3, bandSize: CHART_STEP * 0.9 },
        encoding: { x: { field: target, type: 'quantitative' } },
      },
      {
        transform: [{ filter: 'isValid(datum.attainment)' }],
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 6, fontSize: 11, color: INK },
        encoding: {
          x: { field: actual, type: 'quantitative' },
          text: { field: 'attainment', type: 'quantitative', format: '.0%' },
        },
      },
    ],
  });
}
