/**
 * A key metric without a value (the missing mark, "—") and a note says why in parentheses; it read
 * "**Best conversion lift vs holdout:** — — no evidence either way: …" in monitor-personalization's
 * summary.md on a workspace whose outcomes file was empty.
 */
import { describe, expect, it } from 'vitest';
import type { Dashboard, Kpi } from './dashboard.ts';
import { MISSING } from './format-number.ts';
import { renderDashboardMarkdown } from './render-markdown.ts';

const markdown = (kpis: Kpi[]) => {
  const d: Dashboard = { title: 'T', generatedAt: '2026-12-06T00:00:00Z', runId: 'r1', kpis, sections: [] };
  return renderDashboardMarkdown(d, { detail: 'full' });
};

describe('a key metric line', () => {
  it('puts the note of a missing value in parentheses', () => {
    expect(
      markdown([{ label: 'Best lift', value: MISSING, note: 'no holdout arm in the window' }]),
    ).toContain('- **Best lift:** — (no holdout arm in the window)\n');
  });

  it('keeps the dash before the note of a value', () => {
    expect(markdown([{ label: 'Users', value: 12, format: 'integer', note: 'in the window' }])).toContain(
      '- **Users:** 12 — in the window\n',
    );
  });
});
