/**
 * Opportunities whose amount column is numeric (a DOUBLE / Float64 source column) are not cast to
 * text to look for a currency code or symbol, on DuckDB and on ClickHouse 18.16 when a server is
 * installed (as the typed entities since bdef5e7 and 3588343): a number holds no code. Text amounts
 * keep the check: a code on a row without a currency is its currency, a disagreeing code or symbol
 * rejects the row naming both, '100 pcs' is no number. Expected values worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, type ClickHouseEngine } from '../clickhouse-engine.ts';
import { openDuckDb, type Engine } from '../index.ts';
import { ratesTableSql } from '../normalize/index.ts';
import { literal } from '../sql-text.ts';
import { opportunitiesCh } from './entities-clickhouse.ts';
import type { SourceBinding } from './entity-spec.ts';
import { opportunities } from './opportunities.ts';

const RATES = [
  { currency: 'EUR', from: '2026-01-01', rate: 1.1 },
  { currency: 'PTS', from: '2026-01-01', rate: 0.01 }, // the user's own unit, not ISO 4217
];
const SETTINGS = {
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  rates: RATES,
  partnerAliases: {},
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [],
  channelDefault: 'unassigned',
  stageMapping: { 'closed won': 'closed_won' },
  dedupe: {},
};

const HEADER = ['opportunity_id', 'account_id', 'created_at', 'stage', 'amount', 'currency'];

/** numeric amounts: [id, amount, currency] */
const NUMERIC: [string, number, string | null][] = [
  ['n1', 100, 'EUR'],
  ['n2', 250.5, null], // no currency cell: the source's default
  ['n3', 20, 'usd'],
];
const NUMERIC_EXPECTED = [
  ['n1', 'EUR', 100, 1.1, null],
  ['n2', 'USD', 250.5, 1, null],
  ['n3', 'USD', 20, 1, null],
];

/** text amounts: [id, amount, currency] */
const TEXT: [string, string, string | null][] = [
  ['t1', 'USD 100', 'EUR'],
  ['t2', '€100', 'EUR'],
  ['t3', 'EUR 10', null],
  ['t4', '£5', null],
  ['t5', '$20', null],
  ['t6', '100 pcs', null],
  // the user's own code in the amount's text, as an ISO code's
  ['t7', '100 PTS', null],
  ['t8', 'PTS 5', 'EUR'],
  ['t9', '100 bananas', 'PTS'],
];
const TEXT_EXPECTED = [
  [
    't1',
    'EUR',
    100,
    1.1,
    'amount: USD 100 is in USD, but its currency is EUR; correct the amount or the currency',
  ],
  ['t2', 'EUR', 100, 1.1, null],
  ['t3', 'EUR', 10, 1.1, null], // no currency cell: the amount's code
  [
    't4',
    'USD',
    5,
    1,
    "amount: £5 is in £, but the row has no currency and the source's default is USD; fill in the row's currency",
  ],
  ['t5', 'USD', 20, 1, null],
  ['t6', 'USD', null, 1, 'amount: cannot read 100 pcs as a number'],
  ['t7', 'PTS', 100, 0.01, null], // no currency cell: the amount's code
  [
    't8',
    'EUR',
    5,
    1.1,
    'amount: PTS 5 is in PTS, but its currency is EUR; correct the amount or the currency',
  ],
  ['t9', 'PTS', null, 0.01, 'amount: cannot read 100 bananas as a number'],
];

const binding = (rawTable: string, types: Record<string, string>): SourceBinding => ({
  source: 'crm',
  entity: 'opportunities',
  priority: 1,
  rawTable,
  columns: Object.fromEntries(HEADER.map((c) => [c, c])),
  columnTypes: types,
  defaultCurrency: 'USD',
});

const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 1e9) / 1e9);
const shape = (rows: Record<string, unknown>[]) =>
  rows.map((r) => [r.opportunity_id, r.currency, num(r.amount), num(r._rate_created), r._reject_reason]);

/** The SQL's amount-vs-currency check (its reason text) and the amount's code lookup. */
const looksForCodes = (sql: string) => sql.includes(' is in ');

