/**
 * A reward's status reaches the fraud scorer in the payouts' own spelling (`clawed_back`, as the
 * payouts entity, the docs and payouts.csv write it): the scorer and flagged_referrals.csv said
 * `clawed-back`, and a library caller passing the data's `clawed_back` had it read as no status,
 * so a clawed-back reward of a flagged referral counted as held value at risk.
 */
import { describe, expect, it } from 'vitest';
import { scoreReferrals } from '../../analyses/fraud/index.ts';
import { featureRow } from './feature-rows.ts';

const row = (status: string | null) =>
  featureRow(
    {
      referral_id: 'r1',
      advocate_id: 'a1',
      advocate_acct: 'a1',
      friend_acct: 'f1',
      reward_amount: 40,
      reward_status: status,
      prior_claims: 1,
      first_advocate: 'a0',
    },
    new Map(),
  );

describe('featureRow reward status', () => {
  it.each(['pending', 'paid', 'clawed_back', 'void'])('keeps %s', (s) => {
    expect(row(s).rewardStatus).toBe(s);
  });

  it('a clawed-back reward of a flagged referral is not held; a paid one is', () => {
    const scored = scoreReferrals([row('clawed_back'), { ...row('paid'), referralId: 'r2' }]);
    expect(scored.flagged.map((f) => [f.referralId, f.heldValue])).toEqual([
      ['r1', 0],
      ['r2', 40],
    ]);
  });
});
