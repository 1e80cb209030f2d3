/**
 * Dropped duplicates whose values differ from the row kept (`NormalizeResult.duplicates[].differing`
 * and `.differing`), on fixtures where the differing rows are known by construction: exact copies,
 * one amount changed, NULL against a value, two files of one source with overlapping row numbers,
 * two sources of different priorities, a time-tolerant dedupe. Each case runs on DuckDB (text
 * sources, and the typed Parquet paths: candidates by row number, by position, a narrow table
 * hashing the key) and, when a ClickHouse server is installed, on ClickHouse with the same rows:
 * the same counts and the same listing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../helpers/clickhouse-server.ts';
import { literal, openClickHouse, openDuckDb, typedEntity, type Engine } from '../../../src/data/index.ts';
import type { EntitySpec, SourceBinding } from '../../../src/data/entities/entity-spec.ts';
import {
  DEDUPE_LIMITS,
  normalizeEntities,
  type BoundSource,
  type NormalizeResult,
} from '../../../src/data/entities/normalize-entities.ts';
import { normalizeEntitiesClickHouse } from '../../../src/data/entities/normalize-clickhouse.ts';
import { loadSource } from '../../../src/data/read-source.ts';

const payments = typedEntity({
  name: 'payments',
  description: 'test',
  columns: {
    payment_id: { kind: 'id', required: true },
    amount: { kind: 'amount', min: 0, rateAt: 'paid_at' },
    currency: { kind: 'currency' },
    note: { kind: 'text' },
    paid_at: { kind: 'timestamp', required: true },
  },
  dedupe: { keys: ['payment_id'] },
});
const PAY = ['payment_id', 'amount', 'currency', 'note', 'paid_at'];

/** Visits of one visitor within 60 s of each other are one visit (the time key chains). */
const visits = typedEntity({
  name: 'visits',
  description: 'test',
  columns: {
    visitor_id: { kind: 'key', required: true },
    visited_at: { kind: 'timestamp', required: true },
    page: { kind: 'text' },
  },
  dedupe: { keys: ['visitor_id', 'visited_at'], timeKey: 'visited_at', toleranceSeconds: 60 },
});
const VIS = ['visitor_id', 'visited_at', 'page'];

const SETTINGS = {
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  rates: [{ currency: 'EUR', from: '2026-01-01', rate: 1.25 }],
  partnerAliases: {},
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [],
  channelDefault: 'unassigned',
  stageMapping: {},
  dedupe: {},
};

/** A source's rows: its file, row number and values (text, '' for NULL) in the entity's column order. */
interface Src {
  name: string;
  priority: number;
  /** The source's columns when it has fewer than the entity's (a column it lacks is not compared). */
  columns?: string[];
  rows: { file: string; row: number; values: string[] }[];
}

let n = 0;
/** The raw table of a source (text columns, `source_file`, `source_row`) on either engine, bound. */
async function raw(engine: Engine, entity: EntitySpec, all: string[], s: Src): Promise<BoundSource> {
  const columns = s.columns ?? all;
  const ch = engine.dialect === 'clickhouse';
  const table = `raw_dd_${n++}`;
  const v = (x: string) => (x === '' ? 'NULL' : literal(x, ch ? 'clickhouse' : 'duckdb'));
  const values = s.rows.map((r) => `(${r.values.map(v).join(', ')}, ${v(r.file)}, ${r.row})`).join(', ');
  if (ch) {
    await engine.exec(
      `CREATE TABLE ${table} (${columns.map((c) => `${c} Nullable(String)`).join(', ')}, source_file String, source_row UInt64) ENGINE = Memory`,
    );
    await engine.exec(`INSERT INTO ${table} VALUES ${values}`);
  } else
    await engine.exec(
      `CREATE TABLE ${table} AS SELECT * FROM (VALUES ${values}) t(${[...columns, 'source_file', 'source_row'].join(', ')})`,
    );
  const type = ch ? 'Nullable(String)' : 'VARCHAR';
  const binding: SourceBinding = {
    source: s.name,
    entity: entity.name,
    priority: s.priority,
    rawTable: table,
    columns: Object.fromEntries(columns.map((c) => [c, c])),
    columnTypes: Object.fromEntries(columns.map((c) => [c, type])),
    defaultCurrency: 'USD',
  };
  const files = [...new Set(s.rows.map((r) => r.file))].sort();
  return {
    binding,
    load: { source: s.name, table, rows: s.rows.length, columns: [], files, fingerprint: '', rejects: [] },
  };
}

