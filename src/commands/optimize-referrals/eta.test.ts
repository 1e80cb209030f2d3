import { describe, expect, it } from 'vitest';
import type { WorkspaceConfig } from '../../workspace/index.ts';
import type { OwnerRef } from '../kit/index.ts';
import { scheduleEtas } from './eta.ts';

const ws = {
  roster: {
    roles: {
      ops: {
        people: [{ name: 'A' }, { name: 'B', unavailable: [{ from: '2026-11-01', to: '2026-11-30' }] }],
      },
      fraud: { people: [{ name: 'L', unavailable: [{ from: '2026-11-20', to: '2026-11-24' }] }] },
      architect: { people: [{ name: 'N' }] },
      marketer: {
        people: [{ name: 'M', unavailable: [{ from: '2026-11-10', to: '2026-11-20' }] }],
        fallback: 'architect',
      },
    },
  },
} as unknown as WorkspaceConfig;

const owner = (role: string, person: string, fallbackTo?: string): OwnerRef => ({
  role,
  person,
  fallback_used: fallbackTo ? { from: role, to: fallbackTo, reason: 'away' } : null,
});

describe('scheduleEtas (hand-computed, as-of 2026-11-15)', () => {
  it('queues per owner at the role’s pace, counting only people available at as-of', () => {
    const etas = scheduleEtas(
      [
        { owner: owner('ops', 'A'), effort_days: 3 },
        { owner: owner('ops', 'A'), effort_days: 2 },
        { owner: owner('architect', 'N'), effort_days: 5 },
      ],
      ws,
      '2026-11-15',
      { byRole: { ops: 1.5 }, defaultDays: 2 },
    );
    // ops: 1.5 days/week × 1 available person (B is away): 3 days → ceil(3 / 1.5 × 7) = 14 days
    expect(etas[0]).toEqual({ eta: '2026-11-29', queued_days: 3, capacity_days_per_week: 1.5, away_days: 0 });
    // then 5 queued days → ceil(5 / 1.5 × 7) = 24 days
    expect(etas[1].eta).toBe('2026-12-09');
    // architect: default 2 days/week: 5 days → ceil(17.5) = 18 days
    expect(etas[2]).toMatchObject({ eta: '2026-12-03', capacity_days_per_week: 2 });
  });

  it('pushes an ETA back by the owner’s days away before it; a fallback is paced by the covering role', () => {
    const [fraud, covered] = scheduleEtas(
      [
        { owner: owner('fraud', 'L'), effort_days: 2 },
        { owner: owner('marketer', 'N', 'architect'), effort_days: 2 },
      ],
      ws,
      '2026-11-15',
      { byRole: {}, defaultDays: 2 },
    );
    // 2 days at 2/week = 7 days → 2026-11-22, but L is away 11-20..11-24: the 3 days to 11-22 push it
    // to 11-25, which now spans all 5 days away → 2026-11-27
    expect(fraud).toMatchObject({ eta: '2026-11-27', away_days: 5 });
    // N of the architect role covers: 2 days at 2/week, nobody away
    expect(covered).toMatchObject({ eta: '2026-11-22', away_days: 0 });
  });
});
