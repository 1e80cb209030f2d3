/**
 * monitor-loyalty: a liability spike escalates at once, as a plan escalation. A jump of the points
 * liability since the previous run is an escalation on its first breach (the first rung of the
 * ladder), and on the next run's spike the next rung. The escalation is the plan's own record, so
 * `--fail-on-escalation` exits 10 on it, the alert says `escalate: true`, and result.json lists it
 * once.
 *
 * Hand-worked: K1 earns 1,000 points on 2026-10-10, 500 on 2026-11-10 and 1,000 on 2026-12-10,
 * nothing is redeemed or expires, no cohort has matured (all valued in full) at 0.01 a point:
 * liability 10.00 at 2026-10-31, 15.00 at 2026-11-30 (+50 %), 25.00 at 2026-12-31 (+66.7 %).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePlanRecord } from '../../src/orchestrator/index.ts';
import { runLoyalty, useLoyaltyWorkspaces, type LoyaltySpec } from '../helpers/loyalty-workspace.ts';

const SPEC: LoyaltySpec = {
  loyalty: { program: 'Spike Club' },
  // members K1 and K2 (the default)
  ledger: ['E1,K1,2026-10-10,earn,1000', 'E2,K1,2026-11-10,earn,500', 'E3,K1,2026-12-10,earn,1000'],
  orders: ['O1,K1,1000,2026-10-10', 'O2,K1,500,2026-11-10', 'O3,K1,1000,2026-12-10'],
};
const workspace = useLoyaltyWorkspaces();

interface Escalation {
  alert_id: string;
  level: number;
  role: string | null;
  consecutive_breaches: number;
}
interface Result {
  plan_path: string;
  liability: { liability: number; change_rate: number | null; spike_escalation: Escalation | null };
  alerts: { id: string; breached: boolean; escalate: boolean; consecutive_breaches: number }[];
  escalations: Escalation[];
}

describe('monitor-loyalty: a liability spike escalates at once', () => {
  it('first spike: rung 1, recorded in the plan, exit 10 with --fail-on-escalation; next spike: rung 2', async () => {
    const { dir } = await workspace(SPEC);
    const run = async (asOf: string) => {
      const cli = await runLoyalty(dir, [
        '--window',
        '30d',
        '--as-of',
        asOf,
        '--fail-on-escalation',
        '--json',
      ]);
      const result = cli.json<Result>();
      const plan = validatePlanRecord(
        JSON.parse(readFileSync(path.join(dir, result.plan_path), 'utf8')),
        result.plan_path,
      );
      const spike = result.alerts.find((a) => a.id === 'liability_spike')!;
      return { cli, result, plan, spike };
    };

    const oct = await run('2026-10-31');
    expect(oct.cli.code, oct.cli.stderr).toBe(0);
    expect(oct.result.liability.liability).toBeCloseTo(10, 9);
    expect(oct.result.liability.spike_escalation).toBeNull();

    const nov = await run('2026-11-30');
    expect(nov.result.liability.liability).toBeCloseTo(15, 9);
    expect(nov.result.liability.change_rate).toBeCloseTo(0.5, 9);
    expect(nov.spike).toMatchObject({ breached: true, escalate: true, consecutive_breaches: 1 });
    const first = {
      alert_id: 'liability_spike',
      level: 1,
      role: 'member_insights_analyst',
      consecutive_breaches: 1,
    };
    expect(nov.plan.escalations).toEqual([expect.objectContaining(first)]);
    expect(nov.result.escalations).toEqual([expect.objectContaining(first)]);
    expect(nov.result.liability.spike_escalation).toMatchObject(first);
    expect(nov.cli.code, nov.cli.stderr).toBe(10);
    expect(nov.cli.stderrLines.some((l) => /liability_spike.* — breached, escalated at once$/.test(l))).toBe(
      true,
    );

    const dec = await run('2026-12-31');
    expect(dec.result.liability.liability).toBeCloseTo(25, 9);
    const second = {
      alert_id: 'liability_spike',
      level: 2,
      role: 'loyalty_strategist',
      consecutive_breaches: 2,
    };
    expect(dec.plan.escalations).toEqual([expect.objectContaining(second)]);
    expect(dec.result.escalations).toEqual([expect.objectContaining(second)]);
    expect(dec.result.liability.spike_escalation).toMatchObject(second);
    expect(dec.cli.code, dec.cli.stderr).toBe(10);
    expect(
      dec.cli.stderrLines.some((l) =>
        /liability_spike.* — breached 2 as-of dates in a row, escalated$/.test(l),
      ),
    ).toBe(true);
  }, 180_000);
});
