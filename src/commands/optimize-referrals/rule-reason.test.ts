import { describe, expect, it } from 'vitest';
import { ruleReason } from './rule-reason.ts';

describe('ruleReason', () => {
  it('shows a refund amount in the reporting currency (EUR: 2 decimals)', () => {
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

  it.each([
    // 1,234.5678 to the currency's minor unit (ISO 4217: JPY 0, USD 2, KWD 3); it read 2 decimals
    // whatever the currency ('JPY 1,234.57', 'KWD 1,234.57')
    ['JPY', 'JPY 1,235'],
    ['USD', 'USD 1,234.57'],
    ['KWD', 'KWD 1,234.568'],
  ])('shows a refund amount in %s with its own decimals: %s', (currency, amount) => {
    const line = ruleReason(
      {
        rule: 'refund-after-reward',
        weight: 0.5,
        evidence: { rewardPaidAt: 0, refundedAt: 86_400_000, daysAfterReward: 1, refundAmount: 1234.5678 },
      },
      currency,
    );
    expect(line).toBe(`Refund after reward: daysAfterReward=1, refundAmount=${amount}`);
  });

  it('keeps a whole refund amount whole in JPY and with 3 zeros in KWD', () => {
    const line = (currency: string) =>
      ruleReason({ rule: 'refund-after-reward', weight: 0.5, evidence: { refundAmount: 55 } }, currency);
    expect(line('JPY')).toBe('Refund after reward: refundAmount=JPY 55');
    expect(line('KWD')).toBe('Refund after reward: refundAmount=KWD 55.000');
    expect(line('EUR')).toBe('Refund after reward: refundAmount=EUR 55.00');
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
