/**
 * optimize-referrals on a two-shard ClickHouse cluster: the demo workspace's referral sources
 * loaded with `gtm engine load` into two clickhouse-server processes on loopback (shares,
 * referrals and clicks sharded by their advocate or code, the small tables copied to every
 * server), the command run with `engine: clickhouse` and on DuckDB over the same files: the same
 * result.json to 1e-9 — row accounting, funnel, fraud scores and bands, rings, partners,
 * experiments, backlog — every report written, and no table of the run left on the servers.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERRAL_ENTITIES } from '../../src/commands/optimize-referrals/index.ts';
import { loadWorkspace } from '../../src/workspace/index.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import { DEMO_AS_OF } from '../helpers/demo-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';
import {
  CLICKHOUSE_CONFIG,
  clickHouseAvailable,
  clickHouseParity,
  expectRowsReconcile,
  skipClickHouse,
} from '../helpers/clickhouse-parity.ts';

/** The demo's sources of the command's entities (experiments and assignments are shared with loyalty and personalization). */
const SOURCES = [
  'experiment_registry',
  'loyalty_experiments',
  'loyalty_assignments',
  'referral_advocates',
  'referral_shares',
  'referral_clicks',
  'referral_signups',
  'orders',
  'referral_payouts',
  'nps_survey',
  'referral_experiments',
  'referral_assignments',
];

const parity = clickHouseParity({ sources: SOURCES });

describe.skipIf(skipClickHouse)('optimize-referrals on a two-shard ClickHouse cluster', () => {
  beforeAll(async () => {
    if (!clickHouseAvailable)
      throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    await parity.start();
  }, 300_000);
  afterAll(() => parity.stop());

  it("the demo sources are the command's (a new source of its entities must be loaded here too)", () => {
    const ws = loadWorkspace({ cwd: parity.ws.dir });
    const mine = ws.sources
      .filter((s) => (REFERRAL_ENTITIES as readonly string[]).includes(s.entity))
      .map((s) => s.name);
    expect(mine.sort()).toEqual([...SOURCES].sort());
    const byTable = Object.fromEntries(parity.load.tables.map((t) => [t.table, t]));
    // the large entities are sharded, both shards hold rows
    for (const t of ['referral_shares', 'referral_clicks', 'referral_signups']) {
      expect(byTable[t].layout, t).toBe('sharded');
      expect(Math.min(...byTable[t].rows.per_server), t).toBeGreaterThan(0);
    }
  });

  it('gives the DuckDB result.json (row accounting, funnel, fraud, rings, partners, experiments, backlog) and writes every report', async () => {
    const argv = [
      'optimize-referrals',
      '--window',
      '30d',
      '--dimensions',
      'channel,persona,partner-tier,region',
      '--experiments',
      'ref-double-sided',
      '--as-of',
      DEMO_AS_OF,
    ];
    const { duck, ch, chRun } = await parity.runBoth(argv);
    const r = ch as Record<string, unknown> & {
      fraud: { scored: number; candidates: number; flagged: unknown[] };
      rings: unknown[];
      data: { row_accounting: { source: string; rows_in: number }[] };
    };
    // the runs did real work: referrals scored, every source accounted for
    expect(r.fraud.scored).toBeGreaterThan(100);
    expect(r.data.row_accounting.map((a) => a.source).sort()).toEqual([...SOURCES].sort());
    expectRowsReconcile(r.data);
    // independent truth for the row counts: the data lines of the files
    for (const a of r.data.row_accounting) {
      const src = loadWorkspace({ cwd: parity.ws.dir }).sources.find((s) => s.name === a.source);
      if (src?.kind !== 'file' || !src.path.endsWith('.csv')) continue;
      const rows = parseCsv(await parity.ws.read(src.path)).length;
      expect(a.rows_in, a.source).toBe(rows);
    }
    // the rejects file is under the run's own reports directory
    parity.expectSameResult(ch, duck, (x) => {
      const data = x.data as { rejects: Record<string, unknown> };
      return { ...x, data: { ...data, rejects: { ...data.rejects, file: undefined } } };
    });
    await parity.expectNoRunTables();
    void chRun;
  }, 900_000);

  it('writes every report on the cluster as on DuckDB (dashboard, summary, CSV tables) and leaves no run table', async () => {
    const run = await runCli(
      [
        'optimize-referrals',
        '--window',
        '30d',
        '--as-of',
        DEMO_AS_OF,
        '--config',
        CLICKHOUSE_CONFIG,
        '--json',
      ],
      { cwd: parity.ws.dir },
    );
    expect(run.code, run.stderr).toBe(0);
    const dir = path.join(parity.ws.dir, run.json<{ reports_dir: string }>().reports_dir);
    for (const file of [
      'dashboard.html',
      'summary.md',
      'result.json',
      'funnel.csv',
      'partners.csv',
      'flagged_referrals.csv',
      'backlog.csv',
      'rings.csv',
    ])
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    // the flagged list holds the referrals the fraud review banded, as result.json counts them
    const result = JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')) as {
      fraud: { by_band: { review: number; reject: number } };
    };
    const flagged = parseCsv(readFileSync(path.join(dir, 'flagged_referrals.csv'), 'utf8'));
    expect(flagged.length).toBe(result.fraud.by_band.review + result.fraud.by_band.reject);
    expect(flagged.length).toBeGreaterThan(10);
    await parity.expectNoRunTables();
  }, 600_000);
});