const rows = (file: string, lines: string[][], from = 2) =>
  lines.map((values, i) => ({ file, row: from + i, values }));

/** The cases: sources, and what the duplicates and their listing must be (worked out by hand). */
const CASES: {
  name: string;
  entity: EntitySpec;
  columns: string[];
  sources: Src[];
  duplicates: NormalizeResult['duplicates'];
  listed: [string, string, number, string, string, number, [string, string | null, string | null][]][];
}[] = [
  {
    name: 'exact copies differ in nothing',
    entity: payments,
    columns: PAY,
    sources: [
      {
        name: 'pay',
        priority: 1,
        rows: rows('p.csv', [
          ['P1', '100', 'USD', 'x', '2026-02-01T10:00:00Z'],
          ['P1', '100', 'USD', 'x', '2026-02-01T10:00:00Z'],
          // spelled differently, the same once normalized: trimmed id, lower-case currency, ISO time
          [' P1 ', '100.00', 'usd', 'x', '2026-02-01 10:00:00'],
          ['P2', '7', 'USD', '', '2026-02-02T00:00:00Z'],
        ]),
      },
    ],
    duplicates: [{ source: 'pay', kept_source: 'pay', rows: 2, differing: 0, differing_columns: {} }],
    listed: [],
  },
  {
    name: 'one amount changed is one differing duplicate, in amount',
    entity: payments,
    columns: PAY,
    sources: [
      {
        name: 'pay',
        priority: 1,
        rows: rows('p.csv', [
          ['P1', '100', 'USD', 'x', '2026-02-01T10:00:00Z'],
          ['P2', '5', 'USD', 'y', '2026-02-02T00:00:00Z'],
          ['P1', '120', 'USD', 'x', '2026-02-01T10:00:00Z'],
          ['P2', '5', 'USD', 'y', '2026-02-02T00:00:00Z'],
        ]),
      },
    ],
    duplicates: [
      { source: 'pay', kept_source: 'pay', rows: 2, differing: 1, differing_columns: { amount: 1 } },
    ],
    listed: [['pay', 'p.csv', 4, 'pay', 'p.csv', 2, [['amount', '120', '100']]]],
  },
  {
    name: 'NULL against a value differs, NULL against NULL does not',
    entity: payments,
    columns: PAY,
    sources: [
      {
        name: 'pay',
        priority: 1,
        rows: rows('p.csv', [
          ['P1', '100', 'USD', '', '2026-02-01T10:00:00Z'],
          ['P1', '100', 'USD', 'late fee', '2026-02-01T10:00:00Z'],
          ['P2', '', 'USD', '', '2026-02-02T00:00:00Z'],
          ['P2', '', 'USD', '', '2026-02-02T00:00:00Z'],
          ['P3', '9', 'EUR', 'z', '2026-02-03T00:00:00Z'],
          ['P3', '', 'EUR', 'z', '2026-02-03T00:00:00Z'],
        ]),
      },
    ],
    duplicates: [
      {
        source: 'pay',
        kept_source: 'pay',
        rows: 3,
        differing: 2,
        differing_columns: { amount: 1, note: 1 },
      },
    ],
    listed: [
      ['pay', 'p.csv', 3, 'pay', 'p.csv', 2, [['note', 'late fee', null]]],
      // 9 EUR at 1.25
      ['pay', 'p.csv', 7, 'pay', 'p.csv', 6, [['amount', null, '11.25']]],
    ],
  },
  {
    name: 'two files of one source: rows named by file and row, the tie on row numbers broken by the file',
    entity: payments,
    columns: PAY,
    sources: [
      {
        name: 'pay',
        priority: 1,
        rows: [
          ...rows('b.csv', [
            ['E1', '30', 'USD', 'b', '2026-02-01T10:00:00Z'],
            ['E2', '8', 'USD', '', '2026-02-05T00:00:00Z'],
          ]),
          ...rows('a.csv', [
            ['E1', '30', 'USD', 'a', '2026-02-01T10:00:00Z'],
            ['E3', '1', 'USD', '', '2026-02-06T00:00:00Z'],
            ['E2', '8', 'USD', '', '2026-02-05T00:00:00Z'],
          ]),
        ],
      },
    ],
    // E1: a.csv:2 and b.csv:2 tie on priority, source and row: a.csv is kept. E2: b.csv:3 is kept
    // (row 3 before a.csv's row 4), a.csv:4 is an exact copy
    duplicates: [
      { source: 'pay', kept_source: 'pay', rows: 2, differing: 1, differing_columns: { note: 1 } },
    ],
    listed: [['pay', 'b.csv', 2, 'pay', 'a.csv', 2, [['note', 'b', 'a']]]],
  },
  {
    name: 'two sources: the row of the lower priority is kept, the other compared with it',
    entity: payments,
    columns: PAY,
    sources: [
      {
        name: 'crm',
        priority: 2,
        rows: rows('crm.csv', [
          ['P1', '50', 'USD', '', '2026-02-01T10:00:00Z'],
          ['P2', '20', 'EUR', '', '2026-02-02T00:00:00Z'],
        ]),
      },
      {
        name: 'erp',
        priority: 1,
        rows: rows(
          'erp.csv',
          [
            ['P1', '55', 'USD', '', '2026-02-01T10:00:00Z'],
            ['P2', '25', 'USD', '', '2026-02-02T00:00:00Z'],
            ['P3', '1', 'USD', '', '2026-02-02T00:00:00Z'],
            ['P3', '1', 'USD', '', '2026-02-02T11:00:00Z'],
          ],
          5,
        ),
      },
    ],
    // P2: 20 EUR = 25 USD at 1.25, the same amount in another currency
    duplicates: [
      {
        source: 'crm',
        kept_source: 'erp',
        rows: 2,
        differing: 2,
        differing_columns: { amount: 1, currency: 1 },
      },
      {
        source: 'erp',
        kept_source: 'erp',
        rows: 1,
        differing: 1,
        differing_columns: { paid_at: 1 },
      },
    ],
    listed: [
      ['crm', 'crm.csv', 2, 'erp', 'erp.csv', 5, [['amount', '50', '55']]],
      ['crm', 'crm.csv', 3, 'erp', 'erp.csv', 6, [['currency', 'EUR', 'USD']]],
      [
        'erp',
        'erp.csv',
        8,
        'erp',
        'erp.csv',
        7,
        [['paid_at', '2026-02-02T11:00:00.000Z', '2026-02-02T00:00:00.000Z']],
      ],
    ],
  },
  {
    name: 'a column one source does not have is not compared; an empty value where both have it is',
    entity: payments,
    columns: PAY,
    sources: [
      {
        name: 'crm',
        priority: 1,
        rows: rows('crm.csv', [
          ['P1', '10', 'USD', 'x', '2026-02-01T10:00:00Z'],
          ['P2', '20', 'USD', 'y', '2026-02-01T10:00:00Z'],
          ['P3', '30', 'USD', '', '2026-02-01T10:00:00Z'],
          ['P3', '30', 'USD', 'z', '2026-02-01T10:00:00Z'],
        ]),
      },
      {
        name: 'export',
        priority: 2,
        columns: ['payment_id', 'amount', 'paid_at'],
        rows: rows('export.csv', [
          ['P1', '10', '2026-02-01T10:00:00Z'],
          ['P2', '21', '2026-02-01T10:00:00Z'],
        ]),
      },
    ],
    // the export has no note (P1 equal, P2 in amount only) and no currency column: its default, USD
    duplicates: [
      { source: 'crm', kept_source: 'crm', rows: 1, differing: 1, differing_columns: { note: 1 } },
      { source: 'export', kept_source: 'crm', rows: 2, differing: 1, differing_columns: { amount: 1 } },
    ],
    listed: [
      ['crm', 'crm.csv', 5, 'crm', 'crm.csv', 4, [['note', 'z', null]]],
      ['export', 'export.csv', 3, 'crm', 'crm.csv', 3, [['amount', '21', '20']]],
    ],
  },
  {
    name: 'a time-tolerant dedupe does not count the time as a difference, the other columns it does',
    entity: visits,
    columns: VIS,
    sources: [
      {
        name: 'web',
        priority: 1,
        rows: rows('w.csv', [
          ['v1', '2026-02-01T10:00:00Z', '/a'],
          ['v1', '2026-02-01T10:00:30Z', '/a'],
          // 20 s after the previous: chained into the visit of 10:00:00, on another page
          ['v1', '2026-02-01T10:00:50Z', '/b'],
          ['v1', '2026-02-01T10:05:00Z', '/c'],
          ['v2', '2026-02-01T10:05:00Z', ''],
          ['v2', '2026-02-01T10:05:59Z', '/d'],
        ]),
      },
    ],
    duplicates: [
      { source: 'web', kept_source: 'web', rows: 3, differing: 2, differing_columns: { page: 2 } },
    ],
    listed: [
      ['web', 'w.csv', 4, 'web', 'w.csv', 2, [['page', '/b', '/a']]],
      ['web', 'w.csv', 7, 'web', 'w.csv', 6, [['page', '/d', null]]],
    ],
  },
];

