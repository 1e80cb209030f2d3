/**
 * The terminal's anomaly lines: a freshness anomaly says how old the data is against its SLA, not
 * the day after as-of (its instant, the end of as-of's day) without a figure.
 */
import { describe, expect, it } from 'vitest';
import { anomalyLine } from './format.ts';

const fresh = {
  key: 'data-freshness:billing_events',
  detector: 'data-freshness',
  subject: 'billing_events',
  at: '2026-12-06',
  direction: 'pos' as const,
  severity: 'error' as const,
  value: 50.73,
  threshold: 36,
};

describe('anomalyLine', () => {
  it('a late source: its lag in hours and the SLA it breaks, as of the run', () => {
    expect(anomalyLine(fresh, '2026-12-05')).toBe(
      'data-freshness on billing_events: its latest data is 50.7 h old at the end of 2026-12-05 (error after 36 h)',
    );
    expect(anomalyLine({ ...fresh, severity: 'warn', value: 13, threshold: 12 }, '2026-12-05')).toBe(
      'data-freshness on billing_events: its latest data is 13.0 h old at the end of 2026-12-05 (warn after 12 h)',
    );
  });
  it('a source without rows, and one ahead of the clock', () => {
    expect(anomalyLine({ ...fresh, value: null }, '2026-12-05')).toBe(
      'data-freshness on billing_events: no data as of 2026-12-05 (error after 36 h)',
    );
    expect(
      anomalyLine({ ...fresh, direction: 'neg', severity: 'warn', value: -5, threshold: 1 }, '2026-12-05'),
    ).toBe(
      'data-freshness on billing_events: its latest data is 5.0 h after the end of 2026-12-05, more than the 1 h allowed (a clock or time-zone error?)',
    );
  });
  it('other detectors: detector, subject and day as before', () => {
    expect(
      anomalyLine(
        {
          ...fresh,
          key: 'kpi-dip:conversion_rate',
          detector: 'kpi-dip',
          subject: 'conversion_rate',
          at: '2026-12-01',
        },
        '2026-12-05',
      ),
    ).toBe('kpi-dip on conversion_rate at 2026-12-01');
  });
});
