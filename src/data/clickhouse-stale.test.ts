import { utimes } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findClickHouseServer, startClickHouse } from '../../test/helpers/clickhouse-server.ts';
import { dropStaleRunObjects, STALE_AFTER_SECONDS } from './clickhouse-stale.ts';
import { openClickHouse, type ClickHouseEngine } from './index.ts';
import { runView } from './entities/normalize-clickhouse.ts';

const server = findClickHouseServer();
const HOUR = 3600;

describe.skipIf(!server && !process.env.CI)('stale run objects on ClickHouse', () => {
  let ch: Awaited<ReturnType<typeof startClickHouse>>;
  let e: ClickHouseEngine;
  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    ch = await startClickHouse();
    e = await openClickHouse({ url: ch.url });
    await e.exec('CREATE DATABASE IF NOT EXISTS gtm');
  }, 120_000);
  afterAll(async () => {
    await e?.close();
    await ch?.stop();
  });

  /** Creates a view (or a MergeTree table) and sets its creation time `hoursAgo` in the past. */
  async function object(name: string, hoursAgo: number, table = false): Promise<void> {
    await e.exec(
      table
        ? `CREATE TABLE gtm.\`${name}\` ENGINE = MergeTree ORDER BY tuple() AS SELECT 1 AS x`
        : `CREATE VIEW gtm.\`${name}\` AS SELECT 1 AS x`,
    );
    // the server reads metadata_modification_time from its metadata file: age the file
    const [{ path }] = await e.query<{ path: string }>(
      `SELECT metadata_path AS path FROM system.tables WHERE database = 'gtm' AND name = '${name}'`,
    );
    const t = new Date(Date.now() - hoursAgo * HOUR * 1000);
    await utimes(path, t, t);
  }
  const names = async () =>
    (
      await e.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = 'gtm' ORDER BY name`)
    ).map((r) => r.name);

  it('drops only gtm’s own objects of runs idle for hours, never a live run’s nor a user’s', async () => {
    // a run killed 7 hours ago (a view and a table), a run that began 9 hours ago and still creates
    // objects (one 5 minutes ago), a user's tables named like gtm's but not as gtm names them
    await object('_gtm_0a1b2c3d_all_touchpoints', 7.2);
    await object('_gtm_0a1b2c3d_scope', 7, true);
    await object('_gtm_99887766_all_clicks', 9);
    await object('_gtm_99887766_ref_clicks_in', 5 / 60);
    await object('_gtm_notarun', 30);
    await object('_gtm_0A1B2C3D_upper', 30);
    await object('my_table', 30, true);
    expect(STALE_AFTER_SECONDS).toBe(6 * HOUR);
    const dropped = await dropStaleRunObjects(e, { database: 'gtm' });
    expect(dropped.sort()).toEqual(['_gtm_0a1b2c3d_all_touchpoints', '_gtm_0a1b2c3d_scope']);
    expect(await names()).toEqual([
      '_gtm_0A1B2C3D_upper',
      '_gtm_99887766_all_clicks',
      '_gtm_99887766_ref_clicks_in',
      '_gtm_notarun',
      'my_table',
    ]);
    // the live run's objects go once it has been idle long enough, and `keep` spares a run
    expect(
      await dropStaleRunObjects(e, { database: 'gtm', staleAfterSeconds: 60, keep: '_gtm_99887766_' }),
    ).toEqual([]);
    expect((await dropStaleRunObjects(e, { database: 'gtm', staleAfterSeconds: 60 })).sort()).toEqual([
      '_gtm_99887766_all_clicks',
      '_gtm_99887766_ref_clicks_in',
    ]);
  });

  it('a later run clears what a killed run left, when it creates its first view', async () => {
    await object('_gtm_deadbeef_valid_ledger', 8);
    await object('_gtm_deadbeef_lm_ledger', 7.5, true);
    await object('_gtm_cafe0001_all_ledger', 1);
    const run = await openClickHouse({ url: ch.url, database: 'gtm' });
    try {
      const v = await runView(run, 'probe', 'SELECT 1 AS x');
      const left = await names();
      expect(left.filter((n) => n.startsWith('_gtm_deadbeef_'))).toEqual([]);
      expect(left).toContain('_gtm_cafe0001_all_ledger');
      expect(left).toContain(v.replace(/[`"]/g, ''));
    } finally {
      await run.close();
    }
    // the run's own view is dropped when it ends; the other run's stays
    expect((await names()).filter((n) => n.endsWith('_probe'))).toEqual([]);
    expect(await names()).toContain('_gtm_cafe0001_all_ledger');
  });
});
