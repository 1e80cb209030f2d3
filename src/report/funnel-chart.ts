import { INK, PALETTE } from './chart-theme.ts';
import {
  type ChartOptions,
  type ChartSpec,
  asSpec,
  baseSpec,
  sideHeight,
  tooltipField,
} from './chart-spec-parts.ts';
import type { TableColumn, ValueFormat } from './dashboard.ts';
import { formatValue } from './format-number.ts';

export interface FunnelStep {
  label: string;
  value: number;
}

export interface FunnelChartOptions extends Omit<ChartOptions, 'format' | 'currency'> {
  steps: readonly FunnelStep[];
  /** Format of the step counts (default `integer`). */
  format?: ValueFormat;
  currency?: string;
}

/**
 * A conversion funnel: centred bars in step order, each labelled with its count and its
 * conversion from the previous step and from the first.
 *
 * @example
 * funnelChart({ title: 'Referral funnel', steps: [{ label: 'Invited', value: 1200 },
 *               { label: 'Signed up', value: 300 }, { label: 'Converted', value: 90 }] });
 */
export function funnelChart(options: FunnelChartOptions): ChartSpec {
  const format = options.format ?? 'integer';
  const max = Math.max(0, ...options.steps.map((s) => (Number.isFinite(s.value) ? s.value : 0)));
  const values = options.steps.map((s, i) => {
    const value = Number.isFinite(s.value) ? s.value : 0;
    const first = options.steps[0].value;
    const prev = i > 0 ? options.steps[i - 1].value : null;
    const ofFirst = first > 0 ? value / first : null;
    const ofPrevious = prev !== null && prev > 0 ? value / prev : null;
    const parts = [formatValue(value, format, options.currency)];
    if (i > 0) parts.push(`${formatValue(ofPrevious, 'percent')} of previous`);
    // The second step's share of the first is its share of the previous: say it once.
    if (i > 1) parts.push(`${formatValue(ofFirst, 'percent')} of first`);
    return {
      order: i + 1,
      step: s.label,
      value,
      of_previous: ofPrevious,
      of_first: ofFirst,
      start: (max - value) / 2,
      end: (max + value) / 2,
      label: parts.join(' · '),
    };
  });
  const columns: TableColumn[] = [
    { key: 'step', label: 'Step' },
    { key: 'value', label: 'Count', format, currency: options.currency },
    { key: 'of_previous', label: 'Of previous', format: 'percent' },
    { key: 'of_first', label: 'Of first', format: 'percent' },
  ];
  return asSpec({
    ...baseSpec({ ...options, format }, columns),
    height: options.height ?? sideHeight(values.length),
    data: { values },
    encoding: {
      y: {
        field: 'step',
        type: 'nominal',
        sort: null,
        title: null,
        axis: { labelLimit: 280, ticks: false, domain: false },
      },
      tooltip: columns.map((c) => tooltipField(c)),
    },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.75 }, color: PALETTE[0], cornerRadiusEnd: 0 },
        encoding: {
          x: { field: 'start', type: 'quantitative', axis: null, scale: { domain: [0, max * 1.6 || 1] } },
          x2: { field: 'end' },
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 6, fontSize: 11, color: INK },
        encoding: { x: { field: 'end', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
      },
    ],
  });
}
