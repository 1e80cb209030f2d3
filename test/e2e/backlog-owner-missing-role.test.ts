/**
 * A backlog item whose role the roster does not have at all (a roster written for one team: the
 * loyalty analysts, without the CRM manager the downgrade-risk play defaults to) is owned by the
 * first role of the command's escalation ladder, recorded as a fallback with the reason — as the
 * plan's stages and alerts are (README, "Commands"). It was "unassigned (loyalty_crm_manager)",
 * `person: null`, in result.json, backlog.csv and summary.md (found by the s18 new-user review).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import { runCli } from '../helpers/run-cli.ts';

const root = mkdtempSync(path.join(tmpdir(), 'gtm-owner-role-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: members.csv }
  - { name: ledger, entity: ledger, kind: file, path: ledger.csv }
  - { name: orders, entity: orders, kind: file, path: orders.csv }
  - { name: tier_rules, entity: tier_rules, kind: file, path: tiers.csv }
currency: { reporting: USD }
roster:
  roles:
    member_insights_analyst: { people: [{ name: Ines }] }
    loyalty_strategist: { people: [{ name: Kenji }] }
escalation:
  monitor-loyalty: [member_insights_analyst, loyalty_strategist]
loyalty: { program: Club, value_per_point: 0.01 }
output: { snapshot: never }
`;
const FILES: Record<string, string> = {
  'members.csv': 'member_id,enrolled_at,tier\nM1,2025-03-10,Gold\nM2,2026-02-14,Bronze\n',
  'ledger.csv':
    'entry_id,member_id,occurred_at,type,points\nL1,M1,2026-11-10,earn,800\nL2,M2,2026-11-12,earn,50\n',
  'orders.csv': 'order_id,customer_id,amount,ordered_at\nO1,M1,800,2026-11-10\nO2,M2,50,2026-11-12\n',
  'tiers.csv': 'tier,rank,qualify,retain\nBronze,0,0,0\nGold,1,2000,1600\n',
};

let result: MonitorLoyaltyResult;
let dir: string;

beforeAll(async () => {
  dir = path.join(root, 'ws');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
  for (const [name, text] of Object.entries(FILES)) writeFileSync(path.join(dir, name), text);
  const cli = await runCli(['monitor-loyalty', '--as-of', '2026-11-30', '--json'], {
    cwd: dir,
    env: { ...process.env, GTM_SNAPSHOT: 'never' },
  });
  if (cli.code !== 0) throw new Error(`exit ${cli.code}: ${cli.stderr}`);
  result = cli.json<MonitorLoyaltyResult>();
}, 120_000);

describe('a backlog role missing from the roster', () => {
  it('goes to the ladder’s first role, recorded as a fallback', () => {
    const item = result.backlog.find((b) => b.id === 'downgrade-risk')!;
    expect(item.owner.role).toBe('loyalty_crm_manager');
    expect(item.owner.person).toBe('Ines');
    expect(item.owner.fallback_used).toMatchObject({
      from: 'loyalty_crm_manager',
      to: 'member_insights_analyst',
      reason: expect.stringMatching(
        /not in the roster; "member_insights_analyst" \(the first role of the escalation ladder\)/,
      ),
    });
    const csv = readFileSync(path.join(dir, result.reports_dir, 'backlog.csv'), 'utf8');
    expect(csv).toMatch(/^downgrade-risk,.*,loyalty_crm_manager,Ines,/m);
  });
});
