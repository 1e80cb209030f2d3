/**
 * An amount too large for the exact sums (exact-sum.ts: 38-digit decimals, a sum below 1e32) stops
 * the run with one DATA line (exit 5) naming the amount's file, row and column and what to do,
 * instead of the engine's "Overflow in HUGEINT addition: 8999…0176 + 8999…0176" (ENGINE, exit 6,
 * no column). ClickHouse 18.16 the same when a server is installed: there a Decimal128 sum past 38
 * digits wrapped around silently, and now stops the query too.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: shop, entity: orders, kind: file, path: data/orders.csv, mapping: { amount: total } }
currency: { reporting: USD }
loyalty: { program: Big Club, value_per_point: 0.01 }
output: { snapshot: never }
`;
// 9e31 three times: 2.7e32, past the 1e32 a DECIMAL(38, 6) sum holds
const BIG = '90000000000000000000000000000000';
const FILES: Record<string, string> = {
  'members.csv': 'member_id,enrolled_at,tier\nK1,2026-01-05,Gold\nK2,2026-02-01,Silver\n',
  'ledger.csv': 'entry_id,member_id,occurred_at,type,points\nE1,K1,2026-01-10,earn,100\n',
  'orders.csv': `order_id,customer_id,total,ordered_at,currency\nO1,K1,100,2026-01-10,USD\nO2,K1,${BIG},2026-01-11,USD\nO3,K2,${BIG},2026-02-11,USD\nO4,K2,${BIG},2026-02-12,USD\n`,
};

const root = mkdtempSync(path.join(tmpdir(), 'gtm-exact-overflow-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function workspace(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
  for (const [f, text] of Object.entries(FILES)) writeFileSync(path.join(dir, 'data', f), text);
  return dir;
}

const ML = ['monitor-loyalty', '--window', '30d', '--as-of', '2026-02-20'];

async function check(dir: string, extra: string[] = []) {
  const cli = await runCli([...ML, ...extra], { cwd: dir, env: { ...process.env, GTM_SNAPSHOT: 'never' } });
  expect(cli.code, cli.stderr).toBe(5);
  const lines = cli.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  // the first of the equal largest amounts: data row 2 of the file, line 3 (its source column)
  expect(lines[0]).toMatch(
    /^error\[DATA\] data\/orders\.csv:3:total: amount 9\.000e\+31 \(orders\.amount, source shop\) is too large to sum exactly: gtm sums amounts exactly as 38-digit decimals with 6 decimals, so a sum of amounts must stay below 1e32, .* — check that amount for a wrong unit \(cents given as units, a shifted decimal separator/,
  );
  expect(cli.stderr).not.toMatch(/HUGEINT|Decimal|throwIf|error\[ENGINE\]/);
}

describe('an amount too large for the exact sums', () => {
  it('is one DATA line naming its file, row and column (DuckDB)', async () => {
    await check(workspace('duck'));
  });
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it('stops the run (no wrapped-around sum) with the same line', async () => {
    const dir = workspace('ch');
    await loadOnClickHouse(dir, ch.url, 'exact_overflow', YAML);
    await check(dir, ['--config', 'gtm.clickhouse.yaml']);
  }, 180_000);
});
