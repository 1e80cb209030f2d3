import { describe, expect, it } from 'vitest';
import { fraudLines } from './format.ts';
import type { ReferralsResult } from './result.ts';

describe('fraudLines', () => {
  it('says what the bands count, and the currency of the payouts and rewards', () => {
    const fraud = {
      by_band: { approve: 615, review: 50, reject: 20 },
      reject_share: 20 / 685,
      value_at_risk: { review: 1500, reject: 629, total: 2129 },
      rules: [
        { rule: 'shared-ip', fired: 6, reward_value: 210 },
        { rule: 'velocity', fired: 19, reward_value: 640 },
        { rule: 'similar-email', fired: 0, reward_value: 0 },
      ],
      rings: [{}],
    } as unknown as ReferralsResult['fraud'];
    const [first, table] = fraudLines({ fraud, currency: 'USD' });
    expect(first).toBe(
      'Fraud review of 685 referrals: 615 approved, 50 to review, 20 rejected (2.9%); payouts held USD 2,129; 1 ring.',
    );
    expect(table.split('\n')[0]).toMatch(/^rule +fired +rewards on them \(USD\)$/);
    // rewards below 1,000 with the currency's decimals (they printed '640' and '210')
    expect(table).toMatch(/velocity +19 +640\.00\n.*shared-ip +6 +210\.00$/s);
    expect(table).not.toContain('similar-email');
  });
});

describe('fraudLines: money in the currency of the programme', () => {
  const fraud = (total: number, rewards: number) =>
    ({
      by_band: { approve: 10, review: 2, reject: 1 },
      reject_share: 1 / 13,
      value_at_risk: { review: total, reject: 0, total },
      rules: [{ rule: 'velocity', fired: 3, reward_value: rewards }],
      rings: [],
    }) as unknown as ReferralsResult['fraud'];

  it('KWD: three decimals below 1,000', () => {
    // 12.3456 → 12.346 (3 decimals); 0.5 → 0.500
    const [first, table] = fraudLines({ fraud: fraud(12.3456, 0.5), currency: 'KWD' });
    expect(first).toContain('payouts held KWD 12.346; 0 rings.');
    expect(table.split('\n')[2]).toMatch(/^velocity +3 +0\.500$/);
  });

  it('JPY: no decimals; USD below and above 1,000', () => {
    expect(fraudLines({ fraud: fraud(530.4, 44.5), currency: 'JPY' })[0]).toContain('payouts held JPY 530;');
    // JPY 44.5 rounds half away from zero to 45
    expect(fraudLines({ fraud: fraud(530.4, 44.5), currency: 'JPY' })[1]).toMatch(/velocity +3 +45$/);
    expect(fraudLines({ fraud: fraud(8.444, 1), currency: 'USD' })[0]).toContain('payouts held USD 8.44;');
    expect(fraudLines({ fraud: fraud(999.5, 1), currency: 'USD' })[0]).toContain('payouts held USD 999.50;');
    expect(fraudLines({ fraud: fraud(1000.4, 1), currency: 'USD' })[0]).toContain('payouts held USD 1,000;');
  });
});
