/**
 * The tier at the window end on ClickHouse: the demo run ten days before its as-of, so that the
 * members whose tier changed in those ten days (`tier_since` after the window end) count in their
 * `previous_tier` (as in monitor-loyalty-tier-after-as-of.test.ts). The tier mix equals the count
 * from members.csv, and the run on the cluster gives DuckDB's result.json to 1e-9.
 *
 * Skipped (with the reason) when no clickhouse-server is installed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import { clickHouseParity, skipClickHouse, type ParityRun } from '../helpers/clickhouse-parity.ts';

const AS_OF = '2026-11-05';
const END = Date.parse('2026-11-06T00:00:00Z');
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

/** Members per tier at the window end, from the members export (a plain CSV: no quoted commas). */
async function tierMixOf(file: string): Promise<{ mix: Record<string, number>; moved: number }> {
  const [head, ...lines] = (await readFile(file, 'utf8')).trimEnd().split('\n');
  const at = (name: string) => head.split(',').indexOf(name);
  const [enrolled, tier, since, previous] = ['enrolled_at', 'tier', 'tier_since', 'previous_tier'].map(at);
  const mix: Record<string, number> = {};
  let moved = 0;
  for (const line of lines) {
    const c = line.split(',');
    if (Date.parse(c[enrolled]) >= END) continue;
    const later = c[since] !== '' && Date.parse(c[since]) >= END && c[previous] !== '';
    if (later) moved++;
    const t = later ? c[previous] : c[tier];
    mix[t] = (mix[t] ?? 0) + 1;
  }
  return { mix, moved };
}

describe.skipIf(skipClickHouse)('monitor-loyalty: tiers that changed after as-of, on ClickHouse', () => {
  const parity = clickHouseParity({ sources: SOURCES });
  let run: ParityRun;
  beforeAll(async () => {
    await parity.start();
    run = await parity.runBoth([
      'monitor-loyalty',
      '--window',
      '30d',
      '--experiments',
      'none',
      '--as-of',
      AS_OF,
    ]);
  }, 600_000);
  afterAll(() => parity.stop());

  it('counts those members in their previous tier, as DuckDB does', async () => {
    const duck = run.duck as unknown as MonitorLoyaltyResult;
    const { mix, moved } = await tierMixOf(path.join(parity.ws.dir, 'data/loyalty/members.csv'));
    expect(moved).toBeGreaterThan(10);
    const got = Object.fromEntries(
      duck.kpis.tier_mix.filter((t) => t.members).map((t) => [t.tier, t.members]),
    );
    expect(got).toEqual(mix);
    parity.expectSameResult(run.ch, run.duck, (r) => {
      const x = r as unknown as MonitorLoyaltyResult;
      return {
        ...x,
        alerts: [...x.alerts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
        segment_members: { ...x.segment_members, file: undefined },
      };
    });
  });
});
