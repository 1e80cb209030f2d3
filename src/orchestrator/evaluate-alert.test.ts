import { describe, expect, it } from 'vitest';
import { ladderStep } from './escalation-ladder.ts';
import { evaluateAlert, type AlertInput } from './evaluate-alert.ts';
import { roster } from './fixtures/plan-fixtures.ts';

const policy = { escalationLadder: ['marketing-lead', 'vp-marketing'], roster, asOf: '2024-05-20' };
const roas = (value: number): AlertInput => ({
  id: 'roas',
  metric: 'roas',
  value,
  threshold: 1.5,
  direction: 'below',
});
const prev = (breached: boolean, consecutive_breaches: number) => ({
  plan_id: 'plan-20240501T000000000Z',
  alert: { value: breached ? 1 : 2, breached, consecutive_breaches },
});

describe('ladderStep', () => {
  it.each([
    [0, null],
    [1, null],
    [2, { level: 1, role: 'a' }],
    [3, { level: 2, role: 'b' }],
    [4, { level: 3, role: 'c' }],
    [9, { level: 3, role: 'c' }],
  ])('breach #%i → %o', (k, step) => {
    expect(ladderStep(['a', 'b', 'c'], k)).toEqual(step);
  });

  it('has no rung without a ladder', () => {
    expect(ladderStep([], 3)).toBeNull();
  });
});

describe('evaluateAlert', () => {
  it('compares strictly in the alert direction', () => {
    expect(evaluateAlert(roas(1.49), null, policy).breached).toBe(true);
    expect(evaluateAlert(roas(1.5), null, policy).breached).toBe(false);
    const fraud: AlertInput = {
      id: 'fraud',
      metric: 'fraud_rate',
      value: 0.051,
      threshold: 0.05,
      direction: 'above',
    };
    expect(evaluateAlert(fraud, null, policy).breached).toBe(true);
    expect(evaluateAlert({ ...fraud, value: 0.05 }, null, policy).breached).toBe(false);
  });

  it('does not escalate a first breach', () => {
    const ev = evaluateAlert(roas(1), null, policy);
    expect(ev).toMatchObject({ breached: true, consecutive_breaches: 1, escalate: false, previous: null });
    expect(ev.escalation).toBeUndefined();
  });

  it('escalates the second breach in a row to the first rung, with its owner', () => {
    const ev = evaluateAlert(roas(1), prev(true, 1), policy);
    expect(ev).toMatchObject({ consecutive_breaches: 2, escalate: true });
    expect(ev.escalation).toEqual({
      level: 1,
      role: 'marketing-lead',
      person: 'Mia Lee',
      fallbackUsed: null,
    });
    expect(ev.previous).toEqual({
      plan_id: 'plan-20240501T000000000Z',
      value: 1,
      breached: true,
      consecutive_breaches: 1,
    });
  });

  it('climbs the ladder and stays on the top rung', () => {
    expect(evaluateAlert(roas(1), prev(true, 2), policy).escalation).toMatchObject({
      level: 2,
      role: 'vp-marketing',
      person: 'Vic Park',
    });
    expect(evaluateAlert(roas(1), prev(true, 6), policy).escalation).toMatchObject({
      level: 2,
      role: 'vp-marketing',
    });
  });

  it('resets the streak when not breached now or not before', () => {
    expect(evaluateAlert(roas(2), prev(true, 3), policy)).toMatchObject({
      consecutive_breaches: 0,
      escalate: false,
    });
    expect(evaluateAlert(roas(1), prev(false, 0), policy)).toMatchObject({
      consecutive_breaches: 1,
      escalate: false,
    });
  });

  it('uses fallback owners for the escalation role', () => {
    const team = {
      roles: {
        ...roster.roles,
        'marketing-lead': {
          people: [{ name: 'Mia Lee', unavailable: [{ from: '2024-05-15', to: '2024-05-25' }] }],
          fallback: 'vp-marketing',
        },
      },
    };
    const ev = evaluateAlert(roas(1), prev(true, 1), { ...policy, roster: team });
    expect(ev.escalation).toMatchObject({
      level: 1,
      role: 'vp-marketing',
      person: 'Vic Park',
      fallbackUsed: { from: 'marketing-lead', to: 'vp-marketing' },
    });
  });

  it('resolves the alert owner when given', () => {
    const ev = evaluateAlert({ ...roas(2), owner_role: 'data-eng' }, null, policy);
    expect(ev.owner).toEqual({ role: 'data-eng', person: 'Dan Ek', fallbackUsed: null });
  });

  it('gives an owner role missing from the roster to the first rung, never an escalation target', () => {
    const ev = evaluateAlert({ ...roas(1), owner_role: 'marketing_ops' }, prev(true, 1), {
      ...policy,
      escalationLadder: ['vp-marketing', 'cfo'],
    });
    expect(ev.owner).toMatchObject({
      role: 'vp-marketing',
      person: 'Vic Park',
      fallbackUsed: { from: 'marketing_ops', to: 'vp-marketing' },
    });
    // the second breach escalates to the ladder's first rung; a rung missing from the roster is
    // not sent back down the ladder
    const third = evaluateAlert({ ...roas(1), owner_role: 'marketing_ops' }, prev(true, 2), {
      ...policy,
      escalationLadder: ['vp-marketing', 'cfo'],
    });
    expect(third.escalation).toMatchObject({ level: 2, role: 'cfo', person: null });
  });

  it('sends an escalation whose rung has nobody available up the ladder, recorded as a fallback', () => {
    // h-plan28: the rung's people away and no roster fallback left the escalation with nobody
    const away = {
      roles: {
        ...roster.roles,
        'marketing-lead': {
          people: [
            { name: 'Mia Lee', unavailable: [{ from: '2024-05-15', to: '2024-05-31', reason: 'leave' }] },
          ],
        },
      },
    };
    const ladder = ['marketing-lead', 'vp-marketing', 'cfo'];
    const second = evaluateAlert(roas(1), prev(true, 1), {
      ...policy,
      roster: away,
      escalationLadder: ladder,
    });
    expect(second.escalation).toMatchObject({
      level: 2,
      role: 'vp-marketing',
      person: 'Vic Park',
      fallbackUsed: { from: 'marketing-lead', to: 'vp-marketing' },
    });
    expect(second.escalation?.fallbackUsed?.reason).toBe(
      'no owner on 2024-05-20 for "marketing-lead" (tried marketing-lead): nobody in "marketing-lead" is available on 2024-05-20; Mia Lee unavailable 2024-05-15..2024-05-31 (leave); "vp-marketing", the next rung of the ladder that can, takes the escalation',
    );
    // a rung that is available keeps it; the top rung with nobody has nowhere to go
    expect(
      evaluateAlert(roas(1), prev(true, 2), { ...policy, roster: away, escalationLadder: ladder }).escalation,
    ).toMatchObject({ level: 2, role: 'vp-marketing', person: 'Vic Park', fallbackUsed: null });
    expect(
      evaluateAlert(roas(1), prev(true, 3), { ...policy, roster: away, escalationLadder: ladder }).escalation,
    ).toMatchObject({ level: 3, role: 'cfo', person: null });
    // never down: outside its window the rung's own person takes it
    expect(
      evaluateAlert(roas(1), prev(true, 1), {
        ...policy,
        asOf: '2024-06-01',
        roster: away,
        escalationLadder: ladder,
      }).escalation,
    ).toMatchObject({ level: 1, role: 'marketing-lead', person: 'Mia Lee', fallbackUsed: null });
  });

  it('escalates to the alert owner when the command has no ladder', () => {
    const ev = evaluateAlert({ ...roas(1), owner_role: 'data-eng' }, prev(true, 1), {
      ...policy,
      escalationLadder: [],
    });
    expect(ev.escalate).toBe(true);
    expect(ev.escalation).toMatchObject({ level: 0, role: 'data-eng', person: 'Dan Ek' });
  });

  it('rejects values that are not finite numbers', () => {
    expect(() => evaluateAlert(roas(Number.NaN), null, policy)).toThrow(/not a finite number/);
  });
});

