/**
 * The terminal's escalation lines: a consent violation escalated at once is said once, not again as
 * "breached 1 runs in a row"; a repeat keeps its line, with "run" / "runs" as English has it.
 */
import { describe, expect, it } from 'vitest';
import { formatMonitorPersonalization } from './format.ts';
import type { MonitorPersonalizationResult } from './result.ts';

const owner = { role: 'data_privacy_lead', person: 'Amara Okafor', fallback_used: null };
const atOnce = {
  alert_id: 'consent_violations',
  reason: '28 decisions served without the required consent',
  value: 28,
  at: '2026-12-07',
  ...owner,
};
const ladder = (alert_id: string, consecutive_breaches: number) => ({
  alert_id,
  consecutive_breaches,
  metric: 'm',
  task_id: 't',
  level: 3,
  value: 28,
  threshold: 0,
  direction: 'above',
  at: '2026-12-06',
  ...owner,
});

function result(immediate: unknown[], escalations: unknown[]): MonitorPersonalizationResult {
  return {
    initiative: { name: 'PLG Onboarding' },
    window: { label: '14d' },
    as_of: '2026-12-06',
    totals: { decisions: 10, users: 5, rules: 1 },
    governance: { status: 'fail', consent: { violations: 28 } },
    fallback: { value: 0, threshold: 0.05, rule: null },
    performance: { rows: [], unmeasured: [] },
    experiments: [],
    anomalies: { items: [] },
    backlog: { items: [] },
    immediate_escalations: immediate,
    escalations,
    reports_dir: 'reports/x',
    plan_path: 'plan.json',
  } as unknown as MonitorPersonalizationResult;
}
const escalationLines = (r: MonitorPersonalizationResult) =>
  formatMonitorPersonalization(r, 'full')
    .split('\n')
    .filter((l) => l.startsWith('Escalated'));

describe('formatMonitorPersonalization escalations', () => {
  it('a first consent violation: one line, escalated at once', () => {
    expect(escalationLines(result([atOnce], [ladder('consent_violations', 1)]))).toEqual([
      'Escalated at once: 28 decisions served without the required consent → Amara Okafor (data privacy lead).',
    ]);
  });
  it('a repeat keeps its ladder line; a count of runs reads as English', () => {
    expect(
      escalationLines(result([atOnce], [ladder('consent_violations', 2), ladder('fallback_rate', 3)])),
    ).toEqual([
      'Escalated at once: 28 decisions served without the required consent → Amara Okafor (data privacy lead).',
      'Escalated: consent_violations breached 2 as-of dates in a row → Amara Okafor (data privacy lead).',
      'Escalated: fallback_rate breached 3 as-of dates in a row → Amara Okafor (data privacy lead).',
    ]);
    expect(escalationLines(result([], [ladder('kpi_dip.conversion_rate', 1)]))).toEqual([
      'Escalated: kpi_dip.conversion_rate breached 1 as-of date in a row → Amara Okafor (data privacy lead).',
    ]);
  });
});
