/**
 * An incentive test whose arms pay the same flat reward per referred customer (a test of the
 * message, not of the reward): every arm's cost per referred customer is exactly 10, with no
 * variance, so the cost guardrail could never show non-inferiority and the recommendation read
 * "guardrail 'cost_per_referred_customer' has not shown non-inferiority yet (margin 10%): no
 * estimate" whatever the sample (/tmp/h-ref23/ws7: 20 advocates an arm, flat USD 10 rewards). It
 * holds trivially, as an empty fraud rate does: left out with a note. When the arms' costs differ
 * (treatment pays 20) it is read out as before. Counts by hand from the files below.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeReferralsWorkspace, type ReferralsSpec } from '../../../test/helpers/referrals-workspace.ts';
import { runCli } from '../../../test/helpers/run-cli.ts';
import type { ReferralsResult } from './result.ts';

// control a1..a3, treatment a4..a6; conversions a1 2, a2 1, a3 0 | a4 1, a5 2, a6 1
const CONVERTED: Record<string, number> = { a1: 2, a2: 1, a3: 0, a4: 1, a5: 2, a6: 1 };

function spec(treatmentReward: number): ReferralsSpec {
  const ids = Object.keys(CONVERTED);
  const refs: string[] = [];
  const convs: string[] = [];
  const pays: string[] = [];
  for (const [i, a] of ids.entries())
    for (let j = 0; j < 2; j++) {
      const n = `${a}-${j}`;
      refs.push(`r${n},${a},f${n},2026-11-0${2 + j}T1${i}:00:00Z`);
      if (j < CONVERTED[a]) {
        convs.push(`o${n},f${n},100,purchase,2026-11-0${3 + j}T1${i}:00:00Z`);
        pays.push(`p${n},${a},r${n},${i < 3 ? 10 : treatmentReward},paid,2026-11-0${4 + j}T1${i}:00:00Z`);
      }
    }
  return {
    // advocates a1..a6: customers (the default)
    referrals: `referral_id,advocate_id,friend_id,signed_up_at\n${refs.join('\n')}\n`,
    conversions: `conversion_id,customer_id,amount,stage,converted_at\n${convs.join('\n')}\n`,
    payouts: `payout_id,advocate_id,referral_id,amount,status,created_at\n${pays.join('\n')}\n`,
    experiments: `experiment_id,variant,weight,is_control,start_at\nmsg,control,0.5,true,2026-10-01\nmsg,treatment,0.5,false,2026-10-01\n`,
    assignments: `experiment_id,unit_id,variant,assigned_at\n${ids.map((a, i) => `msg,${a},${i < 3 ? 'control' : 'treatment'},2026-10-01T00:00:00Z`).join('\n')}\n`,
  };
}

const ARGV = [
  'optimize-referrals',
  '--window',
  '30d',
  '--experiments',
  'msg',
  '--as-of',
  '2026-11-15',
  '--json',
];

async function run(treatmentReward: number): Promise<ReferralsResult> {
  const dir = await makeReferralsWorkspace(spec(treatmentReward));
  try {
    const r = await runCli(ARGV, { cwd: dir.dir });
    expect(r.code, r.stderr).toBe(0);
    return r.json<ReferralsResult>();
  } finally {
    await dir.remove();
  }
}

let flat: ReferralsResult;
let doubled: ReferralsResult;
beforeAll(async () => {
  flat = await run(10);
  doubled = await run(20);
}, 120_000);

const metricNames = (r: ReferralsResult) => r.experiments!.readouts[0].metrics.map((m) => m.name);

describe('the cost guardrail of an incentive test', () => {
  it('holds and is left out with a note when every arm pays exactly the same per referred customer', () => {
    // 30 / 3 = 10 in control, 40 / 4 = 10 in treatment; referred conversions 3 / 3 = 1 and 4 / 3
    const m = flat.experiments!.readouts[0].metrics.find((x) => x.name === 'referred_conversions')!;
    expect(m.control.mean).toBe(1);
    expect(m.variants[0].mean).toBeCloseTo(4 / 3, 12);
    expect(metricNames(flat)).not.toContain('cost_per_referred_customer');
    expect(flat.experiments!.notes).toContainEqual({
      id: 'msg',
      metric: 'cost_per_referred_customer',
      note: 'every arm cost exactly 10 per referred customer: the guardrail holds and is not estimated',
    });
    const reasons = flat.experiments!.readouts[0].recommendation.reasons.join(' ');
    expect(reasons).not.toContain('cost_per_referred_customer');
  });

  it('is read out when the arms cost differently: 10 against 20 per referred customer', () => {
    expect(metricNames(doubled)).toContain('cost_per_referred_customer');
    const m = doubled.experiments!.readouts[0].metrics.find((x) => x.name === 'cost_per_referred_customer')!;
    // 30 / 3 = 10 against 80 / 4 = 20
    expect(m.control.mean).toBe(10);
    expect(m.variants[0].mean).toBe(20);
    expect(doubled.experiments!.notes.map((n) => n.metric)).not.toContain('cost_per_referred_customer');
  });
});
