/**
 * optimize-referrals' incentive experiment (`--experiments`) against SciPy, as a user runs it:
 * 300 advocates assigned at noon on 2026-10-20, odd ones `control`, even ones `double`; each refers
 * 0–3 friends after its assignment (2026-10-22 … 10-24), some of whom buy; every fifth also
 * referred a friend at 08:00 that day (before its assignment) and every sixth one on 2026-10-10
 * (before the 30-day window to as-of 2026-11-15): those friends buy too but are not counted.
 * Expected values from Python on the same files (scipy 1.17.1, numpy 2.4.6): referred conversions
 * per advocate over the referrals signed up in the window after its assignment, relative lift with
 * its delta-method variance, Welch–Satterthwaite df, p = 2 · `stats.t.sf(|lift / se|, df)`,
 * interval by `stats.t.ppf(0.975, df)`.
 */
import { describe, expect, it } from 'vitest';
import { makeReferralsWorkspace } from '../helpers/referrals-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

/** The tables, by formula (no random numbers). */
function referralTables(): {
  referrals: string;
  conversions: string;
  assignments: string;
  experiments: string;
} {
  const refs = ['referral_id,advocate_id,friend_id,signed_up_at'];
  const conv = ['conversion_id,customer_id,referral_id,amount,stage,converted_at'];
  const asg = ['experiment_id,unit_id,variant,assigned_at'];
  let r = 0;
  const add = (a: string, at: string, converts: boolean): void => {
    r++;
    refs.push(`r${r},${a},f${r},${at}`);
    if (converts) conv.push(`c${r},f${r},r${r},100,purchase,2026-11-0${1 + (r % 9)}T10:00:00Z`);
  };
  for (let i = 1; i <= 300; i++) {
    const a = `a${i}`;
    const treated = i % 2 === 0;
    asg.push(`X1,${a},${treated ? 'double' : 'control'},2026-10-20T12:00:00Z`);
    // counted: signed up after the assignment, in the window
    for (let k = 0; k < i % 4; k++)
      add(a, `2026-10-2${2 + k}T09:00:00Z`, (i * 7 + k * 3) % 10 < (treated ? 6 : 4));
    // not counted: before the assignment (same day, 08:00), before the window
    if (i % 5 === 0) add(a, '2026-10-20T08:00:00Z', true);
    if (i % 6 === 0) add(a, '2026-10-10T09:00:00Z', true);
  }
  return {
    referrals: refs.join('\n') + '\n',
    conversions: conv.join('\n') + '\n',
    assignments: asg.join('\n') + '\n',
    experiments:
      'experiment_id,variant,weight,is_control,start_at,status\nX1,control,0.5,true,2026-10-20,running\nX1,double,0.5,false,2026-10-20,running\n',
  };
}

interface Variant {
  n: number;
  mean: number;
  effect: number;
  se: number;
  p_value: number;
  ci: [number, number];
}
interface Result {
  experiments: {
    readouts: {
      id: string;
      metrics: { name: string; control: { n: number; mean: number }; variants: Variant[] }[];
    }[];
  };
}

describe('optimize-referrals --experiments against SciPy', () => {
  it('counts each advocate’s referred conversions after its assignment, in the window, and reads out as SciPy does', async () => {
    const ws = await makeReferralsWorkspace(referralTables());
    try {
      const cli = await runCli(
        ['optimize-referrals', '--window', '30d', '--as-of', '2026-11-15', '--experiments', 'X1', '--json'],
        { cwd: ws.dir },
      );
      expect(cli.code, cli.stderr).toBe(0);
      const readout = cli.json<Result>().experiments.readouts.find((r) => r.id === 'X1');
      const m = readout?.metrics.find((x) => x.name === 'referred_conversions');
      const v = m?.variants.find((x) => x.n > 0);
      if (!m || !v) throw new Error(`no referred_conversions in ${JSON.stringify(readout)}`);
      expect([m.control.n, v.n]).toEqual([150, 150]);
      expect(m.control.mean).toBeCloseTo(0.8, 12);
      expect(v.mean).toBeCloseTo(0.6, 12);
      expect(v.effect).toBeCloseTo(-0.2500000000000001, 12);
      expect(v.se).toBeCloseTo(0.09399436831623362, 12);
      expect(v.p_value).toBeCloseTo(0.008276946905741149, 14);
      expect(v.ci[0]).toBeCloseTo(-0.43503598104332475, 12);
      expect(v.ci[1]).toBeCloseTo(-0.0649640189566755, 12);
    } finally {
      await ws.remove();
    }
  }, 120_000);
});
