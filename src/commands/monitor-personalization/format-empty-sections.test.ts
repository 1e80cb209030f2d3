/**
 * The terminal view of a run whose initiative serves no experiment (h-per23: `--initiative
 * "Checkout Recs"`, whose one rule runs no test): it printed the heading "Experiments:" with
 * nothing under it, and "Anomalies: " with a trailing space when there were anomalies.
 */
import { describe, expect, it } from 'vitest';
import { formatMonitorPersonalization } from './format.ts';
import type { MonitorPersonalizationResult } from './result.ts';

const result = (experiments: unknown[], anomalies: unknown[]) =>
  ({
    initiative: { name: 'Checkout Recs' },
    window: { label: '14d' },
    as_of: '2026-11-30',
    totals: { decisions: 800, users: 800, rules: 1 },
    governance: { consent: { violations: 0 }, status: 'pass' },
    fallback: { value: 0.0325, rule: 'rec_rule', threshold: 0.05, min_evaluations: 100 },
    performance: { rows: [], unmeasured: [] },
    experiments,
    anomalies: { items: anomalies },
    backlog: { items: [] },
    immediate_escalations: [],
    escalations: [],
    reports_dir: 'reports/monitor-personalization/x',
    plan_path: '.claude/plans/x.json',
  }) as unknown as MonitorPersonalizationResult;

const lines = (r: MonitorPersonalizationResult) => formatMonitorPersonalization(r, 'summary').split('\n');

describe('terminal view: empty sections', () => {
  it('says "Experiments: none" when no experiment belongs to the initiative', () => {
    const text = lines(result([], []));
    expect(text).toContain('Experiments: none');
    expect(text).toContain('Anomalies: none');
  });

  it('keeps the headings bare, without a trailing space, when they have lines under them', () => {
    const text = lines(
      result(
        [{ id: 'exp-banner', guidance: { kind: 'fix and restart', headline: 'SRM.' }, no_readout: null }],
        [
          {
            key: 'volume-drop:flag_evals',
            detector: 'volume-drop',
            subject: 'flag_evals',
            at: '2026-11-20',
            direction: 'neg',
            severity: 'error',
            value: 20,
            threshold: 0.6,
          },
        ],
      ),
    );
    const at = (h: string) => text.indexOf(h);
    expect(text[at('Experiments:') + 1]).toBe('  exp-banner: fix and restart — SRM.');
    expect(text[at('Anomalies:') + 1]).toBe('  [error] volume-drop on flag_evals at 2026-11-20');
  });

  it('ends no line of the view with a space: headings, the table (a holdout row has no verdict) and lists', () => {
    const r = result(
      [{ id: 'exp-banner', guidance: null, no_readout: null }],
      [{ key: 'volume-drop:x', detector: 'volume-drop', subject: 'x', at: '2026-11-20', severity: 'warn' }],
    );
    const rows = [
      { variant: 'holdout', users: 40, conversion_rate: 0.05, is_holdout: true },
      { variant: 'personalized', users: 400, conversion_rate: null, is_holdout: false },
    ].map((x) => ({ dimension: 'all', ...x, comparisons: [] }));
    const text = lines({
      ...r,
      performance: { rows, unmeasured: [] },
      backlog: {
        items: [
          {
            rank: 1,
            severity: 'high',
            title: 'Fix x',
            owner: { person: null, role: 'testing_lead' },
            due: '2026-12-02',
          },
        ],
      },
    } as unknown as MonitorPersonalizationResult);
    expect(text.filter((l) => /\s$/.test(l))).toEqual([]);
    expect(text).toEqual(expect.arrayContaining(['Anomalies:', 'Experiments:', 'Backlog (1):']));
  });
});
