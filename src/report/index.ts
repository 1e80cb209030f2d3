/**
 * report/ renders a command's `Dashboard` model: a self-contained HTML page (charts rendered to
 * SVG offline), a Markdown summary, CSV tables, and optionally a PNG snapshot. It never reads
 * sources or plans; commands give it the finished result.
 */
export type {
  Block,
  CalloutBlock,
  ChartBlock,
  Dashboard,
  Kpi,
  ListBlock,
  ListItem,
  MarkdownBlock,
  Section,
  Status,
  TableBlock,
  TableColumn,
  TableHighlight,
  ValueFormat,
} from './dashboard.ts';
export { MAX_TABLE_ROWS, STATUS_LABELS, summaryView } from './dashboard.ts';
export { renderDashboardHtml, type RenderHtmlOptions } from './render-dashboard-html.ts';
export { renderDashboardMarkdown, type RenderMarkdownOptions } from './render-markdown.ts';
export { mdTable } from './md-table.ts';
export { mdCode, mdEscape, mdLine } from './md-escape.ts';
export {
  formatDelta,
  formatSigned,
  formatValue,
  moneyAmount,
  moneyShort,
  moneyText,
  percentText,
} from './format-number.ts';
export { MINUS, signedPercent, signedText } from '../analyses/text/index.ts';
export { currencyMinorUnits } from '../analyses/text/index.ts';
export { toCsvTable, type CsvColumn } from './csv-table.ts';
export { plainNumber, withoutFloatNoise } from '../analyses/text/plain-number.ts';
export { writeReportFiles, type ReportFile } from './write-report-files.ts';
export {
  snapshotPng,
  snapshotPngs,
  hasChromium,
  hasPlaywrightCore,
  chromiumPath,
  type SnapshotOptions,
  type Shot,
} from './snapshot-png.ts';
export * from './charts.ts';
export {
  alertBlocks,
  alertValue,
  rowAccountingBlocks,
  dataQualitySection,
  actionsSection,
  type AlertView,
  type RowAccountingView,
  type OwnedItemView,
  type UnmatchedView,
} from './common-sections.ts';
export { textTable, fmtCount, fmtMoney, fmtPct } from './text-table.ts';
export { plural } from './plural.ts';
