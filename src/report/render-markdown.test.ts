import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../test/helpers/golden.ts';
import type { Dashboard } from './dashboard.ts';
import { renderDashboardMarkdown } from './render-markdown.ts';
import { HOSTILE, sampleDashboard } from './sample-dashboard.fixture.ts';

const minimal = (extra: Partial<Dashboard> = {}): Dashboard => ({
  title: 'T',
  generatedAt: '2025-01-01T00:00:00Z',
  runId: 'r',
  kpis: [],
  sections: [],
  ...extra,
});

describe('renderDashboardMarkdown', () => {
  const summary = renderDashboardMarkdown(sampleDashboard(), { detail: 'summary' });
  const full = renderDashboardMarkdown(sampleDashboard(), { detail: 'full' });

  it('matches the golden files', () => {
    expectGolden('report/summary.md', summary);
    expectGolden('report/full.md', full);
  });

  it('escapes hostile strings so they stay text', () => {
    for (const md of [summary, full]) {
      expect(md).not.toContain('<script>');
      // Every < is escaped, so no renderer can read a tag or a comment.
      expect(md).not.toMatch(/(^|[^\\])</m);
      expect(md).not.toMatch(/(^|[^\\])\]\(/m);
      expect(md).not.toMatch(/^#+ not a heading/m);
      expect(md).toContain('\\<script\\>alert(1)\\</script\\>');
    }
  });

  it('keeps every GFM table row at its column count', () => {
    for (const md of [summary, full]) {
      for (const table of md.split('\n\n').filter((p) => p.startsWith('| '))) {
        const widths = table.split('\n').map((l) => l.replace(/\\\|/g, '').split('|').length);
        expect(new Set(widths).size).toBe(1);
      }
    }
  });

  it('renders KPIs as a list with formatted values, deltas and status words', () => {
    expect(summary).toContain('- **Sourced revenue:** $975,250.50 (+12.4%) — **OK** — vs previous 30 days');
    expect(summary).toContain('- **Pipeline (EUR):** €3,125,000.00 (−3.4%) — **Warning**');
  });

  it('renders callouts as block quotes and list statuses in words', () => {
    expect(summary).toContain(
      '> **Alert:** Alert threshold breached twice: escalated to **VP Partnerships**.',
    );
    expect(summary).toContain(
      '- **Warning**: Renegotiate Fabrikam targets — Attainment 70.0% two periods running',
    );
  });

  it('shows charts as a caption in summary and as a data table in full', () => {
    const funnelSummary = summary.slice(
      summary.indexOf('### Partner lead funnel'),
      summary.indexOf('Conversion from'),
    );
    expect(funnelSummary).not.toContain('| Step |');
    const funnelFull = full.slice(full.indexOf('### Partner lead funnel'), full.indexOf('Conversion from'));
    expect(funnelFull).toContain('| Step | Count | Of previous | Of first |');
    expect(funnelFull).toContain('| MQL | 1,930 | 40.0% | 40.0% |');
  });

  it('cuts tables and lists in summary, with a note', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ k: `row${i}`, v: i }));
    const items = Array.from({ length: 12 }, (_, i) => ({ text: `item ${i}` }));
    const d = minimal({
      sections: [
        {
          title: 'S',
          blocks: [
            {
              kind: 'table',
              title: 'Big',
              columns: [
                { key: 'k', label: 'K' },
                { key: 'v', label: 'V' },
              ],
              rows,
            },
            { kind: 'list', title: 'L', items },
          ],
        },
      ],
    });
    const s = renderDashboardMarkdown(d, { detail: 'summary' });
    expect(s.match(/^\| row/gm)).toHaveLength(10);
    expect(s).toContain('_Showing 10 of 30 rows._');
    expect(s).toContain('_…and 2 more._');
    const f = renderDashboardMarkdown(d, { detail: 'full', maxTableRows: 25 });
    expect(f.match(/^\| row/gm)).toHaveLength(25);
    expect(f).toContain('_Showing 25 of 30 rows._');
    expect(f).not.toContain('more._');
  });

  it('adds a Status column for highlighted tables', () => {
    expect(summary).toContain(
      '| Status | Partner | Revenue | Target | Attainment | Deals | Note Acme \\| Globex Inc. |',
    );
    expect(summary).toContain('| Alert | "onload="alert(1) | $45,500.00 | $0.00 | — | 2 |  |');
  });

  it('keeps formula-looking text literal (Markdown is not a spreadsheet)', () => {
    expect(summary).toContain(
      `| Warning | Contoso | $268,000.00 | $320,000.00 | 83.8% | 9 | ${HOSTILE.formula} |`,
    );
  });
});
