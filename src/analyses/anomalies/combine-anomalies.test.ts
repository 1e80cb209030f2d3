/** Combining detectors: union and votes per subject and UTC day, strongest evidence first. */
import { describe, expect, it } from 'vitest';
import { combineAnomalies } from './combine-anomalies.ts';
import { playbookFor } from './playbooks.ts';
import { toEpochMs } from './to-epoch-ms.ts';
import type { Anomaly, DetectorName } from './types.ts';

const anomaly = (
  detector: DetectorName,
  subject: string,
  t: string,
  score: number,
  threshold = 3.5,
): Anomaly => ({
  subject,
  t: toEpochMs(t),
  at: t,
  direction: score > 0 ? 'pos' : 'neg',
  severity: Math.abs(score) >= 2 * threshold ? 'error' : 'warn',
  evidence: { detector, value: 1, expected: 0, score, threshold, window: { from: t, to: t, points: 1 } },
  playbook: playbookFor(detector, score > 0 ? 'pos' : 'neg'),
});

const esd = [
  anomaly('seasonal-hybrid-esd', 'kpi', '2024-05-01T00:00:00Z', 5, 3),
  anomaly('seasonal-hybrid-esd', 'kpi', '2024-05-03', 4, 3),
];
const weekday = [
  anomaly('same-weekday-z', 'kpi', '2024-05-01', 9),
  anomaly('same-weekday-z', 'other', '2024-05-03', -4),
];

describe('combineAnomalies', () => {
  it('union keeps every subject-day once', () => {
    const all = combineAnomalies([esd, weekday]);
    expect(all.map((a) => [a.subject, a.at, a.votes])).toEqual([
      ['kpi', '2024-05-01', 2],
      ['kpi', '2024-05-03', 1],
      ['other', '2024-05-03', 1],
    ]);
  });

  it('a vote keeps days several detectors agree on; the strongest member leads', () => {
    const [a] = combineAnomalies([esd, weekday], { minVotes: 2 });
    expect(a.detectors).toEqual(['same-weekday-z', 'seasonal-hybrid-esd']);
    expect(a.evidence.detector).toBe('same-weekday-z'); // 9 / 3.5 beats 5 / 3
    expect(a.severity).toBe('error');
    expect(a.corroboration.map((e) => e.detector)).toEqual(['same-weekday-z', 'seasonal-hybrid-esd']);
    expect(combineAnomalies([esd, weekday], { minVotes: 3 })).toEqual([]);
  });

  it('two findings of one detector are one vote', () => {
    const twice = [
      anomaly('same-weekday-z', 'kpi', '2024-05-01', 4),
      anomaly('same-weekday-z', 'kpi', '2024-05-01T08:00:00Z', 5),
    ];
    expect(combineAnomalies([twice], { minVotes: 2 })).toEqual([]);
    expect(() => combineAnomalies([twice], { minVotes: 0 })).toThrow(/minVotes/);
  });
});
