/**
 * monitor-loyalty's "change since the previous run" is taken over the data's time: the previous run
 * is the succeeded run of the latest as-of on or before this run's (the newest of those when several
 * share it), never a run for a later as-of. A team that re-ran last month (a backfill) after today's
 * run got last month's liability compared with today's (-33 %), and the next regular run compared
 * with the back-dated one (+50 %: a liability spike, escalated at once, with nothing changed).
 *
 * Hand-worked: K1 earns 1,000 points on 2026-10-10 and 500 on 2026-11-10, nothing is redeemed or
 * expires, no cohort has matured (all valued in full) at 0.01 a point: liability 10.00 at
 * 2026-10-31, 15.00 at 2026-11-30 and 2026-12-01.
 */
import { describe, expect, it } from 'vitest';
import { runLoyalty, useLoyaltyWorkspaces, type LoyaltySpec } from '../helpers/loyalty-workspace.ts';

const SPEC: LoyaltySpec = {
  loyalty: { program: 'Backfill Club' },
  // members K1 and K2 (the default)
  ledger: ['E1,K1,2026-10-10,earn,1000', 'E2,K1,2026-11-10,earn,500'],
  orders: ['O1,K1,1000,2026-10-10', 'O2,K1,500,2026-11-10'],
};
const workspace = useLoyaltyWorkspaces();

interface Result {
  run_id: string;
  liability: {
    liability: number;
    previous: { run_id: string; as_of: string; liability: number } | null;
    change: number | null;
    change_rate: number | null;
    spike_escalation: unknown;
  };
  alerts: { id: string; breached: boolean }[];
  escalations: { alert_id: string }[];
}

async function run(dir: string, asOf: string): Promise<Result> {
  const cli = await runLoyalty(dir, ['--window', '30d', '--as-of', asOf, '--json']);
  expect(cli.code, cli.stderr).toBe(0);
  return cli.json<Result>();
}

describe('monitor-loyalty: the previous run of a back-dated run', () => {
  it('compares with the latest earlier as-of, not with the latest run', async () => {
    const { dir } = await workspace(SPEC);

    const nov = await run(dir, '2026-11-30');
    expect(nov.liability.liability).toBeCloseTo(15, 9);
    expect(nov.liability.previous).toBeNull();

    // the backfill: no run on or before 2026-10-31 yet, so nothing to compare with (was the
    // 2026-11-30 run: change -5.00, -33.3 %)
    const oct = await run(dir, '2026-10-31');
    expect(oct.liability.liability).toBeCloseTo(10, 9);
    expect(oct.liability.previous).toBeNull();
    expect(oct.liability.change).toBeNull();
    expect(oct.liability.change_rate).toBeNull();

    // today's run compares with 2026-11-30's, not with the back-dated run made after it (was
    // +5.00, +50 %: liability_spike breached and escalated)
    const dec = await run(dir, '2026-12-01');
    expect(dec.liability.liability).toBeCloseTo(15, 9);
    expect(dec.liability.previous).toMatchObject({ run_id: nov.run_id, as_of: '2026-11-30' });
    expect(dec.liability.previous?.liability).toBeCloseTo(15, 9);
    expect(dec.liability.change).toBeCloseTo(0, 9);
    expect(dec.liability.change_rate).toBeCloseTo(0, 9);
    expect(dec.alerts.find((a) => a.id === 'liability_spike')?.breached).toBe(false);
    expect(dec.liability.spike_escalation).toBeNull();
    expect(dec.escalations).toEqual([]);

    // a rerun for 2026-12-01 re-states that as-of: it compares with 2026-11-30, as the first run
    // did, not with the first 2026-12-01 run (was: previous = dec, change 0 whatever the data)
    const dec2 = await run(dir, '2026-12-01');
    expect(dec2.liability.previous).toMatchObject({ run_id: nov.run_id, as_of: '2026-11-30' });
    expect(dec2.liability.change).toBeCloseTo(0, 9);
    // and a rerun for the backfilled 2026-10-31 still has nothing before it
    const oct2 = await run(dir, '2026-10-31');
    expect(oct2.liability.previous).toBeNull();
    expect(oct2.liability.change).toBeNull();
  }, 180_000);
});
