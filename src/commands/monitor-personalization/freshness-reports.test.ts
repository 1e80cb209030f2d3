/**
 * A freshness anomaly in the backlog, summary.md and the dashboard: its instant is the end of
 * as-of's day, which printed as the next date ("data-freshness on billing_events (2026-12-07)" for
 * a run as of 2026-12-06, with a "baseline 2026-12-04 to 2026-12-07, 1 points" in its evidence).
 * They say how old the source's data is at the end of as-of, as the terminal line does; other
 * anomalies keep their day.
 */
import { describe, expect, it } from 'vitest';
import { findingsOf } from './backlog-stage.ts';
import { anomaliesSection } from './dashboard-sections.ts';
import type { AnomalyOut, IssuesOutput } from './issues-stage.ts';
import type { MonitorPersonalizationOutputs } from './plan.ts';

const late: AnomalyOut = {
  key: 'data-freshness:billing_events',
  detector: 'data-freshness',
  subject: 'billing_events',
  at: '2026-12-07',
  direction: 'pos',
  severity: 'error',
  value: 50.253861944444445,
  expected: 12,
  score: 50.253861944444445,
  threshold: 36,
  window: { from: '2026-12-04T21:44:46.097Z', to: '2026-12-07', points: 1 },
  detectors: ['data-freshness'],
  playbook: 'Source is late against its SLA.',
  users: null,
};
const empty: AnomalyOut = {
  ...late,
  key: 'data-freshness:product_events',
  subject: 'product_events',
  value: null,
  score: null as unknown as number,
  window: { from: '2026-12-07', to: '2026-12-07', points: 0 },
};
const dip: AnomalyOut = {
  ...late,
  key: 'kpi-dip:conversion_rate',
  detector: 'seasonal-hybrid-esd',
  subject: 'conversion_rate',
  at: '2026-12-02',
  direction: 'neg',
  value: 0.0031,
  expected: 0.053,
  score: 6.4,
  threshold: 2.73,
  window: { from: '2026-11-04', to: '2026-12-01', points: 28 },
  detectors: ['seasonal-hybrid-esd', 'same-weekday-z'],
};
const issues = {
  freshness: [],
  suppression: [],
  kpis: [],
  anomalies: [late, empty, dip],
} as unknown as IssuesOutput;

describe('freshness anomalies in the reports', () => {
  it('backlog: the lag at the end of as-of, not the next date; the latest row as evidence', () => {
    const [f, e, d] = findingsOf(issues, '2026-12-06');
    expect(f.title).toBe(
      'data-freshness on billing_events: its latest data is 50.3 h old at the end of 2026-12-06 (error after 36 h)',
    );
    expect(f.evidence).toBe(
      'value 50.25 vs expected 12 (score 50.25, threshold 36; data-freshness; latest row 2026-12-04T21:44:46.097Z)',
    );
    expect(e.title).toBe('data-freshness on product_events: no data as of 2026-12-06 (error after 36 h)');
    expect(d.title).toBe('kpi-dip on conversion_rate (2026-12-02)');
    expect(d.evidence).toContain('baseline 2026-11-04 to 2026-12-01, 28 points');
    for (const x of [f, e]) expect(x.title).not.toContain('2026-12-07');
  });

  it('dashboard and summary.md: the same line; other anomalies with their day and severity', () => {
    const section = anomaliesSection({ issues } as unknown as MonitorPersonalizationOutputs, '2026-12-06');
    const list = section.blocks.find((b) => b.kind === 'list') as { items: { text: string }[] };
    expect(list.items.map((i) => i.text)).toEqual([
      'data-freshness on billing_events: its latest data is 50.3 h old at the end of 2026-12-06 (error after 36 h)',
      'data-freshness on product_events: no data as of 2026-12-06 (error after 36 h)',
      'kpi-dip on conversion_rate at 2026-12-02 (error)',
    ]);
  });
});
