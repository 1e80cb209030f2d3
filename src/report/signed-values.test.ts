/**
 * Lifts, differences and changes print with their sign everywhere people read them: "+" when
 * positive, "−" (U+2212, as KPI deltas already had it) when negative, no sign when they print as
 * zero. A positive lift read "4.2%" beside a "−3.1%" (the KPI card and the table columns of lifts
 * used the plain number format) and zero read "+0.0%" (h-fmt24).
 */
import { describe, expect, it } from 'vitest';
import { formatEffect } from '../analyses/experiments/index.ts';
import { signedPercent, signedText } from '../analyses/text/index.ts';
import type { Dashboard } from './dashboard.ts';
import { formatDelta, formatSigned } from './format-number.ts';
import { renderDashboardHtml } from './render-dashboard-html.ts';
import { renderDashboardMarkdown } from './render-markdown.ts';

describe('signed texts', () => {
  it('one convention: + for positive, U+2212 for negative, none for zero as printed', () => {
    expect(signedPercent(0.042)).toBe('+4.2%');
    expect(signedPercent(-0.031)).toBe('\u22123.1%');
    expect(signedPercent(0)).toBe('0.0%');
    expect(signedPercent(-0.0004)).toBe('0.0%');
    expect(signedPercent(0.0004)).toBe('0.0%');
    expect(signedPercent(-0.5, 0)).toBe('\u221250%');
    expect(signedPercent(12.345)).toBe('+1,234.5%');
    expect(formatDelta(-0.034)).toBe('\u22123.4%');
    expect(signedText(-2, (a) => `${a} pp`)).toBe('\u22122 pp');
    expect(signedText(0, (a) => `${a} pp`)).toBe('0 pp');
  });

  it('formatSigned signs a value formatted as formatValue formats its magnitude', () => {
    expect(formatSigned(4.2, 'currency')).toBe('+$4.20');
    expect(formatSigned(-4.2, 'currency', 'EUR')).toBe('\u2212€4.20');
    expect(formatSigned(-0.001, 'currency')).toBe('$0.00');
    expect(formatSigned(0.319, 'percent')).toBe('+31.9%');
    expect(formatSigned(-1234.5, 'number')).toBe('\u22121,234.5');
    expect(formatSigned(null, 'percent')).toBe('—');
    expect(formatSigned(Number.NaN, 'percent')).toBe('—');
  });

  it("the experiment reasons' effects: negatives with U+2212 (they had '-'), zero unsigned", () => {
    expect(formatEffect(0.1234, 'relative')).toBe('+12.34%');
    expect(formatEffect(-0.0248, 'relative')).toBe('\u22122.48%');
    expect(formatEffect(-2.5, 'absolute')).toBe('\u22122.5');
    // a difference of rates below 1 keeps 3 significant digits (it read +0.02 for 0.0166)
    expect(formatEffect(0.016623, 'absolute')).toBe('+0.0166');
    expect(formatEffect(-0.0034, 'absolute')).toBe('\u22120.0034');
    expect(formatEffect(0.005, 'absolute', false)).toBe('0.005');
    expect(formatEffect(20.013, 'absolute')).toBe('+20.01');
    expect(formatEffect(0, 'relative')).toBe('0%');
    expect(formatEffect(-Infinity, 'relative')).toBe('\u2212∞');
    expect(formatEffect(Infinity, 'absolute')).toBe('+∞');
    expect(formatEffect(0.02, 'relative', false)).toBe('2%');
  });
});

describe('signed KPIs and table columns in summary.md and dashboard.html', () => {
  const d: Dashboard = {
    title: 'T',
    generatedAt: '2026-12-07T00:00:00Z',
    runId: 'r',
    kpis: [
      { label: 'Best lift', value: 0.042, format: 'percent', signed: true },
      { label: 'Share', value: 0.042, format: 'percent' },
    ],
    sections: [
      {
        title: 'S',
        blocks: [
          {
            kind: 'table',
            title: 'Lifts',
            columns: [
              { key: 'arm', label: 'Arm', format: 'text' },
              { key: 'lift', label: 'Lift', format: 'percent', signed: true },
              { key: 'usd', label: 'Revenue lift', format: 'currency', signed: true },
            ],
            rows: [
              { arm: 'a', lift: 0.042, usd: 3 },
              { arm: 'b', lift: -0.031, usd: -1.5 },
              { arm: 'c', lift: 0, usd: null },
            ],
          },
        ],
      },
    ],
  };

  it('summary.md', () => {
    const md = renderDashboardMarkdown(d, { detail: 'full' });
    expect(md).toContain('**Best lift:** +4.2%');
    expect(md).toContain('**Share:** 4.2%');
    expect(md).toContain('| a | +4.2% | +$3.00 |');
    expect(md).toContain('| b | \u22123.1% | \u2212$1.50 |');
    expect(md).toContain('| c | 0.0% | — |');
  });

  it('dashboard.html', async () => {
    const html = await renderDashboardHtml(d);
    expect(html).toContain('>+4.2%<');
    expect(html).toContain('>\u22123.1%<');
    expect(html).toContain('>\u2212$1.50<');
    expect(html).toContain('data-v="-0.031"');
  });
});
