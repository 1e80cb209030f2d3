/**
 * monitor-loyalty: the note of a liability spike said "liability spike of 0.0%" when the guardrail
 * (thresholds.loyalty_liability_spike) is set below 0.05% and the liability moves less than that:
 * an escalation for a change that reads as none. It keeps significant digits now, as every other
 * share of the reports does (`percentText`).
 *
 * Hand-worked: K1 earns 1,000,000 points on 2026-10-10 and 50 on 2026-11-10, nothing redeemed or
 * expired, no cohort matured (valued in full) at 0.01 a point: liability 10,000.00 at 2026-10-31,
 * 10,000.50 at 2026-11-30: 0.005% more, above the guardrail of 0.001%.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePlanRecord } from '../../src/orchestrator/index.ts';
import { runLoyalty, useLoyaltyWorkspaces, type LoyaltySpec } from '../helpers/loyalty-workspace.ts';

const SPEC: LoyaltySpec = {
  yaml: 'thresholds: { loyalty_liability_spike: 0.00001 }',
  loyalty: { program: 'Small Spike Club' },
  // members K1 and K2 (the default)
  ledger: ['E1,K1,2026-10-10,earn,1000000', 'E2,K1,2026-11-10,earn,50'],
  orders: ['O1,K1,1000,2026-10-10', 'O2,K1,50,2026-11-10'],
};
const workspace = useLoyaltyWorkspaces();

interface Result {
  plan_path: string;
  liability: { liability: number; change_rate: number | null };
}

describe('monitor-loyalty: a small liability spike', () => {
  it('is noted as 0.005%, not 0.0%', async () => {
    const { dir } = await workspace(SPEC);
    const run = async (asOf: string) => {
      const cli = await runLoyalty(dir, ['--window', '30d', '--as-of', asOf, '--json']);
      expect(cli.code, cli.stderr).toBe(0);
      return cli.json<Result>();
    };
    await run('2026-10-31');
    const nov = await run('2026-11-30');
    expect(nov.liability.liability).toBeCloseTo(10000.5, 9);
    expect(nov.liability.change_rate).toBeCloseTo(0.00005, 12);
    const plan = validatePlanRecord(
      JSON.parse(readFileSync(path.join(dir, nov.plan_path), 'utf8')),
      nov.plan_path,
    );
    const notes = plan.notes.map((n) => n.message).filter((m) => m.startsWith('liability spike'));
    expect(notes).toEqual([expect.stringMatching(/^liability spike of 0\.005%: escalated at once to /)]);
  }, 180_000);
});