describe('escalating before the second breach', () => {
  it('escalate_from 1 escalates on the first breach, to the first rung, then climbs', () => {
    const first = evaluateAlert({ ...roas(1), escalate_from: 1 }, null, policy);
    expect(first).toMatchObject({ breached: true, consecutive_breaches: 1, escalate: true });
    expect(first.escalation).toMatchObject({ role: 'marketing-lead', level: 1 });
    const second = evaluateAlert({ ...roas(1), escalate_from: 1 }, prev(true, 1), policy);
    expect(second.escalation).toMatchObject({ role: 'vp-marketing', level: 2 });
    expect(evaluateAlert({ ...roas(2), escalate_from: 1 }, null, policy).escalate).toBe(false);
  });

  it('escalate_to names the role instead of the ladder; the default still waits for two', () => {
    const ev = evaluateAlert({ ...roas(1), escalate_from: 1, escalate_to: 'vp-marketing' }, null, policy);
    // vp-marketing is the ladder's second rung: the level says so
    expect(ev.escalation).toMatchObject({ role: 'vp-marketing', level: 2 });
    expect(evaluateAlert(roas(1), null, policy).escalate).toBe(false);
  });

  it('escalate_to holds on a repeat (never a lower rung); a role off the ladder is level 1', () => {
    const input = { ...roas(1), escalate_from: 1, escalate_to: 'vp-marketing' };
    for (const streak of [1, 2, 5])
      expect(evaluateAlert(input, prev(true, streak), policy).escalation).toMatchObject({
        role: 'vp-marketing',
        level: 2,
      });
    const off = evaluateAlert({ ...input, escalate_to: 'privacy-officer' }, prev(true, 1), policy);
    expect(off.escalation).toMatchObject({ role: 'privacy-officer', level: 1 });
  });
});
