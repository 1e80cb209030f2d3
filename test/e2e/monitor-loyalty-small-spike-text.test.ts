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
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validatePlanRecord } from '../../src/orchestrator/index.ts';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
currency: { reporting: USD }
thresholds: { loyalty_liability_spike: 0.00001 }
loyalty: { program: Small Spike Club, value_per_point: 0.01 }
output: { snapshot: never }
`;
const FILES: Record<string, string> = {
  'members.csv': 'member_id,enrolled_at,tier\nK1,2026-01-05,Gold\nK2,2026-02-01,Silver\n',
  'ledger.csv':
    'entry_id,member_id,occurred_at,type,points\nE1,K1,2026-10-10,earn,1000000\nE2,K1,2026-11-10,earn,50\n',
  'orders.csv':
    'order_id,customer_id,amount,ordered_at,currency\nO1,K1,1000,2026-10-10,USD\nO2,K1,50,2026-11-10,USD\n',
};

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-small-spike-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Result {
  plan_path: string;
  liability: { liability: number; change_rate: number | null };
}

describe('monitor-loyalty: a small liability spike', () => {
  it('is noted as 0.005%, not 0.0%', async () => {
    const dir = path.join(root, 'ws');
    mkdirSync(path.join(dir, 'data'), { recursive: true });
    writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
    for (const [f, text] of Object.entries(FILES)) writeFileSync(path.join(dir, 'data', f), text);
    const run = async (asOf: string) => {
      const cli = await runCli(['monitor-loyalty', '--window', '30d', '--as-of', asOf, '--json'], {
        cwd: dir,
        env: { ...process.env, GTM_SNAPSHOT: 'never' },
      });
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
