/** Freshness against SLAs, hand-computed lags (now = 2024-05-01T12:00Z). */
import { describe, expect, it } from 'vitest';
import { AnomalyInputError } from './anomaly-input-error.ts';
import { dataFreshness } from './data-freshness.ts';

const now = '2024-05-01T12:00:00Z';
const sla = { warnAfterHours: 6, errorAfterHours: 24 };

describe('dataFreshness', () => {
  it('ok / warn / error by lag; no data is an error', () => {
    const { checks, anomalies } = dataFreshness(
      [
        { source: 'crm', latest: '2024-05-01T09:30:00Z', ...sla }, // 2.5 h
        { source: 'events', latest: '2024-05-01 02:00:00', ...sla }, // 10 h (no zone = UTC)
        { source: 'ads', latest: Date.UTC(2024, 3, 30, 6), ...sla }, // 30 h
        { source: 'exposures', latest: null, ...sla },
      ],
      now,
    );
    expect(checks.map((c) => [c.source, c.status, c.lagHours])).toEqual([
      ['crm', 'ok', 2.5],
      ['events', 'warn', 10],
      ['ads', 'error', 30],
      ['exposures', 'error', null],
    ]);
    expect(anomalies.map((a) => [a.subject, a.severity])).toEqual([
      ['events', 'warn'],
      ['ads', 'error'],
      ['exposures', 'error'],
    ]);
    expect(anomalies[0].evidence).toMatchObject({
      detector: 'data-freshness',
      value: 10,
      expected: 6,
      score: 10,
      threshold: 6,
    });
    expect(anomalies[1].evidence).toMatchObject({ value: 30, threshold: 24 });
    expect(anomalies[0].playbook).toMatch(/late against its SLA/);
  });

  it('exactly at the SLA is still ok; a source ahead of now is a warning', () => {
    const { checks, anomalies } = dataFreshness(
      [
        { source: 'edge', latest: '2024-05-01T06:00:00Z', ...sla },
        { source: 'future', latest: '2024-05-01T15:00:00Z', ...sla },
      ],
      now,
    );
    expect(checks.map((c) => c.status)).toEqual(['ok', 'warn']);
    expect(anomalies[0]).toMatchObject({ subject: 'future', direction: 'neg' });
    expect(anomalies[0].evidence).toMatchObject({ score: 3, threshold: 1 });
  });

  it('rejects inconsistent SLAs and unreadable times', () => {
    expect(() =>
      dataFreshness([{ source: 'x', latest: now, warnAfterHours: 10, errorAfterHours: 5 }], now),
    ).toThrow(AnomalyInputError);
    expect(() => dataFreshness([{ source: 'x', latest: 'yesterday', ...sla }], now)).toThrow(/cannot read/);
    expect(() => dataFreshness([], 'now')).toThrow(/now/);
  });
});
