import { describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { roster } from './fixtures/plan-fixtures.ts';
import { resolveOwner, type Roster } from './resolve-owner.ts';

describe('resolveOwner', () => {
  it('picks the first person of the role when available', () => {
    const r = resolveOwner(roster, 'analyst', '2024-04-30');
    expect(r).toEqual({
      role: 'analyst',
      person: 'Ana Ruiz',
      email: 'ana@example.com',
      fallbackUsed: null,
      passedOver: [],
    });
  });

  it.each([
    ['2024-05-01', 'first day'],
    ['2024-05-05', 'middle'],
    ['2024-05-10', 'last day'],
  ])('treats the unavailability window as inclusive (%s, %s)', (day) => {
    const r = resolveOwner(roster, 'analyst', day);
    expect(r.person).toBe('Ben Ode');
    expect(r.role).toBe('analyst');
    expect(r.fallbackUsed).toBeNull();
    expect(r.passedOver).toEqual([
      {
        role: 'analyst',
        person: 'Ana Ruiz',
        reason: 'Ana Ruiz unavailable 2024-05-01..2024-05-10 (vacation)',
      },
    ]);
  });

  it('accepts a full timestamp as the date', () => {
    expect(resolveOwner(roster, 'analyst', '2024-05-11T09:00:00Z').person).toBe('Ana Ruiz');
  });

  it('falls back to another role when nobody in the role is available, and says why', () => {
    const team: Roster = {
      roles: {
        analyst: {
          people: [{ name: 'Ana', unavailable: [{ from: '2024-05-01', to: '2024-05-31', reason: 'leave' }] }],
          fallback: 'lead',
        },
        lead: { people: [{ name: 'Lou', email: 'lou@example.com' }] },
      },
    };
    const r = resolveOwner(team, 'analyst', '2024-05-15');
    expect(r.role).toBe('lead');
    expect(r.person).toBe('Lou');
    expect(r.email).toBe('lou@example.com');
    expect(r.fallbackUsed).toMatchObject({ from: 'analyst', to: 'lead' });
    expect(r.fallbackUsed!.reason).toContain('Ana unavailable 2024-05-01..2024-05-31 (leave)');
    expect(r.reason).toBe(r.fallbackUsed!.reason);
  });

  it('walks a chain of several fallbacks', () => {
    const team: Roster = {
      roles: {
        a: { people: [], fallback: 'b' },
        b: {
          people: [{ name: 'Bea', unavailable: [{ from: '2024-01-01', to: '2024-12-31' }] }],
          fallback: 'c',
        },
        c: { people: [{ name: 'Cy' }] },
      },
    };
    const r = resolveOwner(team, 'a', '2024-06-01');
    expect(r).toMatchObject({ role: 'c', person: 'Cy', fallbackUsed: { from: 'a', to: 'c' } });
    expect(r.fallbackUsed!.reason).toMatch(/role "a" has nobody assigned/);
    expect(r.passedOver.map((p) => p.person)).toEqual(['Bea']);
  });

  it('stops on a fallback cycle and reports nobody', () => {
    const team: Roster = {
      roles: {
        a: {
          people: [{ name: 'Al', unavailable: [{ from: '2024-06-01', to: '2024-06-01' }] }],
          fallback: 'b',
        },
        b: {
          people: [{ name: 'Bo', unavailable: [{ from: '2024-05-30', to: '2024-06-02' }] }],
          fallback: 'a',
        },
      },
    };
    const r = resolveOwner(team, 'a', '2024-06-01');
    expect(r.person).toBeNull();
    expect(r.role).toBe('a');
    expect(r.fallbackUsed).toBeNull();
    expect(r.reason).toMatch(/tried a → b/);
    expect(r.reason).toMatch(/loops back to "a"/);
    // One day later Al is back: the cycle is irrelevant when the first role is staffed.
    expect(resolveOwner(team, 'a', '2024-06-02').person).toBe('Al');
  });

  it('handles a self-referencing fallback', () => {
    const team: Roster = { roles: { a: { people: [], fallback: 'a' } } };
    expect(resolveOwner(team, 'a', '2024-06-01')).toMatchObject({ person: null, role: 'a' });
  });

  it('reports a role missing from the roster, directly or as a fallback', () => {
    expect(resolveOwner(roster, 'cfo', '2024-06-01').reason).toMatch(/role "cfo" is not in the roster/);
    const team: Roster = { roles: { a: { people: [], fallback: 'ghost' } } };
    expect(resolveOwner(team, 'a', '2024-06-01').reason).toMatch(/role "ghost" is not in the roster/);
  });

  it('gives a role missing from the roster to orElse (the first escalation role), recorded as a fallback', () => {
    // a command's default role (the kit's marketing_ops for data pulls) in a roster written for one team
    const r = resolveOwner(roster, 'marketing_ops', '2024-06-01', 'vp-marketing');
    expect(r).toMatchObject({
      role: 'vp-marketing',
      person: 'Vic Park',
      fallbackUsed: { from: 'marketing_ops', to: 'vp-marketing' },
    });
    expect(r.fallbackUsed?.reason).toMatch(
      /role "marketing_ops" is not in the roster; "vp-marketing" \(the first role of the escalation ladder\) owns its work/,
    );
    // orElse unavailable: through its own fallback chain, and the reason says so
    const away: Roster = {
      roles: {
        lead: {
          people: [{ name: 'Lee', unavailable: [{ from: '2024-05-01', to: '2024-06-30' }] }],
          fallback: 'vp',
        },
        vp: { people: [{ name: 'Val' }] },
      },
    };
    expect(resolveOwner(away, 'ops', '2024-06-01', 'lead')).toMatchObject({
      role: 'vp',
      person: 'Val',
      fallbackUsed: { from: 'ops', to: 'vp', reason: expect.stringMatching(/through "lead"/) as unknown },
    });
  });

  it('keeps "no owner" when orElse cannot help or the role is in the roster', () => {
    // orElse missing too: the original reason stands
    expect(resolveOwner(roster, 'cfo', '2024-06-01', 'ghost')).toMatchObject({
      role: 'cfo',
      person: null,
      reason: expect.stringMatching(/role "cfo" is not in the roster/) as unknown,
    });
    // a role in the roster whose people are all away follows its own chain only
    const team: Roster = {
      roles: {
        a: { people: [{ name: 'Ann', unavailable: [{ from: '2024-05-01', to: '2024-06-30' }] }] },
        b: { people: [{ name: 'Bo' }] },
      },
    };
    expect(resolveOwner(team, 'a', '2024-06-01', 'b')).toMatchObject({ role: 'a', person: null });
  });

  it('does not treat inherited object keys as roles', () => {
    expect(resolveOwner(roster, 'constructor', '2024-06-01').person).toBeNull();
  });

  it('throws CONFIG naming the roster key of a malformed date', () => {
    const team: Roster = {
      roles: { a: { people: [{ name: 'Al', unavailable: [{ from: '2024-13-45', to: '2024-06-01' }] }] } },
    };
    const err = (() => {
      try {
        resolveOwner(team, 'a', '2024-06-01');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(GtmError);
    expect(err).toMatchObject({ code: 'CONFIG', where: 'roster.roles.a.people[0].unavailable[0].from' });
    expect(() => resolveOwner(roster, 'analyst', 'next tuesday')).toThrow(/not an ISO date/);
  });
});