const listing = (r: NormalizeResult) =>
  (r.differing ?? []).map((d) => [
    d.source,
    d.file,
    d.row,
    d.kept_source,
    d.kept_file,
    d.kept_row,
    d.values.map((v) => [v.column, v.value, v.kept]),
  ]);

async function run(engine: Engine, c: (typeof CASES)[number]): Promise<NormalizeResult> {
  const bound = [];
  for (const s of c.sources) bound.push(await raw(engine, c.entity, c.columns, s));
  return engine.dialect === 'clickhouse'
    ? normalizeEntitiesClickHouse(engine, [c.entity], bound, SETTINGS, '/nowhere')
    : normalizeEntities(engine, [c.entity], bound, SETTINGS, '/nowhere');
}

describe('differing duplicates on DuckDB', () => {
  let engine: Engine;
  let dir: string;
  beforeAll(async () => {
    engine = await openDuckDb();
    dir = mkdtempSync(path.join(os.tmpdir(), 'gtm-differing-'));
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES)
    it(c.name, async () => {
      const r = await run(engine, c);
      expect(r.duplicates).toEqual(c.duplicates);
      expect(listing(r)).toEqual(c.listed);
      const dedup = r.accounting.reduce((s, a) => s + a.deduplicated, 0);
      expect(dedup).toBe(c.duplicates.reduce((s, d) => s + d.rows, 0));
    });

  /** A typed Parquet file of the payments case with one amount changed, 40 rows (P0 … P19 twice). */
  async function parquet(): Promise<BoundSource> {
    const file = path.join(dir, 'pay.parquet');
    await engine.exec(
      `COPY (SELECT 'P' || (i % 20) AS payment_id, CASE WHEN i = 33 THEN 120.0 ELSE 100.0 END::DOUBLE AS amount, 'USD' AS currency,
         CASE WHEN i = 25 THEN 'changed' END AS note, TIMESTAMP '2026-02-01 10:00:00' AS paid_at FROM range(40) t(i))
       TO ${literal(file)} (FORMAT parquet)`,
    );
    const load = await loadSource(engine, { name: 'pq', kind: 'file', path: file }, `raw_pq_${n++}`);
    return {
      load,
      binding: {
        source: 'pq',
        entity: 'payments',
        priority: 1,
        rawTable: load.table,
        columns: Object.fromEntries(PAY.map((c) => [c, c])),
        columnTypes: Object.fromEntries(load.columns.map((c) => [c.name, c.type])),
        defaultCurrency: 'USD',
      },
    };
  }
  // row 34 (i = 33, P13) has 120 against row 14's 100; row 26 (i = 25, P5) a note against none
  const PARQUET = {
    duplicates: [
      {
        source: 'pq',
        kept_source: 'pq',
        rows: 20,
        differing: 2,
        differing_columns: { amount: 1, note: 1 },
      },
    ],
    listed: [
      ['pq', 'pay.parquet', 26, 'pq', 'pay.parquet', 6, [['note', 'changed', null]]],
      ['pq', 'pay.parquet', 34, 'pq', 'pay.parquet', 14, [['amount', '120', '100']]],
    ],
  };

  it('a typed Parquet source: candidates read back by row number', async () => {
    const r = await normalizeEntities(engine, [payments], [await parquet()], SETTINGS, dir);
    expect(r.duplicates).toEqual(PARQUET.duplicates);
    expect(listing(r)).toEqual(PARQUET.listed);
  });

  /** The pass statements of a normalize through `engine` (`keys_<entity>`). */
  const spied = (entity: string) => {
    const passes: string[] = [];
    const spy = Object.create(engine) as Engine;
    spy.exec = (sql: string) => {
      if (sql.includes(`TABLE "keys_${entity}"`)) passes.push(sql);
      return engine.exec(sql);
    };
    return { spy, passes };
  };

  it('a typed Parquet source checked through a join (the rate of its amounts): row numbers written', async () => {
    // a join may emit rows out of the order read, so the pass cannot number rows by position
    const before = DEDUPE_LIMITS.candidatesJoinedUpTo;
    DEDUPE_LIMITS.candidatesJoinedUpTo = 10;
    const { spy, passes } = spied('payments');
    try {
      const r = await normalizeEntities(spy, [payments], [await parquet()], SETTINGS, dir);
      expect(passes).toHaveLength(1);
      expect(passes[0]).toMatch(/AS _row/);
      expect(r.duplicates).toEqual(PARQUET.duplicates);
      expect(listing(r)).toEqual(PARQUET.listed);
    } finally {
      DEDUPE_LIMITS.candidatesJoinedUpTo = before;
    }
  });

  it('a typed Parquet source whose pass writes no row numbers (candidates by position)', async () => {
    const entries = typedEntity({
      name: 'entries',
      description: 'test',
      columns: {
        entry_id: { kind: 'id', required: true },
        points: { kind: 'number' },
        note: { kind: 'text' },
      },
      dedupe: { keys: ['entry_id'] },
    });
    const file = path.join(dir, 'entries.parquet');
    // E0 … E19 twice; row 34 (i = 33, E13) has 7 points against row 14's 5, row 26 (E5) a note
    await engine.exec(
      `COPY (SELECT 'E' || (i % 20) AS entry_id, CASE WHEN i = 33 THEN 7 ELSE 5 END::DOUBLE AS points,
         CASE WHEN i = 25 THEN 'changed' END AS note FROM range(40) t(i)) TO ${literal(file)} (FORMAT parquet)`,
    );
    const load = await loadSource(engine, { name: 'en', kind: 'file', path: file }, `raw_en_${n++}`);
    const bound: BoundSource = {
      load,
      binding: {
        source: 'en',
        entity: 'entries',
        priority: 1,
        rawTable: load.table,
        columns: { entry_id: 'entry_id', points: 'points', note: 'note' },
        columnTypes: Object.fromEntries(load.columns.map((c) => [c.name, c.type])),
        defaultCurrency: 'USD',
      },
    };
    const before = DEDUPE_LIMITS.candidatesJoinedUpTo;
    DEDUPE_LIMITS.candidatesJoinedUpTo = 10;
    const { spy, passes } = spied('entries');
    try {
      const r = await normalizeEntities(spy, [entries], [bound], SETTINGS, dir);
      expect(passes).toHaveLength(1);
      expect(passes[0]).not.toMatch(/AS _row/);
      expect(r.duplicates).toEqual([
        {
          source: 'en',
          kept_source: 'en',
          rows: 20,
          differing: 2,
          differing_columns: { points: 1, note: 1 },
        },
      ]);
      expect(listing(r)).toEqual([
        ['en', 'entries.parquet', 26, 'en', 'entries.parquet', 6, [['note', 'changed', null]]],
        ['en', 'entries.parquet', 34, 'en', 'entries.parquet', 14, [['points', '7', '5']]],
      ]);
    } finally {
      DEDUPE_LIMITS.candidatesJoinedUpTo = before;
    }
  });

  it('a narrow table whose key column is the pass key hash, unchecked', async () => {
    const r = await normalizeEntities(engine, [payments], [await parquet()], SETTINGS, dir, {
      narrow: {
        payments: { table: 'n_pay', columns: ['amount'], hashes: ['payment_id'], unchecked: ['payment_id'] },
      },
    });
    expect(r.duplicates).toEqual(PARQUET.duplicates);
    expect(listing(r)).toEqual(PARQUET.listed);
    const [{ rows, total }] = await engine.query<{ rows: number; total: number }>(
      'SELECT count(*) AS rows, sum(amount) AS total FROM n_pay',
    );
    // the kept rows only: 20 payments of 100
    expect([Number(rows), Number(total)]).toEqual([20, 2000]);
  });
});

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)('differing duplicates on ClickHouse', () => {
  let ch: ClickHouseServer;
  let click: Engine;
  let duck: Engine;
  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    ch = await startClickHouse();
    click = await openClickHouse({ url: ch.url });
    duck = await openDuckDb();
  }, 120_000);
  afterAll(async () => {
    await click?.close();
    await duck?.close();
    await ch?.stop();
  });

  for (const c of CASES)
    it(`${c.name}: the counts and the listing of DuckDB`, async () => {
      const r = await run(click, c);
      expect(r.duplicates).toEqual(c.duplicates);
      expect(listing(r)).toEqual(c.listed);
      const d = await run(duck, c);
      expect(r.accounting).toEqual(d.accounting);
      expect(r.differing).toEqual(d.differing);
    });
});
