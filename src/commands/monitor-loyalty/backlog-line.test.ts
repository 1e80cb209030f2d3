/**
 * The terminal's backlog lines: the projected lift is money in the reporting currency (it printed as
 * "lift 20,709"), and an owner found through a fallback names their role and whom they cover for.
 */
import { describe, expect, it } from 'vitest';
import { backlogLine } from './format.ts';

describe('backlogLine', () => {
  it('the lift with its currency; the covering role', () => {
    expect(
      backlogLine(
        {
          id: 'b1',
          priority: 'high',
          title: 'win back: 105 members',
          evidence: '',
          owner: {
            role: 'loyalty_crm_manager',
            person: 'Ines Duarte',
            fallback_used: { from: 'loyalty_crm_manager', to: 'member_insights_analyst', reason: 'on leave' },
          },
          eta: '2026-12-12',
          value_at_stake: 138252,
          projected_lift: 20709.4,
          lift_basis: 'members × revenue',
        },
        'USD',
      ),
    ).toBe(
      '[high] win back: 105 members — Ines Duarte (member_insights_analyst, covering for loyalty_crm_manager), ETA 2026-12-12, projected lift USD 20,709',
    );
  });
});
