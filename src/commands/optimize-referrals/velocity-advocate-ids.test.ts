/**
 * result.json's velocity flags name the advocate as the advocates source and
 * flagged_referrals.csv do: the rule judges accounts (customer_id, else advocate_id), and the flag
 * gave the account as `advocateId` ('c-v' for advocate adv-v), an id the advocates export has in
 * another column. Found by the s20 acceptance check (h-refacc20): velocity.flagged named c-00571
 * and c-00030, flagged_referrals.csv adv-00187 for the same burst.
 */
import { describe, expect, it } from 'vitest';
import { useReferralsResult } from '../../../test/helpers/referrals-workspace.ts';

// adv-v (customer c-v): 8 referred conversions on 2026-11-10; adv-00 .. adv-19: one each.
const quiet = Array.from({ length: 20 }, (_, i) => `adv-${String(i).padStart(2, '0')}`);
const refs = [
  ...Array.from({ length: 8 }, (_, i) => ['adv-v', `fv${i}`, `2026-11-10T0${i}:00:00Z`]),
  ...quiet.map((a, i) => [a, `fq${i}`, `2026-11-${String(1 + (i % 20)).padStart(2, '0')}T09:00:00Z`]),
];
const ref = useReferralsResult(
  {
    advocates: `advocate_id,customer_id,kind,joined_at
adv-v,c-v,customer,2026-01-01
${quiet.map((a) => `${a},c-${a},customer,2026-01-01`).join('\n')}
`,
    referrals: `referral_id,advocate_id,friend_id,signed_up_at
${refs.map(([a, f, t], i) => `r${i},${a},${f},${t}`).join('\n')}
`,
    conversions: `conversion_id,customer_id,amount,currency,stage,converted_at
${refs.map(([, f, t], i) => `o${i},${f},100,USD,purchase,${t.replace('T0', 'T1').replace('T09', 'T19')}`).join('\n')}
`,
  },
  { asOf: '2026-11-25' },
);

describe('velocity flags', () => {
  it('name the advocate id, with the account the rule judged', () => {
    const r = ref.result;
    expect(r.fraud.velocity.flagged.map((v) => [v.advocateId, v.account, v.advocateIds, v.peak])).toEqual([
      ['adv-v', 'c-v', ['adv-v'], 8],
    ]);
    expect(r.fraud.flagged.filter((f) => f.rules.includes('velocity')).map((f) => f.advocate_id)).toEqual(
      Array(8).fill('adv-v'),
    );
  });
});
