/**
 * The dashboard model. Each command builds one `Dashboard` from its results; `report/` renders it
 * to HTML (`renderDashboardHtml`), Markdown (`renderDashboardMarkdown`) and CSV (`toCsvTable`).
 * Everything in it is plain data, so a command can also write it to `result.json` unchanged.
 *
 * @example
 * const d: Dashboard = {
 *   title: 'Partner attribution — AI Launch Tour',
 *   generatedAt: '2025-03-31T12:00:00Z',
 *   runId: 'track-source-20250331T120000Z',
 *   kpis: [{ label: 'Sourced pipeline', value: 1250000, format: 'currency', currency: 'USD', delta: 0.12 }],
 *   sections: [{ title: 'By partner', blocks: [{ kind: 'callout', status: 'warn', text: 'Two partners below target.' }] }],
 * };
 */
export interface Dashboard {
  title: string;
  subtitle?: string;
  /** ISO-8601 time the report was made (given by the caller; report/ reads no clock). */
  generatedAt: string;
  /** What the numbers cover: the as-of date or the analysis window (e.g. "2026-10-17 to 2026-11-15"). */
  dataAsOf?: string;
  runId: string;
  /** Path of the plan JSON this report belongs to, so readers can trace every number. */
  planPath?: string;
  kpis: Kpi[];
  sections: Section[];
  footnotes?: string[];
}

/** How a number is shown; `text` leaves the value as it is. */
export type ValueFormat = 'number' | 'currency' | 'percent' | 'integer';

/** Traffic-light status. Always rendered with a text label, never by colour alone. */
export type Status = 'ok' | 'warn' | 'alert';

export interface Kpi {
  label: string;
  value: number | string;
  /** Default `number` for numeric values. `percent` expects a fraction (0.125 → 12.5%). */
  format?: ValueFormat;
  /** ISO 4217 code for `currency` (default USD). */
  currency?: string;
  /** Relative change against the comparison period, as a fraction (0.12 → "+12.0%"). */
  delta?: number;
  /** The value is itself a signed quantity (a lift, a change): shown "+4.2%" / "−3.1%" (`formatSigned`). */
  signed?: boolean;
  status?: Status;
  /** One short line of context, e.g. "vs. previous 30 days" or "target $1.0M". */
  note?: string;
}

export interface Section {
  title: string;
  /** Kept (without its charts) in the short `--detail summary` view; see `summaryView`. */
  summary?: boolean;
  /** Short paragraph under the heading; same minimal Markdown as a `markdown` block. */
  intro?: string;
  blocks: Block[];
}

export interface ChartBlock {
  kind: 'chart';
  title: string;
  /** A Vega-Lite spec with inline `data.values` (see `charts.ts`); URLs are refused. */
  spec: object;
  caption?: string;
}

export interface TableColumn {
  key: string;
  label: string;
  /** Default: `number` when every present value is a number, else `text`. */
  format?: ValueFormat | 'text';
  currency?: string;
  /** Signed quantities (lifts, differences, changes): "+4.2%" / "−3.1%", zero unsigned (`formatSigned`). */
  signed?: boolean;
}

/**
 * Marks rows with a status. With `status`, rows whose `key` value is truthy get that status
 * (`{ key: 'flagged', status: 'alert' }`); without it, the `key` column holds the status itself
 * (`'ok' | 'warn' | 'alert'`, anything else leaves the row unmarked).
 */
export interface TableHighlight {
  key: string;
  status?: Status;
}

export interface TableBlock {
  kind: 'table';
  title: string;
  columns: TableColumn[];
  rows: Record<string, unknown>[];
  caption?: string;
  highlight?: TableHighlight;
}

export interface ListItem {
  text: string;
  detail?: string;
  status?: Status;
}

export interface ListBlock {
  kind: 'list';
  title: string;
  items: ListItem[];
}

/** Plain paragraphs with `**bold**`, `` `code` `` and `- ` bullet lines; everything else is literal text. */
export interface MarkdownBlock {
  kind: 'markdown';
  text: string;
}

export interface CalloutBlock {
  kind: 'callout';
  status: Status;
  text: string;
}

export type Block = ChartBlock | TableBlock | ListBlock | MarkdownBlock | CalloutBlock;

/** Default row limit of tables in HTML and in full Markdown; longer tables say how many were cut. */
export const MAX_TABLE_ROWS = 200;

/** The words shown next to (or instead of) a status colour. */
export const STATUS_LABELS: Record<Status, string> = { ok: 'OK', warn: 'Warning', alert: 'Alert' };

/**
 * The heading of the column a highlighted table gets in front of its own: `Status`, or `Flag` when
 * the table has a column of that name already (a partner's status beside the row's traffic light).
 */
export const highlightLabel = (columns: readonly { label: string }[]): string =>
  columns.some((c) => c.label.trim().toLowerCase() === 'status') ? 'Flag' : 'Status';

/** Narrows an unknown cell value to a status, for `TableHighlight` without an explicit status. */
export const isStatus = (value: unknown): value is Status =>
  value === 'ok' || value === 'warn' || value === 'alert';

/** The status of one table row under a highlight rule, or undefined when the row is not marked. */
export function rowStatus(
  row: Record<string, unknown>,
  highlight: TableHighlight | undefined,
): Status | undefined {
  if (!highlight) return undefined;
  const value = row[highlight.key];
  if (highlight.status) {
    const marked = value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
    return marked ? highlight.status : undefined;
  }
  return isStatus(value) ? value : undefined;
}

/**
 * The short view of a dashboard (`--detail summary`): the KPIs and the sections marked `summary`,
 * without their charts. `full` keeps every section.
 */
export function summaryView(d: Dashboard): Dashboard {
  return {
    ...d,
    sections: d.sections
      .filter((s) => s.summary)
      .map((s) => ({ ...s, blocks: s.blocks.filter((b) => b.kind !== 'chart') })),
  };
}
