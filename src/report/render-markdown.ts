import { chartData } from './chart-data.ts';
import type { Block, Dashboard, Kpi, Status, TableBlock, TableColumn } from './dashboard.ts';
import { highlightLabel, MAX_TABLE_ROWS, STATUS_LABELS, rowStatus } from './dashboard.ts';
import { columnFormat } from './column-format.ts';
import { formatDelta, formatSigned, formatValue, MISSING } from './format-number.ts';
import { parseBlocks, parseInline } from './inline-markdown.ts';
import { mdCode, mdEscape } from './md-escape.ts';
import { mdTable } from './md-table.ts';

export interface RenderMarkdownOptions {
  /** `summary`: tables and lists cut to `summaryRows`, charts as one line. `full`: everything, charts as data tables. */
  detail: 'summary' | 'full';
  /** Row limit of tables in `full`. Default 200 (as in HTML). */
  maxTableRows?: number;
  /** Rows of tables, items of lists and chart rows in `summary`. Default 10. */
  summaryRows?: number;
  /** Rows of chart data in `full`. Default 50. */
  maxChartDataRows?: number;
}

const STATUS_KEY = '\u0000status';

/**
 * Renders a dashboard as GitHub-flavoured Markdown: KPIs as a list, tables as GFM tables, lists as
 * bullet lists, callouts as block quotes, charts as a caption line (and, in `full`, the chart's
 * data as a table). All text from the model is escaped with `mdEscape`, so data cannot add links,
 * HTML or break a table; `**bold**` and `` `code` `` in prose blocks are kept.
 *
 * @example
 * const md = renderDashboardMarkdown(dashboard, { detail: 'summary' });
 * await writeReportFiles(dir, [{ name: 'summary.md', content: md }]);
 */
export function renderDashboardMarkdown(d: Dashboard, options: RenderMarkdownOptions): string {
  const full = options.detail === 'full';
  const limits = {
    full,
    tableRows: full ? (options.maxTableRows ?? MAX_TABLE_ROWS) : (options.summaryRows ?? 10),
    listItems: full ? Number.POSITIVE_INFINITY : (options.summaryRows ?? 10),
    chartRows: options.maxChartDataRows ?? 50,
  };
  const out: string[] = [`# ${mdEscape(d.title)}`];
  if (d.subtitle) out.push(mdEscape(d.subtitle));
  const meta = [
    ...(d.dataAsOf ? [`Data as of ${mdEscape(d.dataAsOf)}`] : []),
    `Generated ${mdEscape(d.generatedAt)}`,
    `run ${mdCode(d.runId)}`,
  ];
  if (d.planPath) meta.push(`plan ${mdCode(d.planPath)}`);
  out.push(meta.join(' · '));

  if (d.kpis.length > 0) out.push('## Key metrics', d.kpis.map(kpiLine).join('\n'));

  for (const section of d.sections) {
    out.push(`## ${mdEscape(section.title)}`);
    if (section.intro) out.push(prose(section.intro));
    for (const block of section.blocks) out.push(...renderBlock(block, limits));
  }

  const notes = d.footnotes ?? [];
  if (notes.length > 0) {
    out.push('## Notes', notes.map((n, i) => `${i + 1}. ${inline(n)}`).join('\n'));
  }
  return `${out.filter((s) => s !== '').join('\n\n')}\n`;
}

function kpiLine(k: Kpi): string {
  const value =
    typeof k.value === 'number'
      ? (k.signed ? formatSigned : formatValue)(k.value, k.format ?? 'number', k.currency)
      : k.value;
  let line = `- **${mdEscape(k.label)}:** ${mdEscape(value)}`;
  if (k.delta !== undefined && Number.isFinite(k.delta)) line += ` (${mdEscape(formatDelta(k.delta))})`;
  if (k.status) line += ` — ${statusWord(k.status)}`;
  // a missing value is the dash itself: its note in parentheses, not "— — note"
  if (k.note) line += value === MISSING && !k.status ? ` (${mdEscape(k.note)})` : ` — ${mdEscape(k.note)}`;
  return line;
}

