/**
 * `amount_unit: minor` through the ClickHouse entity SELECTs (a typed entity and opportunities):
 * the values and reject reasons worked out by hand, as amount-unit.test.ts expects of DuckDB —
 * 1999 USD → 19.99, 1999 JPY → 1999, 12345 KWD → 12.345, 4900 on a blank currency of a EUR source
 * → 49; a value with a fraction rejected naming its column. Text columns and the Int64 column
 * `gtm engine load` writes for whole numbers alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, type ClickHouseEngine } from '../clickhouse-engine.ts';
import { literal } from '../sql-text.ts';
import { opportunitiesCh, typedEntityCh } from './entities-clickhouse.ts';
import type { SourceBinding } from './entity-spec.ts';
import { conversions } from './referrals.ts';
import { typedEntityDef, type TypedEntityDef } from './typed-entity.ts';

const server = findClickHouseServer();

const conversionsCh = typedEntityCh(typedEntityDef(conversions) as TypedEntityDef);
const SETTINGS = {
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  rates: [
    { currency: 'EUR', from: '2026-01-01', rate: 1.1 },
    { currency: 'JPY', from: '2026-01-01', rate: 0.0065 },
    { currency: 'KWD', from: '2026-01-01', rate: 3.25 },
  ],
  partnerAliases: {},
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [],
  channelDefault: 'unassigned',
  stageMapping: { 'closed won': 'closed_won' },
  dedupe: {},
};
const NOT_WHOLE = ' is not a whole number of minor units (amount_unit: minor)';

const STRIPE = [
  'conversion_id,customer_id,amount,refund_amount,refunded_at,currency,converted_at',
  'c1,u1,1999,,,usd,2026-03-01',
  'c2,u2,1999,500,2026-03-05,JPY,2026-03-02',
  'c3,u3,12345,,,KWD,2026-03-03',
  'c4,u4,1999.5,,,USD,2026-03-03',
  'c5,u5,4900,1000,2026-03-06,,2026-03-04',
  'c6,u6,2500,2500.25,2026-03-06,USD,2026-03-04',
  'c7,u7,2000.00,0,,USD,2026-03-04',
];

describe.skipIf(!server && !process.env.CI)('amount_unit: minor on ClickHouse', () => {
  let ch: ClickHouseServer;
  let click: ClickHouseEngine;
  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    ch = await startClickHouse();
    click = await openClickHouse({ url: ch.url });
  }, 120_000);
  afterAll(async () => {
    await click?.close();
    await ch?.stop();
  });

  /**
   * A table of these rows (header first) with the provenance columns a loaded table has: String
   * columns, or the types given (`Nullable(Int64)` as `gtm engine load` writes whole numbers).
   */
  async function table(
    name: string,
    lines: string[],
    entity: string,
    types: Record<string, string> = {},
  ): Promise<SourceBinding> {
    const [header, ...rows] = lines.map((l) => l.split(','));
    const type = (c: string) => types[c] ?? 'Nullable(String)';
    const cols = header.map((c) => `\`${c}\` ${type(c)}`).join(', ');
    await click.exec(`DROP TABLE IF EXISTS ${name}`);
    await click.exec(`CREATE TABLE ${name} (${cols}, source_file String, source_row UInt64) ENGINE = Memory`);
    const values = rows
      .map(
        (r, i) =>
          `(${r.map((v, j) => (v === '' ? 'NULL' : types[header[j]] ? v : literal(v, 'clickhouse'))).join(', ')}, 'f.csv', ${i + 2})`,
      )
      .join(', ');
    await click.exec(`INSERT INTO ${name} VALUES ${values}`);
    return {
      source: name,
      entity,
      priority: 1,
      rawTable: name,
      columns: Object.fromEntries(header.map((c) => [c, c])),
      columnTypes: Object.fromEntries(header.map((c) => [c, type(c)])),
      defaultCurrency: 'EUR',
    };
  }

  const read = (b: SourceBinding, name: string) =>
    click.query<Record<string, unknown>>(
      `SELECT conversion_id, currency, amount_local, refund_amount_local, amount, refund_amount, _reject_reason
       FROM (${conversionsCh.select(b, SETTINGS, name)}) ORDER BY conversion_id`,
    );

  it('a typed entity: each money column divided by 10^d of its row currency; a fraction rejected', async () => {
    const b: SourceBinding = { ...(await table('stripe', STRIPE, 'conversions')), amountUnit: 'minor' };
    const rows = await read(b, 'stripe');
    expect(
      rows.map((r) => [r.conversion_id, r.currency, r.amount_local, r.refund_amount_local, r._reject_reason]),
    ).toEqual([
      ['c1', 'USD', 19.99, null, null],
      ['c2', 'JPY', 1999, 500, null],
      ['c3', 'KWD', 12.345, null, null],
      ['c4', 'USD', null, null, `amount: 1999.5${NOT_WHOLE}`],
      ['c5', 'EUR', 49, 10, null],
      ['c6', 'USD', 25, null, `refund_amount: 2500.25${NOT_WHOLE}`],
      ['c7', 'USD', 20, 0, null],
    ]);
    const valid = rows.filter((r) => r._reject_reason === null);
    expect(valid.map((r) => [r.amount, r.refund_amount])).toEqual([
      [expect.closeTo(19.99, 9), null],
      [expect.closeTo(1999 * 0.0065, 9), expect.closeTo(500 * 0.0065, 9)],
      [expect.closeTo(12.345 * 3.25, 9), null],
      [expect.closeTo(49 * 1.1, 9), expect.closeTo(10 * 1.1, 9)],
      [expect.closeTo(20, 9), 0],
    ]);
  });

  it('a source without the setting reads the same file as written (major units)', async () => {
    const rows = await read(await table('plain', STRIPE, 'conversions'), 'plain');
    expect(rows.map((r) => r.amount_local)).toEqual([1999, 1999, 12345, 1999.5, 4900, 2500, 2000]);
    expect(rows.filter((r) => r._reject_reason !== null).map((r) => r.conversion_id)).toEqual(['c6']);
  });

  it('Int64 amount columns (as gtm engine load types whole numbers) are divided the same way', async () => {
    const lines = [
      'conversion_id,customer_id,amount,currency,converted_at',
      'c1,u1,1999,USD,2026-03-01',
      'c2,u2,1999,JPY,2026-03-02',
      'c3,u3,12345,KWD,2026-03-03',
    ];
    const b: SourceBinding = {
      ...(await table('ints', lines, 'conversions', { amount: 'Nullable(Int64)' })),
      amountUnit: 'minor',
    };
    const rows = await click.query<Record<string, unknown>>(
      `SELECT amount_local, _reject_reason FROM (${conversionsCh.select(b, SETTINGS, 'ints')}) ORDER BY conversion_id`,
    );
    expect(rows).toEqual([
      { amount_local: 19.99, _reject_reason: null },
      { amount_local: 1999, _reject_reason: null },
      { amount_local: 12.345, _reject_reason: null },
    ]);
  });

  it('opportunities: the amount divided by 10^d of its row currency; a fraction rejected', async () => {
    const lines = [
      'opportunity_id,account_id,created_at,stage,amount,currency',
      'o1,a1,2026-03-01,Closed Won,1999,USD',
      'o2,a2,2026-03-01,Closed Won,1999,JPY',
      'o3,a3,2026-03-01,Closed Won,12345,KWD',
      'o4,a4,2026-03-01,Closed Won,10.5,USD',
    ];
    const b: SourceBinding = { ...(await table('opps', lines, 'opportunities')), amountUnit: 'minor' };
    const rows = await click.query<Record<string, unknown>>(
      `SELECT opportunity_id, amount, currency, _reject_reason FROM (${opportunitiesCh.select(b, SETTINGS, 'opps')}) ORDER BY opportunity_id`,
    );
    expect(rows).toEqual([
      { opportunity_id: 'o1', amount: 19.99, currency: 'USD', _reject_reason: null },
      { opportunity_id: 'o2', amount: 1999, currency: 'JPY', _reject_reason: null },
      { opportunity_id: 'o3', amount: 12.345, currency: 'KWD', _reject_reason: null },
      { opportunity_id: 'o4', amount: null, currency: 'USD', _reject_reason: `amount: 10.5${NOT_WHOLE}` },
    ]);
  });
});
