import type { Config } from 'vega-lite';
import type { Status } from './dashboard.ts';

/**
 * Width of every chart in CSS pixels, axes and legend included; fixed so the SVG is the same on
 * every machine. It fills the dashboard column and scales down (viewBox) on narrow pages and print.
 */
export const CHART_WIDTH = 960;
/** Height of the plot area of charts whose height does not follow their category count. */
export const CHART_HEIGHT = 280;
/** Plot height per category for charts that list categories down the side. */
export const CHART_STEP = 28;

/** Same stack as the dashboard CSS, so chart text matches page text. */
export const CHART_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Category colours (Tableau 10 order, readable on white and in greyscale print). */
export const PALETTE = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#e45756',
  '#72b7b2',
  '#b279a2',
  '#eeca3b',
  '#9d755d',
  '#ff9da6',
  '#bab0ac',
] as const;

/** Status colours shared by charts and the page (the page always adds the text label too). */
export const STATUS_COLORS: Record<Status, string> = { ok: '#2e7d32', warn: '#b45309', alert: '#c62828' };

/** Neutral ink for reference marks (targets, zero lines). */
export const INK = '#1f2937';

/**
 * The Vega-Lite config every chart helper uses: fonts, quiet axes, the palette and a pinned
 * en-US number locale whose currency prefix matches `currencySymbol` (pass the symbol, not the code).
 *
 * @example
 * chartConfig('€').locale?.number?.currency; // ['€', '']
 */
export function chartConfig(currencyPrefix = '$'): Config {
  return {
    font: CHART_FONT,
    background: 'white',
    padding: 8,
    view: { stroke: null },
    axis: {
      labelColor: '#374151',
      titleColor: '#374151',
      labelFontSize: 11,
      titleFontSize: 11,
      titleFontWeight: 600,
      gridColor: '#e5e7eb',
      domainColor: '#9ca3af',
      tickColor: '#9ca3af',
      // Vega estimates text width offline (0.8 em per character), so limits are generous.
      labelLimit: 280,
    },
    legend: { orient: 'bottom', labelFontSize: 11, titleFontSize: 11, labelLimit: 240, symbolType: 'square' },
    range: { category: [...PALETTE] },
    mark: { color: PALETTE[0] },
    bar: { color: PALETTE[0], cornerRadiusEnd: 2 },
    locale: {
      number: { decimal: '.', thousands: ',', grouping: [3], currency: [currencyPrefix, ''] },
    },
  };
}
