import { describe, expect, it } from 'vitest';
import { evaluateAlert } from './evaluate-alert.ts';

const roster = { roles: { lead: { people: [{ name: 'Ana' }] }, boss: { people: [{ name: 'Bo' }] } } };
const policy = (now: string) => ({ escalationLadder: ['lead', 'boss'], roster, asOf: now.slice(0, 10), now });
const input = {
  id: 'defects',
  metric: 'defect rate',
  value: 0.2,
  threshold: 0.05,
  direction: 'above' as const,
  within_hours: 48,
};
const previous = (at: string) => ({
  plan_id: 'p1',
  alert: { value: 0.3, breached: true, consecutive_breaches: 1, evaluated_at: at },
});

describe('alerts breached twice within a window', () => {
  it('escalates when the earlier breach is inside the window', () => {
    const ev = evaluateAlert(input, previous('2026-11-20T12:00:00Z'), policy('2026-11-21T12:00:00Z'));
    expect(ev.consecutive_breaches).toBe(2);
    expect(ev.escalate).toBe(true);
    expect(ev.escalation?.person).toBe('Ana');
  });

  it('starts a new streak when the earlier breach is older than the window', () => {
    const ev = evaluateAlert(input, previous('2026-11-18T11:59:59Z'), policy('2026-11-21T12:00:00Z'));
    expect(ev.breached).toBe(true);
    expect(ev.consecutive_breaches).toBe(1);
    expect(ev.escalate).toBe(false);
  });

  it('counts the boundary (exactly 48 h) as inside', () => {
    expect(
      evaluateAlert(input, previous('2026-11-19T12:00:00Z'), policy('2026-11-21T12:00:00Z')).escalate,
    ).toBe(true);
  });

  it('ignores age without within_hours', () => {
    const { within_hours: _w, ...noWindow } = input;
    expect(
      evaluateAlert(noWindow, previous('2020-01-01T00:00:00Z'), policy('2026-11-21T12:00:00Z')).escalate,
    ).toBe(true);
  });
});