describe('opportunities with a numeric amount column on DuckDB', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
    await duck.exec(ratesTableSql('fx', RATES, 'USD'));
    const row = (id: string, amount: string, currency: string | null, i: number) =>
      `(${literal(id)}, 'a1', '2026-02-01', 'closed won', ${amount}, ${currency === null ? 'NULL' : literal(currency)}, 'f.csv', ${i + 2})`;
    const cols = `t(${HEADER.join(', ')}, source_file, source_row)`;
    await duck.exec(
      `CREATE TABLE raw_num AS SELECT * FROM (VALUES ${NUMERIC.map(([id, a, c], i) => row(id, `CAST(${a} AS DOUBLE)`, c, i)).join(', ')}) ${cols}`,
    );
    await duck.exec(
      `CREATE TABLE raw_text AS SELECT * FROM (VALUES ${TEXT.map(([id, a, c], i) => row(id, literal(a), c, i)).join(', ')}) ${cols}`,
    );
  });
  afterAll(async () => duck?.close());

  it('does not look for a code in a DOUBLE amount, and reads the rows as before', async () => {
    const types = { ...Object.fromEntries(HEADER.map((c) => [c, 'VARCHAR'])), amount: 'DOUBLE' };
    const sql = opportunities.select(binding('raw_num', types), SETTINGS);
    expect(looksForCodes(sql)).toBe(false);
    expect(shape(await duck.query(`SELECT * FROM (${sql}) ORDER BY _row`))).toEqual(NUMERIC_EXPECTED);
  });

  it('still reads and checks codes and symbols in a text amount', async () => {
    const types = Object.fromEntries(HEADER.map((c) => [c, 'VARCHAR']));
    const sql = opportunities.select(binding('raw_text', types), SETTINGS);
    expect(looksForCodes(sql)).toBe(true);
    expect(shape(await duck.query(`SELECT * FROM (${sql}) ORDER BY _row`))).toEqual(TEXT_EXPECTED);
  });
});

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)('the same on ClickHouse 18.16', () => {
  let ch: ClickHouseServer;
  let click: ClickHouseEngine;
  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    ch = await startClickHouse();
    click = await openClickHouse({ url: ch.url });
    const row = (id: string, amount: string, currency: string | null, i: number) =>
      `(${literal(id, 'clickhouse')}, 'a1', '2026-02-01', 'closed won', ${amount}, ${currency === null ? 'NULL' : literal(currency, 'clickhouse')}, 'f.csv', ${i + 2})`;
    const create = (name: string, amountType: string) =>
      `CREATE TABLE ${name} (${HEADER.map((c) => `\`${c}\` ${c === 'amount' ? amountType : 'Nullable(String)'}`).join(', ')}, source_file String, source_row UInt64) ENGINE = Memory`;
    await click.exec(create('raw_num', 'Nullable(Float64)'));
    await click.exec(
      `INSERT INTO raw_num VALUES ${NUMERIC.map(([id, a, c], i) => row(id, String(a), c, i)).join(', ')}`,
    );
    await click.exec(create('raw_text', 'Nullable(String)'));
    await click.exec(
      `INSERT INTO raw_text VALUES ${TEXT.map(([id, a, c], i) => row(id, literal(a, 'clickhouse'), c, i)).join(', ')}`,
    );
  }, 120_000);
  afterAll(async () => {
    await click?.close();
    await ch?.stop();
  });

  it('does not look for a code in a Float64 amount, and reads the rows as before', async () => {
    const types = {
      ...Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)'])),
      amount: 'Nullable(Float64)',
    };
    const sql = opportunitiesCh.select(binding('raw_num', types), SETTINGS, 'raw_num');
    expect(looksForCodes(sql)).toBe(false);
    expect(shape(await click.query(`SELECT * FROM (${sql}) ORDER BY _row`))).toEqual(NUMERIC_EXPECTED);
  });

  it('still reads and checks codes and symbols in a text amount', async () => {
    const types = Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)']));
    const sql = opportunitiesCh.select(binding('raw_text', types), SETTINGS, 'raw_text');
    expect(looksForCodes(sql)).toBe(true);
    expect(shape(await click.query(`SELECT * FROM (${sql}) ORDER BY _row`))).toEqual(TEXT_EXPECTED);
  });
});
