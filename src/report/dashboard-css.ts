/**
 * The dashboard's only stylesheet, inlined into every page: system fonts (nothing to download),
 * tabular figures, status colours that always sit next to a text label, and print rules that
 * keep tiles, charts and callouts whole on a page.
 */
export const DASHBOARD_CSS = `
:root {
  --ink: #111827; --muted: #4b5563; --faint: #6b7280; --line: #e5e7eb; --panel: #f9fafb; --accent: #4c78a8;
  --ok: #2e7d32; --ok-bg: #e8f5e9; --warn: #b45309; --warn-bg: #fff4e5; --alert: #c62828; --alert-bg: #fdecea;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0 auto; max-width: 1080px; padding: 32px 28px 48px; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
h1, h2, h3 { line-height: 1.25; margin: 0; }
h1 { font-size: 28px; font-weight: 700; letter-spacing: -0.01em; }
h2 { font-size: 20px; font-weight: 650; margin: 40px 0 12px; padding-top: 16px; border-top: 1px solid var(--line); }
h3 { font-size: 15px; font-weight: 650; margin: 24px 0 8px; }
p { margin: 8px 0; }
code { font: 0.9em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--panel);
  border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; overflow-wrap: anywhere; }
.report-header { padding-bottom: 16px; }
.subtitle { color: var(--muted); font-size: 17px; margin: 4px 0 0; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 20px; margin: 12px 0 0; font-size: 13px; color: var(--muted); }
.meta div { display: flex; gap: 6px; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; }
.toc { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; margin: 8px 0 0; font-size: 14px; }
.toc h2 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 0 0 4px; padding: 0; border: 0; }
.toc ol { margin: 0; padding-left: 20px; columns: 2; column-gap: 32px; }
.toc a { color: var(--ink); text-decoration: none; border-bottom: 1px solid var(--line); }
.toc a:hover { border-bottom-color: var(--accent); }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; margin: 0; }
.kpis h2 { grid-column: 1 / -1; margin-top: 28px; margin-bottom: 0; }
.kpi { border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #fff; }
.kpi-ok { border-left-color: var(--ok); } .kpi-warn { border-left-color: var(--warn); } .kpi-alert { border-left-color: var(--alert); }
.kpi-label { font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.kpi-value { font-size: 26px; font-weight: 700; margin: 2px 0 4px; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.kpi-meta { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; font-size: 13px; color: var(--muted); }
.delta { font-variant-numeric: tabular-nums; font-weight: 600; color: var(--ink); }
.kpi-value-long { font-size: 16px; font-weight: 650; line-height: 1.3; margin: 6px 0; }
.kpi-note { font-size: 13px; color: var(--faint); margin-top: 4px; }
.badge { display: inline-block; font-size: 12px; font-weight: 650; line-height: 18px; padding: 0 8px; border-radius: 999px;
  border: 1px solid currentColor; white-space: nowrap; }
.badge-ok { color: var(--ok); background: var(--ok-bg); } .badge-warn { color: var(--warn); background: var(--warn-bg); }
.badge-alert { color: var(--alert); background: var(--alert-bg); }
.intro { color: var(--muted); max-width: 72ch; }
.block { margin: 0 0 20px; }
.chart { margin: 0 0 24px; }
.chart-svg { border: 1px solid var(--line); border-radius: 8px; padding: 8px; background: #fff; }
.chart-svg svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption, .caption { font-size: 13px; color: var(--muted); margin: 6px 0 0; }
.chart-data { font-size: 13px; margin-top: 6px; }
.chart-data summary { cursor: pointer; color: var(--muted); }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
table.data { width: 100%; border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
table.data th, table.data td { padding: 6px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
table.data th { background: var(--panel); font-weight: 650; color: var(--muted); white-space: nowrap; }
table.data tbody tr:last-child td { border-bottom: 0; }
table.data tbody tr:nth-child(even) td { background: #fcfcfd; }
table.data .num { text-align: right; white-space: nowrap; }
table.data td.text { overflow-wrap: anywhere; }
table.data th button { all: inherit; cursor: pointer; padding: 0; }
table.data th button::after { content: " \\2195"; color: #c0c4cc; font-weight: 400; }
table.data th[aria-sort="ascending"] button::after { content: " \\2191"; color: var(--ink); }
table.data th[aria-sort="descending"] button::after { content: " \\2193"; color: var(--ink); }
tr.row-ok td:first-child { box-shadow: inset 3px 0 var(--ok); }
tr.row-warn td:first-child { box-shadow: inset 3px 0 var(--warn); }
tr.row-alert td:first-child { box-shadow: inset 3px 0 var(--alert); }
tr.row-warn td, table.data tbody tr.row-warn:nth-child(even) td { background: #fffaf2; }
tr.row-alert td, table.data tbody tr.row-alert:nth-child(even) td { background: #fff6f5; }
.table-note { font-size: 13px; color: var(--warn); margin: 6px 0 0; }
.empty { color: var(--faint); font-style: italic; }
.items { list-style: none; padding: 0; margin: 0; border: 1px solid var(--line); border-radius: 8px; }
.items li { display: grid; grid-template-columns: 84px 1fr; gap: 2px 12px; padding: 8px 12px; border-bottom: 1px solid var(--line); }
.items li:last-child { border-bottom: 0; }
.items .badge { justify-self: start; align-self: start; margin-top: 2px; }
.item-detail { grid-column: 2; font-size: 13px; color: var(--muted); }
.callout { border: 1px solid; border-left-width: 4px; border-radius: 8px; padding: 10px 14px; margin: 0 0 20px;
  display: flex; gap: 12px; align-items: flex-start; }
.callout > div > p:first-child { margin-top: 0; } .callout > div > p:last-child { margin-bottom: 0; }
.callout-ok { border-color: var(--ok); background: var(--ok-bg); }
.callout-warn { border-color: var(--warn); background: var(--warn-bg); }
.callout-alert { border-color: var(--alert); background: var(--alert-bg); }
.callout .badge { background: #fff; margin-top: 2px; }
.prose { max-width: 78ch; }
.prose ul { padding-left: 22px; }
footer { margin-top: 40px; font-size: 13px; color: var(--muted); }
footer h2 { color: var(--ink); }
footer ol { padding-left: 20px; }
@media (max-width: 640px) { body { padding: 20px 14px; } .toc ol { columns: 1; } }
@media print {
  @page { margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; } h3 { break-after: avoid; }
  .kpi, .chart, .callout, .items li, tr, figure, svg, .kpis { break-inside: avoid; }
  section > h2 + * { break-before: avoid; }
  .toc, table.data th button::after { display: none; }
  .chart-data, table.data th button::after { display: none; }
  .table-wrap { overflow: visible; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`.trim();
