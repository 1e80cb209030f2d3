import { describe, expect, it } from 'vitest';
import { robustZ, scoredAnomaly } from './scored-anomaly.ts';

describe('robustZ', () => {
  it('is (value − center) / scale, and 0 or ±Infinity on a flat baseline', () => {
    expect(robustZ(13, 10, 1.5)).toBe(2);
    expect(robustZ(7, 10, 1.5)).toBe(-2);
    expect(robustZ(10, 10, 0)).toBe(0);
    expect(robustZ(10.5, 10, 0)).toBe(Infinity);
    expect(robustZ(9, 10, 0)).toBe(-Infinity);
  });
});

describe('scoredAnomaly', () => {
  const base = {
    subject: 'conversion',
    detector: 'same-weekday-z' as const,
    t: Date.UTC(2026, 10, 3),
    at: '2026-11-03',
    value: 4,
    expected: 10,
    threshold: 3.5,
    window: { from: '2026-09-08', to: '2026-10-27', points: 8 },
    details: { scale: 1 },
  };

  it('takes the direction from the sign of z and is an error at twice the threshold', () => {
    expect(scoredAnomaly({ ...base, z: -6.99 })).toMatchObject({ direction: 'neg', severity: 'warn' });
    expect(scoredAnomaly({ ...base, z: -7 })).toMatchObject({ direction: 'neg', severity: 'error' });
    expect(scoredAnomaly({ ...base, z: 3.6 })).toMatchObject({ direction: 'pos', severity: 'warn' });
    expect(scoredAnomaly({ ...base, z: Infinity })).toMatchObject({ direction: 'pos', severity: 'error' });
  });

  it('carries the evidence and the playbook of its detector and direction', () => {
    const a = scoredAnomaly({ ...base, z: -6 });
    expect(a.evidence).toEqual({
      detector: 'same-weekday-z',
      value: 4,
      expected: 10,
      score: -6,
      threshold: 3.5,
      window: base.window,
      details: { scale: 1 },
    });
    expect(a.playbook).not.toBe(scoredAnomaly({ ...base, z: 6 }).playbook);
    expect(a.playbook.length).toBeGreaterThan(20);
  });
});
