/**
 * Payout statuses as exports spell them: any case, spaces or hyphens for `_` (`Clawed Back`,
 * `clawed-back`, `CLAWED-BACK`), run together (`ClawedBack`, `PaidOut`), and the word forms
 * `claw back`, `paid out`, `voided`, are the documented statuses. `ClawedBack`, `claw back`,
 * `Claw-Back`, `Paid Out`, `PaidOut` and `Voided` were rejected ("status: clawedback is not one of
 * pending, paid, clawed_back, void"), so their rewards and clawbacks were missing from the
 * program's cost. Amounts are powers of two: each sum names its payouts. Expected figures from an
 * independent Python tally of the spellings: rewards (not void) 278,527, clawbacks 266,208.
 */
import { describe, expect, it } from 'vitest';
import { useReferralsResult } from '../../../test/helpers/referrals-workspace.ts';

/** [status as written, the status it is] */
const SPELLINGS: [string, string][] = [
  ['paid', 'paid'],
  ['PAID', 'paid'],
  [' Paid ', 'paid'],
  ['Paid Out', 'paid'],
  ['PaidOut', 'paid'],
  ['clawed_back', 'clawed_back'],
  ['clawed-back', 'clawed_back'],
  ['Clawed Back', 'clawed_back'],
  ['CLAWED-BACK', 'clawed_back'],
  ['ClawedBack', 'clawed_back'],
  ['claw back', 'clawed_back'],
  ['Claw-Back', 'clawed_back'],
  ['pending', 'pending'],
  ['Pending', 'pending'],
  ['void', 'void'],
  ['VOID', 'void'],
  ['Voided', 'void'],
  ['Cancelled', 'void'],
  ['reversed', 'clawed_back'],
];
const amount = (i: number) => 2 ** i;
const sum = (keep: (status: string) => boolean) =>
  SPELLINGS.reduce((s, [, status], i) => (keep(status) ? s + amount(i) : s), 0);

const ref = useReferralsResult({
  revenueStages: ['purchase'],
  advocates: `advocate_id,customer_id,referral_code,kind,region,persona,joined_at
a1,cust-a1,C1,customer,NA,Dev,2026-01-01
`,
  referrals: `referral_id,advocate_id,friend_id,signed_up_at
${SPELLINGS.map((_, i) => `r${i},a1,f${i},2026-11-01T10:00:00Z`).join('\n')}
`,
  conversions: `conversion_id,customer_id,amount,currency,stage,converted_at
${SPELLINGS.map((_, i) => `o${i},f${i},100,USD,purchase,2026-11-03T12:00:00Z`).join('\n')}
`,
  payouts: `payout_id,advocate_id,referral_id,kind,amount,currency,status,created_at,paid_at
${SPELLINGS.map(([s], i) => `p${i},a1,r${i},reward,${amount(i)},USD,"${s}",2026-11-04T12:00:00Z,2026-11-05T12:00:00Z`).join('\n')}
`,
});

describe('payout status spellings', () => {
  it('accepts every spelling of the documented statuses', () => {
    const r = ref.result;
    expect(r.data.row_accounting.find((a) => a.source === 'pay')).toMatchObject({
      rows_in: SPELLINGS.length,
      accepted: SPELLINGS.length,
      rejected: 0,
    });
  });

  it('reads each as its status: rewards are the payouts not void, clawbacks the clawed-back ones', () => {
    const r = ref.result;
    const c = r.funnel.program.current.counts;
    expect(sum((s) => s !== 'void')).toBe(278_527);
    expect(sum((s) => s === 'clawed_back')).toBe(266_208);
    expect(c.rewards).toBe(278_527);
    expect(c.clawbacks).toBe(266_208);
    expect(r.funnel.program.current.metrics.programCost).toBe(278_527 - 266_208);
  });
});
