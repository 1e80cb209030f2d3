/**
 * Member tiers the tier rules do not know, on ClickHouse: the demo's members with every Platinum
 * member written "Platnum" and every other Gold member " gOLD " (as in
 * monitor-loyalty-unknown-tiers.test.ts), loaded into a two-shard cluster; the run on the cluster
 * gives DuckDB's result.json to 1e-9 — the unknown tier's members, points, liability, suggestion
 * and fix, the tier mix and the alert included.
 *
 * Skipped (with the reason) when no clickhouse-server is installed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import { clickHouseParity, skipClickHouse, type ParityRun } from '../helpers/clickhouse-parity.ts';
import { DEMO_AS_OF } from '../helpers/demo-workspace.ts';

const SOURCES = [
  'loyalty_members',
  'loyalty_ledger',
  'loyalty_orders',
  'loyalty_rewards',
  'loyalty_tier_rules',
  'loyalty_csat',
  'loyalty_experiments',
  'loyalty_assignments',
  'referral_experiments',
  'referral_assignments',
  'experiment_registry',
];

describe.skipIf(skipClickHouse)('monitor-loyalty with unknown member tiers on ClickHouse', () => {
  const parity = clickHouseParity({
    sources: SOURCES,
    prepare: async (w) => {
      const file = path.join(w.dir, 'data/loyalty/members.csv');
      const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
      const col = lines[0].split(',').indexOf('tier');
      let gold = 0;
      const edited = lines.slice(1).map((line) => {
        const cells = line.split(',');
        if (cells[col] === 'Platinum') cells[col] = 'Platnum';
        else if (cells[col] === 'Gold' && gold++ % 2 === 1) cells[col] = ' gOLD ';
        return cells.join(',');
      });
      await writeFile(file, `${[lines[0], ...edited].join('\n')}\n`);
    },
  });
  let run: ParityRun;
  beforeAll(async () => {
    await parity.start();
    run = await parity.runBoth([
      'monitor-loyalty',
      '--window',
      '30d',
      '--dimensions',
      'tier',
      '--experiments',
      'none',
      '--as-of',
      DEMO_AS_OF,
    ]);
  }, 600_000);
  afterAll(() => parity.stop());

  it('counts the unknown tier as DuckDB does, and gives its result.json', async () => {
    const duck = run.duck as unknown as MonitorLoyaltyResult;
    const ch = run.ch as unknown as MonitorLoyaltyResult;
    expect(duck.members.unknown_tiers).toHaveLength(1);
    expect(duck.members.unknown_tiers[0]).toMatchObject({ tier: 'Platnum', suggestion: 'Platinum' });
    expect(duck.members.unknown_tiers[0].members).toBeGreaterThan(5);
    expect(ch.members.unknown_tiers).toEqual(duck.members.unknown_tiers);
    expect(ch.members.tiers.names).toEqual(['Member', 'Silver', 'Gold', 'Platinum', 'Platnum']);
    // the member list's path names the run; the alerts in id order (the branches finish in any order)
    parity.expectSameResult(run.ch, run.duck, (r) => {
      const x = r as unknown as MonitorLoyaltyResult;
      return {
        ...x,
        alerts: [...x.alerts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
        segment_members: { ...x.segment_members, file: undefined },
      };
    });
    await parity.expectNoRunTables();
  });
});
