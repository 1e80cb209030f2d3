import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import {
  findPostgresBin,
  freePort,
  startPostgres,
  type PostgresServer,
} from '../../test/helpers/postgres-server.ts';
import { openDuckDb, type DuckDbEngine } from './duckdb-api.ts';
import { loadSource } from './read-source.ts';

const bin = await findPostgresBin();
if (bin === null && process.env.CI) {
  throw new Error(
    'PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; CI must install postgresql ' +
      '(apt-get install postgresql) so the PostgreSQL source is tested against a real server',
  );
}

describe.skipIf(bin === null)(
  'PostgreSQL source (real server; skipped when no server binaries are installed)',
  () => {
    let server: PostgresServer;
    let engine: DuckDbEngine;

    beforeAll(async () => {
      server = await startPostgres();
      engine = await openDuckDb();
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query(`
      CREATE SCHEMA crm;
      CREATE TABLE crm."Deals" (
        id bigint PRIMARY KEY,
        partner text,
        seats integer,
        amount numeric(12,2),
        ratio double precision,
        big numeric,
        closed_at timestamp,
        seen_at timestamptz,
        closed_on date,
        won boolean,
        tags text[],
        meta jsonb
      );
      INSERT INTO crm."Deals" VALUES
        (1, 'Acme', 10, 1234.50, 0.1, 12345678901234567890.5, '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05+02', '2024-01-02', true, '{a,b}', '{"k": 1}'),
        (2, 'o''brien "q"', NULL, -0.01, NULL, NULL, NULL, NULL, NULL, false, NULL, NULL),
        (9007199254740993, NULL, 3, 0, 1e300, 1, '1999-12-31 23:59:59', '1999-12-31 23:59:59+00', '1999-12-31', NULL, '{}', 'null');
    `);
      await client.end();
    });

    afterAll(async () => {
      await engine?.close();
      await server?.stop();
    });

    it('loads a whole table with mapped types and exact values', async () => {
      const load = await loadSource(
        engine,
        { name: 'crm', kind: 'postgres', url: server.url, schema: 'crm', table: 'Deals' },
        'raw_deals',
      );
      expect(load.rows).toBe(3);
      expect(load.files).toEqual([]);
      expect(load.rejects).toEqual([]);
      expect(load.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(load.columns).toEqual([
        { name: 'id', type: 'BIGINT' },
        { name: 'partner', type: 'VARCHAR' },
        { name: 'seats', type: 'INTEGER' },
        { name: 'amount', type: 'DECIMAL(12,2)' },
        { name: 'ratio', type: 'DOUBLE' },
        { name: 'big', type: 'DOUBLE' },
        { name: 'closed_at', type: 'TIMESTAMP' },
        { name: 'seen_at', type: 'TIMESTAMP WITH TIME ZONE' },
        { name: 'closed_on', type: 'DATE' },
        { name: 'won', type: 'BOOLEAN' },
        { name: 'tags', type: 'VARCHAR' },
        { name: 'meta', type: 'JSON' },
      ]);
      const rows = await engine.query('SELECT * FROM raw_deals ORDER BY id');
      expect(rows).toEqual([
        {
          id: 1,
          partner: 'Acme',
          seats: 10,
          amount: 1234.5,
          ratio: 0.1,
          big: 12345678901234567890.5,
          closed_at: '2024-01-02T03:04:05.123456Z',
          seen_at: '2024-01-02T01:04:05.000Z',
          closed_on: '2024-01-02',
          won: true,
          tags: '{a,b}',
          meta: '{"k": 1}',
          source_file: '"crm"."Deals"',
          source_row: expect.any(Number),
        },
        {
          id: 2,
          partner: 'o\'brien "q"',
          seats: null,
          amount: -0.01,
          ratio: null,
          big: null,
          closed_at: null,
          seen_at: null,
          closed_on: null,
          won: false,
          tags: null,
          meta: null,
          source_file: '"crm"."Deals"',
          source_row: expect.any(Number),
        },
        {
          id: 9007199254740993n,
          partner: null,
          seats: 3,
          amount: 0,
          ratio: 1e300,
          big: 1,
          closed_at: '1999-12-31T23:59:59.000Z',
          seen_at: '1999-12-31T23:59:59.000Z',
          closed_on: '1999-12-31',
          won: null,
          tags: '{}',
          meta: 'null',
          source_file: '"crm"."Deals"',
          source_row: expect.any(Number),
        },
      ]);
      expect(rows.map((r) => r.source_row).sort()).toEqual([1, 2, 3]);
    });

    it('loads a query, reading the URL from the environment, with a stable order-independent fingerprint', async () => {
      process.env.GTM_TEST_PG_URL = server.url;
      try {
        const spec = {
          name: 'crm',
          kind: 'postgres',
          url: 'env:GTM_TEST_PG_URL',
          query: 'SELECT id, partner, amount FROM crm."Deals" WHERE won IS NOT NULL ORDER BY id;',
        } as const;
        const load = await loadSource(engine, spec, 'raw_query');
        expect(load.rows).toBe(2);
        expect(load.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
          'id:BIGINT',
          'partner:VARCHAR',
          'amount:DECIMAL(12,2)',
        ]);
        expect(await engine.query('SELECT * FROM raw_query ORDER BY source_row')).toEqual([
          { id: 1, partner: 'Acme', amount: 1234.5, source_file: 'query', source_row: 1 },
          { id: 2, partner: 'o\'brien "q"', amount: -0.01, source_file: 'query', source_row: 2 },
        ]);
        const reversed = await loadSource(
          engine,
          { ...spec, query: spec.query.replace('ORDER BY id', 'ORDER BY id DESC') },
          'raw_rev',
        );
        expect(reversed.fingerprint).toBe(load.fingerprint);
        const fewer = await loadSource(
          engine,
          { ...spec, query: spec.query.replace('IS NOT NULL', 'IS TRUE') },
          'raw_fewer',
        );
        expect(fewer.fingerprint).not.toBe(load.fingerprint);
      } finally {
        delete process.env.GTM_TEST_PG_URL;
      }
    });

    it('streams more rows than one fetch batch', async () => {
      const load = await loadSource(
        engine,
        {
          name: 'gen',
          kind: 'postgres',
          url: server.url,
          query: 'SELECT g AS n, md5(g::text) AS h FROM generate_series(1, 12345) g',
        },
        'raw_many',
      );
      expect(load.rows).toBe(12345);
      expect(
        await engine.query('SELECT count(DISTINCT n) AS d, sum(n) AS s, max(source_row) AS m FROM raw_many'),
      ).toEqual([{ d: 12345, s: (12345 * 12346) / 2, m: 12345 }]);
    });

    it('runs queries read-only', async () => {
      const err = await loadSource(
        engine,
        { name: 'crm', kind: 'postgres', url: server.url, query: 'DELETE FROM crm."Deals" RETURNING id' },
        'raw_delete',
      ).catch((e: unknown) => e as GtmError);
      expect(err).toBeInstanceOf(GtmError);
      expect((err as GtmError).code).toBe('INPUT');
      expect((err as GtmError).where).toBe('sources.crm.query');
      const after = await loadSource(
        engine,
        { name: 'crm', kind: 'postgres', url: server.url, schema: 'crm', table: 'Deals' },
        'raw_after',
      );
      expect(after.rows).toBe(3);
    });

    it('reports a missing table as INPUT, not retriable, pointing at the config key', async () => {
      const err = (await loadSource(
        engine,
        { name: 'crm', kind: 'postgres', url: server.url, table: 'nope' },
        'raw_nope',
      ).catch((e: unknown) => e)) as GtmError;
      expect(err).toBeInstanceOf(GtmError);
      expect(err).toMatchObject({ code: 'INPUT', retriable: false, where: 'sources.crm.table' });
      expect(err.message).toMatch(/relation "public.nope" does not exist/);
    });

    it('reports a refused connection as a retriable INPUT error without the password', async () => {
      const port = await freePort();
      const err = (await loadSource(
        engine,
        { name: 'crm', kind: 'postgres', url: `postgres://gtm:s3cret@127.0.0.1:${port}/crm`, table: 'deals' },
        'raw_refused',
      ).catch((e: unknown) => e)) as GtmError;
      expect(err).toBeInstanceOf(GtmError);
      expect(err).toMatchObject({ code: 'INPUT', retriable: true, where: 'sources.crm.url' });
      expect(err.message).toContain(`127.0.0.1:${port}/crm`);
      expect(err.oneLine()).not.toContain('s3cret');
      // the hint is read once the retries are spent (758b75f: the final error line): no "is retried" there
      expect(err.hint).toMatch(/is the server running and reachable/);
      expect(err.hint).not.toMatch(/retried/);
    });

    it('needs exactly one of table and query, and a set environment variable', async () => {
      await expect(
        loadSource(engine, { name: 'crm', kind: 'postgres', url: server.url }, 't'),
      ).rejects.toMatchObject({ code: 'CONFIG' });
      await expect(
        loadSource(engine, { name: 'crm', kind: 'postgres', url: 'env:GTM_TEST_UNSET_VAR', table: 'x' }, 't'),
      ).rejects.toMatchObject({ code: 'CONFIG', where: 'sources.crm.url' });
    });
  },
);
