import { describe, expect, it } from 'vitest';
import { ruleReason } from './rule-reason.ts';

describe('ruleReason', () => {
  it('shows a refund amount in the reporting currency to 2 decimals', () => {
    const line = ruleReason(
      {
        rule: 'refund-after-reward',
        weight: 0.5,
        evidence: { rewardPaidAt: 0, refundedAt: 86_400_000, daysAfterReward: 1, refundAmount: 55 },
      },
      'EUR',
    );
    expect(line).toContain('refundAmount=EUR 55.00');
    expect(line).not.toContain('55.000');
  });

  it('rounds a fractional amount to cents and groups thousands', () => {
    const line = ruleReason(
      { rule: 'refund-after-reward', weight: 0.5, evidence: { refundAmount: 1234.5678 } },
      'USD',
    );
    expect(line).toContain('refundAmount=USD 1,234.57');
  });

  it('keeps non-money numbers as they were', () => {
    const line = ruleReason(
      { rule: 'refund-after-reward', weight: 0.5, evidence: { daysAfterReward: 2.5 } },
      'USD',
    );
    expect(line).toContain('daysAfterReward=2.500');
  });

  it('says a refund without an amount gave back the whole order (it read none)', () => {
    const line = ruleReason(
      { rule: 'refund-after-reward', weight: 0.6, evidence: { daysAfterReward: 4, refundAmount: null } },
      'USD',
    );
    expect(line).toBe('Refund after reward: daysAfterReward=4, refundAmount=whole order');
  });
});
