/**
 * A workspace source read from its ClickHouse table: rows and columns as the table holds them, a
 * fingerprint that follows the rows and not their order, and one clear error for a missing table or
 * a table without the provenance columns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../test/helpers/clickhouse-server.ts';
import { GtmError } from '../errors/index.ts';
import { openClickHouse, type ClickHouseEngine } from './clickhouse-engine.ts';
import { bindClickHouseSource } from './clickhouse-source.ts';
import { loadSource } from './read-source.ts';

const server = findClickHouseServer();
const spec = (name: string) => ({ name, kind: 'file' as const, path: `data/${name}.csv` });

describe.skipIf(!server && !process.env.CI)('a source read from its ClickHouse table', () => {
  let ch: ClickHouseServer;
  let engine: ClickHouseEngine;

  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    ch = await startClickHouse();
    engine = await openClickHouse({ url: ch.url });
    const columns = `(email String, amount Nullable(Float64), source_file String, source_row Int64)`;
    for (const t of ['deals', 'deals_shuffled', 'deals_changed'])
      await engine.exec(`CREATE TABLE ${t} ${columns} ENGINE = MergeTree ORDER BY tuple()`);
    const rows = [
      { email: 'a@x.io', amount: 10.5, source_file: 'data/deals.csv', source_row: 2 },
      { email: 'b@x.io', amount: null, source_file: 'data/deals.csv', source_row: 3 },
      { email: 'c@x.io', amount: 7, source_file: 'data/deals.csv', source_row: 4 },
    ];
    const body = (xs: typeof rows) => xs.map((r) => JSON.stringify(r)).join('\n');
    await engine.insertText('deals', 'JSONEachRow', body(rows));
    await engine.insertText('deals_shuffled', 'JSONEachRow', body([rows[2], rows[0], rows[1]]));
    await engine.insertText(
      'deals_changed',
      'JSONEachRow',
      body([rows[0], rows[1], { ...rows[2], amount: 8 }]),
    );
    await engine.exec(`CREATE TABLE bare (email String) ENGINE = MergeTree ORDER BY tuple()`);
    // tables of one's own, without provenance: numbered by a unique integer order key, or not
    await engine.exec(`CREATE TABLE by_id (id UInt64, email String) ENGINE = MergeTree ORDER BY id`);
    await engine.insertText('by_id', 'JSONEachRow', '{"id":17,"email":"a@x.io"}\n{"id":5,"email":"b@x.io"}');
    await engine.exec(`CREATE TABLE by_dup (id Int32, email String) ENGINE = MergeTree ORDER BY id`);
    await engine.insertText('by_dup', 'JSONEachRow', '{"id":1,"email":"a@x.io"}\n{"id":1,"email":"b@x.io"}');
    await engine.exec(`CREATE TABLE by_text (email String) ENGINE = MergeTree ORDER BY email`);
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
    await ch?.stop();
  });

  it('counts the rows and lists the columns with their types, provenance aside, copying nothing', async () => {
    const load = await loadSource(engine, spec('deals'), 'raw_0');
    expect(load).toMatchObject({
      source: 'deals',
      table: 'deals',
      rows: 3,
      files: [],
      rejects: [],
      columns: [
        { name: 'email', type: 'String' },
        { name: 'amount', type: 'Nullable(Float64)' },
      ],
    });
    expect(load.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const tables = await engine.query<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name`,
    );
    expect(tables.map((t) => t.name)).toEqual([
      'bare',
      'by_dup',
      'by_id',
      'by_text',
      'deals',
      'deals_changed',
      'deals_shuffled',
    ]);
  });

  it('fingerprints the rows, not their order or the table name; a changed value changes it', async () => {
    const a = await bindClickHouseSource(engine, spec('deals'));
    const b = await bindClickHouseSource(engine, spec('deals_shuffled'));
    const c = await bindClickHouseSource(engine, spec('deals_changed'));
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });

  it('a missing table or one without source_file/source_row is an INPUT error naming the fix', async () => {
    const missing = (await bindClickHouseSource(engine, spec('nowhere')).catch(
      (e: unknown) => e,
    )) as GtmError;
    expect(missing).toBeInstanceOf(GtmError);
    expect(missing.code).toBe('INPUT');
    expect(missing.message).toContain('no table "nowhere"');
    expect(missing.hint).toContain('gtm engine load');
    const bare = (await bindClickHouseSource(engine, spec('bare')).catch((e: unknown) => e)) as GtmError;
    expect(bare.code).toBe('INPUT');
    expect(bare.message).toBe('table bare has no column source_file or source_row');
    expect(bare.hint).toContain('ORDER BY id');
    const text = (await bindClickHouseSource(engine, spec('by_text')).catch((e: unknown) => e)) as GtmError;
    expect(text.message).toBe('table by_text has no column source_file or source_row');
    const dup = (await bindClickHouseSource(engine, spec('by_dup')).catch((e: unknown) => e)) as GtmError;
    expect(dup.code).toBe('INPUT');
    expect(dup.message).toContain('its order key id repeats (1 rows share a value)');
  });

  it('a table without provenance, ordered by a unique integer key, is read with the key as its row', async () => {
    const run = await openClickHouse({ url: ch.url });
    try {
      const load = await bindClickHouseSource(run, spec('by_id'));
      expect(load.rows).toBe(2);
      expect(load.columns).toEqual([
        { name: 'id', type: 'UInt64' },
        { name: 'email', type: 'String' },
      ]);
      expect(load.table).toMatch(/^_gtm_[0-9a-f]{8}_src_by_id$/);
      const rows = await run.query(
        `SELECT email, source_file, source_row FROM "${load.table}" ORDER BY source_row`,
      );
      expect(rows).toEqual([
        { email: 'b@x.io', source_file: 'by_id', source_row: 5 },
        { email: 'a@x.io', source_file: 'by_id', source_row: 17 },
      ]);
    } finally {
      await run.close();
    }
    // the view belongs to the run: dropped when it ends
    const left = await engine.query(`SELECT name FROM system.tables WHERE startsWith(name, '_gtm_')`);
    expect(left).toEqual([]);
  });
});
