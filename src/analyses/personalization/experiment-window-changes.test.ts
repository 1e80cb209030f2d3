/**
 * Boundaries of "inside the experiment's window" (strictly between start and end) and of
 * "running" (start ≤ now ≤ end), on hand-built timestamps.
 */
import { describe, expect, it } from 'vitest';
import { experimentWindowChanges, type ExperimentWindow } from './experiment-window-changes.ts';
import type { RuleChangeRow } from './review-change-approvals.ts';

const EXPERIMENTS: ExperimentWindow[] = [
  {
    experiment: 'exp-hero',
    start: '2026-03-01 00:00:00',
    end: '2026-03-29 00:00:00',
    rules: ['hero', 'hero'],
  },
  { experiment: 'exp-open', start: '2026-03-05 00:00:00', end: null, rules: ['reco'] },
  { experiment: 'exp-old', start: '2026-01-01', end: '2026-02-01', rules: ['hero'] },
];
const at = (ts: string, rule = 'hero'): RuleChangeRow => ({
  rule,
  ts,
  author: 'ana',
  approvedBy: 'ben',
  approvalTs: ts,
});

describe('experimentWindowChanges', () => {
  const now = '2026-03-15 00:00:00';
  const flagged = (ts: string, rule = 'hero') =>
    experimentWindowChanges([at(ts, rule)], EXPERIMENTS, now).conflicts.map((c) => c.experiment);

  it.each([
    ['2026-03-01 00:00:00', []], // the launch itself
    ['2026-03-01 00:00:01', ['exp-hero']],
    ['2026-03-28 23:59:59', ['exp-hero']],
    ['2026-03-29 00:00:00', []], // the stop / ship change
    ['2026-02-28 23:59:59', []],
    ['2026-01-15', ['exp-old']],
  ])('hero changed at %s → %j', (ts, experiments) => {
    expect(flagged(ts)).toEqual(experiments);
  });

  it('an open-ended experiment covers everything after its start; unrelated rules never conflict', () => {
    expect(flagged('2026-03-14', 'reco')).toEqual(['exp-open']);
    expect(flagged('2026-03-14', 'banner')).toEqual([]);
  });

  it('running experiments are high severity, ended ones medium', () => {
    const r = experimentWindowChanges([at('2026-03-10'), at('2026-01-15')], EXPERIMENTS, now);
    expect(r.conflicts.map((c) => [c.experiment, c.running, c.daysIntoExperiment])).toEqual([
      ['exp-hero', true, 9],
      ['exp-old', false, 14],
    ]);
    expect(r.findings.map((f) => f.severity)).toEqual(['high', 'medium']);
    expect(r.findings[0].id).toBe(
      'change-in-experiment:change=hero%402026-03-10T00%3A00%3A00Z,experiment=exp-hero,rule=hero',
    );
    expect(r.findings[0].ownerRole).toBe('testing_lead');
  });

  it('running is inclusive at both ends of the window', () => {
    const run = (n: string) =>
      experimentWindowChanges([at('2026-03-10')], EXPERIMENTS, n).conflicts[0].running;
    expect(run('2026-03-29 00:00:00')).toBe(true);
    expect(run('2026-03-29 00:00:01')).toBe(false);
  });
});
