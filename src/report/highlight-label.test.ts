/**
 * A highlighted table gets a traffic-light column in front of its own; a table with a Status column
 * of its own (optimize-referrals' partners: needs-review, grow…) read "| Status | Partner | Tier |
 * Status |" in summary.md and dashboard.html. The added column is "Flag" there.
 */
import { describe, expect, it } from 'vitest';
import type { Dashboard, TableBlock } from './dashboard.ts';
import { renderHtmlTable } from './render-html-table.ts';
import { renderDashboardMarkdown } from './render-markdown.ts';

const table = (statusColumn: boolean): TableBlock => ({
  kind: 'table',
  title: 'Partners',
  columns: [
    { key: 'name', label: 'Partner', format: 'text' },
    ...(statusColumn ? [{ key: 'status', label: 'Status', format: 'text' as const }] : []),
  ],
  rows: [{ name: 'Acme', status: 'needs-review', flag: 'alert' }],
  highlight: { key: 'flag' },
});
const markdown = (t: TableBlock) => {
  const d: Dashboard = {
    title: 'T',
    generatedAt: '2026-12-06T00:00:00Z',
    runId: 'r1',
    kpis: [],
    sections: [{ title: 'S', blocks: [t] }],
  };
  return renderDashboardMarkdown(d, { detail: 'full' });
};

describe('the column a highlight adds', () => {
  it('is Flag beside a Status column of the table, in Markdown and HTML', () => {
    const t = table(true);
    expect(markdown(t)).toContain('| Flag | Partner | Status |');
    expect(markdown(t)).toContain('| Alert | Acme | needs-review |');
    const html = renderHtmlTable(t.columns, t.rows, t.highlight, false);
    expect(html.match(/<th[^>]*>(.*?)<\/th>/g)?.map((h) => h.replace(/<[^>]+>/g, ''))).toEqual([
      'Flag',
      'Partner',
      'Status',
    ]);
  });

  it('stays Status otherwise', () => {
    const t = table(false);
    expect(markdown(t)).toContain('| Status | Partner |');
    expect(renderHtmlTable(t.columns, t.rows, t.highlight, false)).toMatch(/<th[^>]*>Status<\/th>/);
  });
});
