/**
 * monitor-loyalty on a workspace whose members source has rows but none usable (every row
 * rejected, a raised max_reject_rate letting the run go on), only a header, or only members who
 * enrol after the as-of: no member at the end of the window. There is no enrolment rate then (null
 * in result.json with the reason, "—" in the terminal's KPI table, "no enrolment rate: …" in the
 * summary) and no largest opportunity (the line is left out). It printed "0 enrolled (enrolment rate
 * 0.0%)" and "Largest opportunity: upgrade opportunity (USD 0.00 at stake, 0 members)". result.json
 * stays valid against its schema. With members the rate is measured as before.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import type { MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
  - { name: tier_rules, entity: tier_rules, kind: file, path: data/tiers.csv }
currency: { reporting: USD }
loyalty: { program: New Club, value_per_point: 0.01 }
thresholds: { max_reject_rate: 1 }
output: { snapshot: never }
`;
const LEDGER = 'entry_id,member_id,occurred_at,type,points\nE1,K1,2026-11-10,earn,100\n';
/** K1 buys on 2026-11-10, C2 (never a member) on 2026-11-12: both inside the 30d window to 2026-11-30. */
const ORDERS =
  'order_id,customer_id,amount,ordered_at,currency\nO1,K1,100,2026-11-10,USD\nO2,C2,50,2026-11-12,USD\n';
const HEADER = 'member_id,enrolled_at,tier\n';

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-nousable-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(name: string, members: string) {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
  writeFileSync(path.join(dir, 'data/members.csv'), members);
  writeFileSync(path.join(dir, 'data/ledger.csv'), LEDGER);
  writeFileSync(path.join(dir, 'data/orders.csv'), ORDERS);
  writeFileSync(path.join(dir, 'data/tiers.csv'), 'tier,rank,qualify\nSilver,0,0\nGold,1,1000\n');
  const args = ['monitor-loyalty', '--as-of', '2026-11-30'];
  const json = await runCli([...args, '--json'], { cwd: dir });
  expect(json.code, json.stderr).toBe(0);
  const result = json.json<MonitorLoyaltyResult>();
  const terminal = await runCli(args, { cwd: dir, tty: true });
  expect(terminal.code, terminal.stderr).toBe(0);
  const summary = readFileSync(path.join(dir, result.reports_dir, 'summary.md'), 'utf8');
  return { result, terminal: terminal.stdout, summary };
}

const schema = JSON.parse(
  readFileSync(path.resolve('src/commands/monitor-loyalty/monitor-loyalty.result.schema.json'), 'utf8'),
) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const CASES = [
  {
    name: 'every member row rejected',
    members: `${HEADER},2026-01-05,Gold\n,2026-02-01,Silver\n`,
    reason: 'no member in the members source (no usable row): no programme to measure enrolment in',
  },
  {
    name: 'a header-only members export',
    members: HEADER,
    reason: 'no member in the members source (no usable row): no programme to measure enrolment in',
  },
  {
    name: 'members who enrol after the as-of',
    members: `${HEADER}K1,2027-01-05,Gold\nK2,2027-02-01,Silver\n`,
    reason: 'no member enrolled by the end of the window (the first enrolment is 2027-01-05)',
  },
];

describe('monitor-loyalty without a member at the end of the window', () => {
  for (const c of CASES)
    it(`${c.name}: no enrolment rate, no largest opportunity`, async () => {
      const { result, terminal, summary } = await run(c.name.replace(/\W+/g, '-'), c.members);
      const o = result.kpis.overall;
      expect(o).toMatchObject({
        members: 0,
        enrolled: 0,
        enrollment_rate: null,
        previous_enrollment_rate: null,
        enrollment_rate_unavailable: c.reason,
      });
      expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
      for (const text of [terminal, summary]) {
        expect(text).toContain(`0 enrolled (no enrolment rate: ${c.reason}).`);
        expect(text).not.toMatch(/enrolment rate 0\.0%|Largest opportunity/);
      }
      expect(terminal).toMatch(/^enrollment rate +— +—$/m);
    }, 120_000);

  it('with a member, the rate is measured: 1 of the 2 purchasers not yet members enrolled in the window', async () => {
    const { result, terminal } = await run('member', `${HEADER}K1,2026-11-05,Silver\n`);
    // K1 enrolled 2026-11-05 (inside the window) and bought on 2026-11-10; C2 bought, never enrolled
    expect(result.kpis.overall).toMatchObject({
      members: 1,
      eligible_customers: 2,
      enrollment_rate: 0.5,
      enrollment_rate_unavailable: null,
    });
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    expect(terminal).toContain('1 enrolled (enrolment rate 50.0%).');
  }, 120_000);
});
