/**
 * monitor-loyalty's id-case warning on orders names only customer ids that are a member's but for
 * letter case. An order of a member who enrolled after as-of is a non-member order (the member has
 * no number at the end), but its customer id is the member's exactly: it was warned as "member ids
 * but for letter case (K3)", which sends the user looking for a spelling problem that is not there
 * (the s10 review's loyA). `m4` (member `M4`) is still warned. ClickHouse 18.16 gives the same
 * warnings and non-member counts when a server is installed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliRun } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { runLoyalty, useLoyaltyWorkspaces, type LoyaltySpec } from '../helpers/loyalty-workspace.ts';

const SPEC: LoyaltySpec = {
  loyalty: { program: 'Late Club' },
  // K3 enrols on 2026-12-15, after as-of (2026-11-30)
  members: ['K1,2026-01-05,Gold', 'K3,2026-12-15,Gold', 'M4,2026-03-01,Silver'],
  ledger: ['E1,K1,2026-11-10,earn,100', 'E2,M4,2026-11-12,earn,50'],
  // non-member orders: K3's (not yet a member, id as written) and m4's (M4 but for case)
  orders: ['O1,K1,100,2026-11-10', 'O2,M4,50,2026-11-12', 'O3,K3,70,2026-11-20', 'O4,m4,40,2026-11-21'],
};
const workspace = useLoyaltyWorkspaces();

const ML = ['--window', '30d', '--as-of', '2026-11-30', '--json'];

interface Result {
  warnings: string[];
  members: { members: number; id_case: { orders: number; order_customers: string[] } };
  kpis: { overall: { non_member: { customers: number; orders: number; revenue: number } } };
}

async function run(dir: string, extra: string[] = []): Promise<{ cli: CliRun; result: Result }> {
  const cli = await runLoyalty(dir, [...ML, ...extra]);
  expect(cli.code, cli.stderr).toBe(0);
  return { cli, result: cli.json<Result>() };
}

describe('orders of a member enrolled after as-of (monitor-loyalty)', () => {
  let out: { cli: CliRun; result: Result };
  beforeAll(async () => {
    out = await run((await workspace(SPEC)).dir);
  });

  it('are non-member orders, not warned as a letter-case mismatch; m4 still is', () => {
    expect(out.result.members.members).toBe(2);
    expect(out.result.kpis.overall.non_member).toMatchObject({ customers: 2, orders: 2, revenue: 110 });
    expect(out.result.members.id_case).toMatchObject({ orders: 1, order_customers: ['m4'] });
    const w = out.result.warnings.join('\n');
    expect(w).toMatch(
      /1 order of customer ids that are member ids but for letter case \(m4\) count as non-member/,
    );
    expect(w).not.toMatch(/K3/);
    expect(out.cli.stderr).not.toMatch(/K3/);
  });
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it("gives the DuckDB warnings and non-member orders from the server's tables", async () => {
    const ws = await workspace(SPEC);
    await loadOnClickHouse(ws.dir, ch.url, 'loy_late', ws.yaml);
    const onCh = await run(ws.dir, ['--config', 'gtm.clickhouse.yaml']);
    expect(onCh.result.members.id_case).toMatchObject({ orders: 1, order_customers: ['m4'] });
    expect(onCh.result.warnings.join('\n')).not.toMatch(/K3/);
    expect(onCh.result.kpis.overall.non_member).toMatchObject({ customers: 2, orders: 2, revenue: 110 });
  }, 180_000);
});
