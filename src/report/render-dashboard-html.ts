import { chartData } from './chart-data.ts';
import { DASHBOARD_CSS } from './dashboard-css.ts';
import type { Block, CalloutBlock, ChartBlock, Dashboard, Kpi, ListBlock, TableBlock } from './dashboard.ts';
import { MAX_TABLE_ROWS } from './dashboard.ts';
import { escapeHtml, jsonForScript } from './escape-html.ts';
import { formatDelta, formatSigned, formatValue } from './format-number.ts';
import { inlineMarkdownToHtml, markdownToHtml } from './markdown-to-html.ts';
import { renderChartSvg } from './render-chart-svg.ts';
import { renderHtmlTable } from './render-html-table.ts';
import { statusBadge } from './status-badge.ts';
import { SORTABLE_TABLE_SCRIPT, SORTABLE_TABLE_SCRIPT_HASH } from './sortable-table-script.ts';

export interface RenderHtmlOptions {
  /** Tables longer than this show their first rows and a note. Default 200. */
  maxTableRows?: number;
  /** Rows of chart data shown in each chart's "Data" disclosure. Default 50; 0 hides it. */
  maxChartDataRows?: number;
  /** Click-to-sort table headers (a small inline script). Default true. */
  sortable?: boolean;
  /** Receives chart warnings (e.g. a field missing from the data), prefixed with the chart title. */
  onWarning?: (message: string) => void;
}

interface Context {
  options: Required<Omit<RenderHtmlOptions, 'onWarning'>> & Pick<RenderHtmlOptions, 'onWarning'>;
  charts: number;
  tables: number;
}

/**
 * Renders a dashboard as one self-contained HTML page that works offline: inline CSS, charts as
 * inline SVG rendered here with Vega (each chart's Vega-Lite spec is embedded beside it as
 * `<script type="application/json" class="vega-lite-spec">` for reuse), and a Content-Security-
 * Policy that forbids loading anything. Every string from the model is escaped; output is
 * byte-identical for the same model.
 *
 * @example
 * const html = await renderDashboardHtml(dashboard);
 * await writeReportFiles(dir, [{ name: 'dashboard.html', content: html }]);
 */