const statusWord = (s: Status): string => `**${STATUS_LABELS[s]}**`;

interface Limits {
  full: boolean;
  tableRows: number;
  listItems: number;
  chartRows: number;
}

function renderBlock(block: Block, limits: Limits): string[] {
  switch (block.kind) {
    case 'markdown':
      return [prose(block.text)];
    case 'callout': {
      const body = prose(block.text);
      const text = `**${STATUS_LABELS[block.status]}:** ${body}`;
      return [
        text
          .split('\n')
          .map((l) => (l === '' ? '>' : `> ${l}`))
          .join('\n'),
      ];
    }
    case 'list': {
      const shown = block.items.slice(0, limits.listItems);
      const lines = shown.map((item) => {
        let line = `- ${item.status ? `${statusWord(item.status)}: ` : ''}${inline(item.text)}`;
        if (item.detail) line += ` — ${inline(item.detail)}`;
        return line;
      });
      if (block.items.length === 0) lines.push('_None._');
      const more = block.items.length - shown.length;
      return [
        `### ${mdEscape(block.title)}`,
        lines.join('\n'),
        more > 0 ? `_…and ${formatValue(more, 'integer')} more._` : '',
      ];
    }
    case 'table':
      return [`### ${mdEscape(block.title)}`, ...tableParts(block, limits.tableRows), caption(block.caption)];
    case 'chart': {
      const parts = [
        `### ${mdEscape(block.title)}`,
        block.caption ? caption(block.caption) : '_Chart in the HTML dashboard._',
      ];
      if (limits.full) {
        const data = chartData(block.spec);
        if (data.rows.length > 0 && data.columns.length > 0) {
          parts.push(...tableParts({ columns: data.columns, rows: data.rows }, limits.chartRows));
        }
      }
      return parts;
    }
  }
}

function tableParts(block: Pick<TableBlock, 'columns' | 'rows' | 'highlight'>, limit: number): string[] {
  if (block.rows.length === 0) return ['_No rows._'];
  let columns: TableColumn[] = block.columns;
  let rows = block.rows.slice(0, limit);
  if (block.highlight) {
    const highlight = block.highlight;
    columns = [{ key: STATUS_KEY, label: highlightLabel(columns), format: 'text' }, ...columns];
    rows = rows.map((r) => {
      const s = rowStatus(r, highlight);
      return { ...r, [STATUS_KEY]: s ? STATUS_LABELS[s] : '' };
    });
  }
  // Formats come from every row so a cut table keeps the alignment of the whole one.
  const formatted = columns.map((c) => (c.format ? c : { ...c, format: columnFormat(c, block.rows) }));
  const parts = [mdTable(formatted, rows)];
  if (block.rows.length > rows.length) {
    parts.push(
      `_Showing ${formatValue(rows.length, 'integer')} of ${formatValue(block.rows.length, 'integer')} rows._`,
    );
  }
  return parts;
}

const caption = (text: string | undefined): string =>
  text && text.trim() ? `_${mdEscape(text.trim())}_` : '';

/** One line of the Markdown subset, re-serialised with everything but bold and code escaped. */
function inline(text: string): string {
  return parseInline(text)
    .map((s) => {
      if (s.type === 'code') return mdCode(s.text);
      if (s.type === 'bold' && s.text.trim()) return `**${mdEscape(s.text.trim())}**`;
      return mdEscape(s.type === 'bold' ? `**${s.text}**` : s.text);
    })
    .join('');
}

/** Paragraphs and bullet lists of the Markdown subset, escaped the same way. */
function prose(text: string): string {
  return parseBlocks(text)
    .map((chunk) =>
      chunk.kind === 'paragraph'
        ? chunk.lines.map(inline).join('\n')
        : chunk.items.map((i) => `- ${inline(i)}`).join('\n'),
    )
    .join('\n\n');
}
