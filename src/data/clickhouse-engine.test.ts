import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { freePort } from '../../test/helpers/postgres-server.ts';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../test/helpers/clickhouse-server.ts';
import { convertClickHouseValue, openClickHouse } from './clickhouse-engine.ts';
import type { Engine } from './engine.ts';
import { ident, sql } from './sql-text.ts';

describe('ClickHouse value conversion (JSON output format)', () => {
  it.each([
    ['42', 'UInt64', 42],
    ['18446744073709551615', 'UInt64', 18446744073709551615n],
    ['-9007199254740993', 'Int64', -9007199254740993n],
    [7, 'Nullable(Int32)', 7],
    [null, 'Nullable(Int64)', null],
    [12.5, 'Decimal(10, 2)', 12.5],
    ['12.50', 'Decimal(18, 2)', 12.5],
    ['2024-01-02', 'Date', '2024-01-02'],
    ['2024-01-02 03:04:05', 'DateTime', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02 03:04:05', "DateTime('UTC')", '2024-01-02T03:04:05.000Z'],
    ['2024-01-02 03:04:05.123456', 'DateTime64(6)', '2024-01-02T03:04:05.123456Z'],
    [['1', '2'], 'Array(UInt64)', [1, 2]],
    ['x', 'LowCardinality(Nullable(String))', 'x'],
  ])('converts %j of type %s', (value, type, expected) => {
    expect(convertClickHouseValue(value, type)).toEqual(expected);
  });
});

describe('openClickHouse without a server', () => {
  it('fails with a retriable ENGINE error and no password in the message', async () => {
    const port = await freePort();
    const err = (await openClickHouse({ url: `http://127.0.0.1:${port}`, password: 'hunter2' }).catch(
      (e: unknown) => e,
    )) as GtmError;
    expect(err).toBeInstanceOf(GtmError);
    expect(err.code).toBe('ENGINE');
    expect(err.retriable).toBe(true);
    expect(err.oneLine()).not.toContain('hunter2');
  });

  it('names where a URL it cannot use came from: --clickhouse (USAGE) or engine.url (CONFIG)', async () => {
    const bad = 'http://u:s3cret@127.0.0.1:1/?password=s3cret';
    const flag = (await openClickHouse({ url: bad, origin: '--clickhouse' }).catch(
      (e: unknown) => e,
    )) as GtmError;
    expect(flag.oneLine()).toBe(
      'error[USAGE] --clickhouse: invalid ClickHouse settings: Unknown URL parameters: password — --clickhouse must look like http://host:8123 (a password as http://user:password@host:8123)',
    );
    const config = (await openClickHouse({ url: bad }).catch((e: unknown) => e)) as GtmError;
    expect(config.oneLine()).toMatch(
      /^error\[CONFIG\] engine\.url: invalid ClickHouse settings: .* — engine\.url must look like/,
    );
    expect(flag.oneLine() + config.oneLine()).not.toMatch(/s3cret/);
  });
});

const server = findClickHouseServer();

describe.skipIf(server === null)(
  'ClickHouse engine against a real server (skipped: no clickhouse-server binary on PATH)',
  () => {
    let ch: ClickHouseServer;
    let engine: Engine;
    beforeAll(async () => {
      ch = await startClickHouse();
      engine = await openClickHouse({ url: ch.url });
    });
    afterAll(async () => {
      await engine?.close();
      await ch?.stop();
    });

    it('creates, inserts escaped hostile text, reads back and describes', async () => {
      await engine.exec(
        'CREATE TABLE gtm_t (id UInt64, name String, at DateTime, amount Decimal(10, 2)) ENGINE = Memory',
      );
      const hostile = ["o'brien", "\\'; DROP TABLE gtm_t; --", 'tab\there', 'ünï'];
      for (const [i, name] of hostile.entries()) {
        await engine.exec(
          sql`INSERT INTO gtm_t VALUES (${i}, ${name}, ${'2024-01-02 03:04:05'}, ${'12.50'})`.render(
            'clickhouse',
          ),
        );
      }
      const rows = await engine.query(
        sql`SELECT id, name, at, amount FROM ${ident('gtm_t')} ORDER BY id`.render('clickhouse'),
      );
      expect(rows.map((r) => r.name)).toEqual(hostile);
      expect(rows[0]).toEqual({ id: 0, name: "o'brien", at: '2024-01-02T03:04:05.000Z', amount: 12.5 });
      expect(await engine.describe('gtm_t')).toEqual([
        { name: 'id', type: 'UInt64' },
        { name: 'name', type: 'String' },
        { name: 'at', type: 'DateTime' },
        { name: 'amount', type: 'Decimal(10, 2)' },
      ]);
    });

    it('wraps server errors as ENGINE errors with the SQL', async () => {
      const err = (await engine.query('SELECT * FROM no_such_table').catch((e: unknown) => e)) as GtmError;
      expect(err).toMatchObject({ code: 'ENGINE', sql: 'SELECT * FROM no_such_table', retriable: false });
    });

    it('a statement past the timeout is an ENGINE error that is not retried, naming engine.timeout_s', async () => {
      const slow = await openClickHouse({ url: ch.url, requestTimeoutMs: 300 });
      try {
        const err = (await slow.query('SELECT sleep(2) AS s').catch((e: unknown) => e)) as GtmError;
        expect(err).toMatchObject({ code: 'ENGINE', retriable: false });
        expect(err.message).toMatch(/timeout/i);
        expect(err.hint).toMatch(/engine\.timeout_s/);
      } finally {
        await slow.close();
      }
    });
  },
);