export async function renderDashboardHtml(d: Dashboard, options: RenderHtmlOptions = {}): Promise<string> {
  const ctx: Context = {
    options: {
      maxTableRows: options.maxTableRows ?? MAX_TABLE_ROWS,
      maxChartDataRows: options.maxChartDataRows ?? 50,
      sortable: options.sortable ?? true,
      onWarning: options.onWarning,
    },
    charts: 0,
    tables: 0,
  };

  const sections: string[] = [];
  for (const [i, section] of d.sections.entries()) {
    const blocks: string[] = [];
    for (const block of section.blocks) {
      blocks.push(await renderBlock(block, ctx));
      // a chart takes tens of milliseconds to render, a dashboard has dozens: the event loop gets a
      // turn between blocks (a server's progress and a client's cancellation)
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    sections.push(
      [
        `<section id="section-${i + 1}">`,
        `<h2>${escapeHtml(section.title)}</h2>`,
        section.intro ? `<div class="intro">${markdownToHtml(section.intro)}</div>` : '',
        ...blocks,
        `</section>`,
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }

  const withScript = ctx.options.sortable && ctx.tables > 0;
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    'img-src data:',
    `script-src ${withScript ? SORTABLE_TABLE_SCRIPT_HASH : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="gtm">',
    `<title>${escapeHtml(d.title)}</title>`,
    `<style>\n${DASHBOARD_CSS}\n</style>`,
    '</head>',
    '<body>',
    renderHeader(d),
    renderToc(d),
    d.kpis.length > 0 ? renderKpis(d.kpis) : '',
    '<main>',
    ...sections,
    '</main>',
    renderFootnotes(d.footnotes ?? []),
    withScript ? `<script>${SORTABLE_TABLE_SCRIPT}</script>` : '',
    '</body>',
    '</html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}

function renderHeader(d: Dashboard): string {
  const meta = [
    ...(d.dataAsOf ? [['Data as of', escapeHtml(d.dataAsOf)]] : []),
    ['Generated', `<time datetime="${escapeHtml(d.generatedAt)}">${escapeHtml(d.generatedAt)}</time>`],
    ['Run', `<code>${escapeHtml(d.runId)}</code>`],
  ];
  if (d.planPath) meta.push(['Plan', `<code>${escapeHtml(d.planPath)}</code>`]);
  return [
    '<header class="report-header">',
    `<h1>${escapeHtml(d.title)}</h1>`,
    d.subtitle ? `<p class="subtitle">${escapeHtml(d.subtitle)}</p>` : '',
    `<dl class="meta">${meta.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>`,
    '</header>',
  ]
    .filter(Boolean)
    .join('\n');
}

function renderToc(d: Dashboard): string {
  const entries: string[] = [];
  if (d.kpis.length > 0) entries.push('<li><a href="#key-metrics">Key metrics</a></li>');
  d.sections.forEach((s, i) =>
    entries.push(`<li><a href="#section-${i + 1}">${escapeHtml(s.title)}</a></li>`),
  );
  if ((d.footnotes ?? []).length > 0) entries.push('<li><a href="#notes">Notes</a></li>');
  if (entries.length < 2) return '';
  return `<nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">Contents</h2><ol>\n${entries.join('\n')}\n</ol></nav>`;
}

function renderKpis(kpis: Kpi[]): string {
  const tiles = kpis.map((k) => {
    const value =
      typeof k.value === 'number'
        ? (k.signed ? formatSigned : formatValue)(k.value, k.format ?? 'number', k.currency)
        : formatValue(k.value);
    const meta: string[] = [];
    if (k.delta !== undefined && Number.isFinite(k.delta)) {
      const arrow = k.delta > 0 ? '▲' : k.delta < 0 ? '▼' : '■';
      meta.push(`<span class="delta">${arrow} ${escapeHtml(formatDelta(k.delta))}</span>`);
    }
    if (k.status) meta.push(statusBadge(k.status));
    return [
      `<div class="kpi${k.status ? ` kpi-${k.status}` : ''}">`,
      `<div class="kpi-label">${escapeHtml(k.label)}</div>`,
      `<div class="kpi-value${value.length > 14 ? ' kpi-value-long' : ''}">${escapeHtml(value)}</div>`,
      meta.length > 0 ? `<div class="kpi-meta">${meta.join(' ')}</div>` : '',
      k.note ? `<div class="kpi-note">${escapeHtml(k.note)}</div>` : '',
      '</div>',
    ]
      .filter(Boolean)
      .join('');
  });
  return `<section class="kpis" id="key-metrics" aria-labelledby="key-metrics-title">\n<h2 id="key-metrics-title">Key metrics</h2>\n${tiles.join('\n')}\n</section>`;
}

async function renderBlock(block: Block, ctx: Context): Promise<string> {
  switch (block.kind) {
    case 'chart':
      return renderChart(block, ctx);
    case 'table':
      return renderTableBlock(block, ctx);
    case 'list':
      return renderList(block);
    case 'markdown':
      return `<div class="block prose">\n${markdownToHtml(block.text)}\n</div>`;
    case 'callout':
      return renderCallout(block);
  }
}

async function renderChart(block: ChartBlock, ctx: Context): Promise<string> {
  const id = `chart-${++ctx.charts}`;
  const { svg, warnings } = await renderChartSvg(block.spec, {
    idPrefix: id,
    where: `chart "${block.title}"`,
  });
  for (const w of warnings) ctx.options.onWarning?.(`chart "${block.title}": ${w}`);
  const parts = [
    `<figure class="chart" id="${id}">`,
    `<h3>${escapeHtml(block.title)}</h3>`,
    `<div class="chart-svg">${svg}</div>`,
  ];
  if (block.caption) parts.push(`<figcaption>${escapeHtml(block.caption)}</figcaption>`);
  const data = chartData(block.spec);
  const limit = ctx.options.maxChartDataRows;
  if (limit > 0 && data.rows.length > 0 && data.columns.length > 0) {
    const shown = data.rows.slice(0, limit);
    const more = data.rows.length > limit ? `, first ${formatValue(limit, 'integer')} shown` : '';
    parts.push(
      `<details class="chart-data"><summary>Data (${formatValue(data.rows.length, 'integer')} rows${more})</summary>`,
      `<div class="table-wrap">${renderHtmlTable(data.columns, shown, undefined, false)}</div></details>`,
    );
  }
  parts.push(
    `<script type="application/json" class="vega-lite-spec" data-for="${id}">${jsonForScript(block.spec)}</script>`,
  );
  parts.push('</figure>');
  return parts.join('\n');
}

function renderTableBlock(block: TableBlock, ctx: Context): string {
  const id = `table-${++ctx.tables}`;
  const limit = ctx.options.maxTableRows;
  const rows = block.rows.slice(0, limit);
  const parts = [`<div class="block" id="${id}">`, `<h3>${escapeHtml(block.title)}</h3>`];
  if (block.rows.length === 0) {
    parts.push('<p class="empty">No rows.</p>');
  } else {
    parts.push(
      `<div class="table-wrap">${renderHtmlTable(block.columns, rows, block.highlight, ctx.options.sortable, block.rows)}</div>`,
    );
    if (block.rows.length > limit) {
      parts.push(
        `<p class="table-note">Showing the first ${formatValue(limit, 'integer')} of ${formatValue(block.rows.length, 'integer')} rows.</p>`,
      );
    }
  }
  if (block.caption) parts.push(`<p class="caption">${escapeHtml(block.caption)}</p>`);
  parts.push('</div>');
  return parts.join('\n');
}

function renderList(block: ListBlock): string {
  const items = block.items.map((item) =>
    [
      `<li${item.status ? ` class="item-${item.status}"` : ''}>`,
      item.status ? statusBadge(item.status) : '<span class="badge-none"></span>',
      `<div class="item-text">${inlineMarkdownToHtml(item.text)}</div>`,
      item.detail ? `<div class="item-detail">${inlineMarkdownToHtml(item.detail)}</div>` : '',
      '</li>',
    ].join(''),
  );
  return [
    '<div class="block">',
    `<h3>${escapeHtml(block.title)}</h3>`,
    block.items.length === 0
      ? '<p class="empty">None.</p>'
      : `<ul class="items">\n${items.join('\n')}\n</ul>`,
    '</div>',
  ].join('\n');
}

function renderCallout(block: CalloutBlock): string {
  return `<div class="callout callout-${block.status}" role="note">${statusBadge(block.status)}<div>${markdownToHtml(block.text)}</div></div>`;
}

function renderFootnotes(notes: string[]): string {
  if (notes.length === 0) return '';
  const items = notes.map((n) => `<li>${inlineMarkdownToHtml(n)}</li>`).join('\n');
  return `<footer id="notes" aria-labelledby="notes-title"><h2 id="notes-title">Notes</h2>\n<ol>\n${items}\n</ol>\n</footer>`;
}
