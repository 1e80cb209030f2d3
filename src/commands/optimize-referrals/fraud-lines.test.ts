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
    expect(table).toMatch(/velocity +19 +640\n.*shared-ip +6 +210$/s);
    expect(table).not.toContain('similar-email');
  });
});
