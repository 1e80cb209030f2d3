/**
 * Vega-Lite spec builders for the charts the commands draw. Each returns a complete spec with
 * inline data, a fixed size and the shared `chartConfig`, so `renderDashboardHtml` turns it into
 * the same SVG on every machine and the embedded JSON can be reopened in any Vega-Lite editor.
 * `title` becomes the spec's `description` (the accessible name of the SVG); the dashboard block
 * shows the visible title. `usermeta.table` lists the columns a text rendering of the chart shows.
 */
export type { CategorySort, ChartOptions, ChartSpec } from './chart-spec-parts.ts';
export { barChart, type BarChartOptions } from './bar-chart.ts';
export { stackedBar, type StackedBarOptions } from './stacked-bar.ts';
export { lineChart, type LineChartOptions } from './line-chart.ts';
export { bulletVsTarget, type BulletVsTargetOptions } from './bullet-vs-target.ts';
export { funnelChart, type FunnelChartOptions, type FunnelStep } from './funnel-chart.ts';
export { errorBars, type ErrorBarsOptions } from './error-bars.ts';
