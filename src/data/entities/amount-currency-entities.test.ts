/**
 * Amounts written with their own currency through a typed entity (orders, rewards, outcomes), on
 * DuckDB and on ClickHouse 18.16 when a server is installed: a code or symbol that disagrees with
 * the row's currency rejects the row naming both; a code on a row without a currency is its
 * currency. The expected values are worked out by hand (EUR at 1.1 USD).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, type ClickHouseEngine } from '../clickhouse-engine.ts';
import { openDuckDb, type Engine } from '../index.ts';
import { userCurrencyCodes } from '../normalize/amount-currency.ts';
import { ratesTableSql } from '../normalize/index.ts';
import { literal } from '../sql-text.ts';
import { typedEntityCh } from './entities-clickhouse.ts';
import type { SourceBinding } from './entity-spec.ts';
import { typedEntity, type TypedEntityDef } from './typed-entity.ts';

const DEF: TypedEntityDef = {
  name: 'payouts',
  description: 'test',
  columns: {
    payout_id: { kind: 'id', required: true },
    amount: { kind: 'amount', required: true, min: 0, rateAt: 'paid_at' },
    refund: { kind: 'amount', min: 0, rateAt: 'paid_at' },
    currency: { kind: 'currency' },
    paid_at: { kind: 'timestamp', required: true },
  },
  dedupe: { keys: ['payout_id'] },
};

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
  stageMapping: {},
  dedupe: {},
};

const HEADER = ['payout_id', 'amount', 'refund', 'currency', 'paid_at'];
const ROWS: (string | null)[][] = [
  ['p1', 'USD 100', null, 'EUR', '2026-02-01'],
  ['p2', '€100', null, 'EUR', '2026-02-01'],
  ['p3', 'EUR 10', null, null, '2026-02-01'],
  ['p4', '£5', null, null, '2026-02-01'],
  ['p5', '50', '$5', 'EUR', '2026-02-01'],
  ['p6', '$20', null, null, '2026-02-01'],
  ['p7', '30', 'EUR 3', null, '2026-02-01'],
  ['p8', 'usd 7', null, 'usd', '2026-02-01'],
  // three letters are a currency only when ISO 4217 has them: else the value is no number
  ['p9', '100 pcs', null, null, '2026-02-01'],
  ['p10', 'abc 5', null, 'EUR', '2026-02-01'],
  // a currency cell that is no ISO code nor one of the rates', one with no rate, the user's own
  ['p11', '100', null, 'Euro', '2026-02-01'],
  ['p12', '100', null, 'GBP', '2026-02-01'],
  ['p13', '100', null, 'PTS', '2026-02-01'],
  ['p14', '100', null, 'PTS', '2025-06-01'],
  // the symbols ₹ ₩ ₱ ₺ ₫ ₪ zł
  ['p15', '₹ 1,000', null, 'EUR', '2026-02-01'],
  ['p16', '100 zł', null, 'EUR', '2026-02-01'],
  ['p17', '₪ 20', null, 'EUR', '2026-02-01'],
  // the user's own code (PTS, with a rate, not ISO) in the amount's text, as an ISO code's
  ['p18', '100 PTS', null, null, '2026-02-01'],
  ['p19', 'PTS 250', null, 'PTS', '2026-02-01'],
  ['p20', 'pts 100', null, 'EUR', '2026-02-01'],
  ['p21', '100 bananas', null, 'PTS', '2026-02-01'],
  ['p22', '1,000.50 PTS', 'PTS 10', null, '2026-02-01'],
];

/** [id, the row's currency, amount in USD, reject reason] for each row */
const EXPECTED: [string, string, number | null, string | null][] = [
  [
    'p1',
    'EUR',
    null,
    'amount: USD 100 is in USD, but its currency is EUR; correct the amount or the currency',
  ],
  ['p2', 'EUR', 110, null],
  ['p3', 'EUR', 11, null], // no currency: the amount's code
  [
    'p4',
    'USD',
    null,
    "amount: £5 is in £, but the row has no currency and the source's default is USD; fill in the row's currency",
  ],
  ['p5', 'EUR', null, 'refund: $5 is in $, but its currency is EUR; correct the amount or the currency'],
  ['p6', 'USD', 20, null], // $ agrees with the default USD
  ['p7', 'EUR', 33, null], // the first amount with a code: the refund's
  ['p8', 'USD', 7, null],
  ['p9', 'USD', null, 'amount: cannot read 100 pcs as a number'], // not PCS 100
  ['p10', 'EUR', null, 'amount: cannot read abc 5 as a number'],
  [
    'p11',
    'EURO',
    null,
    'currency: EURO is not an ISO 4217 currency code; correct it (USD, EUR, …) or give its rates under currency.rates',
  ],
  ['p12', 'GBP', null, 'currency: no rate for GBP; add it under currency.rates'],
  ['p13', 'PTS', 1, null],
  ['p14', 'PTS', null, 'currency: no rate for PTS; add it under currency.rates'], // before its first rate
  [
    'p15',
    'EUR',
    null,
    'amount: ₹ 1,000 is in ₹, but its currency is EUR; correct the amount or the currency',
  ],
  [
    'p16',
    'EUR',
    null,
    'amount: 100 zł is in zł, but its currency is EUR; correct the amount or the currency',
  ],
  ['p17', 'EUR', null, 'amount: ₪ 20 is in ₪, but its currency is EUR; correct the amount or the currency'],
  ['p18', 'PTS', 1, null], // no currency cell: the amount's code; 100 × 0.01
  ['p19', 'PTS', 2.5, null],
  [
    'p20',
    'EUR',
    null,
    'amount: pts 100 is in PTS, but its currency is EUR; correct the amount or the currency',
  ],
  ['p21', 'PTS', null, 'amount: cannot read 100 bananas as a number'],
  ['p22', 'PTS', 10.005, null], // 1,000.50 × 0.01
];

const binding = (rawTable: string, types?: Record<string, string>): SourceBinding => ({
  source: 's',
  entity: 'payouts',
  priority: 1,
  rawTable,
  columns: Object.fromEntries(HEADER.map((c) => [c, c])),
  ...(types ? { columnTypes: types } : {}),
  defaultCurrency: 'USD',
});

const check = (rows: Record<string, unknown>[]) => {
  expect(rows.map((r) => [r.payout_id, r.currency, r._reject_reason])).toEqual(
    EXPECTED.map(([id, cur, , reason]) => [id, cur, reason]),
  );
  for (const [id, , usd, reason] of EXPECTED)
    if (!reason) expect(Number(rows.find((r) => r.payout_id === id)?.amount), id).toBeCloseTo(usd!, 9);
};

describe("the user's own currency codes", () => {
  it('are the codes of currency.rates that ISO 4217 does not list, upper case, once each', () => {
    expect(
      userCurrencyCodes([
        { currency: 'pts' },
        { currency: 'EUR' },
        { currency: 'PTS' },
        { currency: 'Mls' },
        { currency: 'HRK' }, // withdrawn, still read as ISO
      ]),
    ).toEqual(['MLS', 'PTS']);
    expect(userCurrencyCodes()).toEqual([]);
  });
});

describe('typed entity amounts with their own currency on DuckDB', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
    await duck.exec(ratesTableSql('fx', RATES, 'USD'));
    const values = ROWS.map(
      (r, i) => `(${r.map((v) => (v === null ? 'NULL' : literal(v))).join(', ')}, 'f.csv', ${i + 2})`,
    ).join(', ');
    await duck.exec(
      `CREATE TABLE raw AS SELECT * FROM (VALUES ${values}) t(${HEADER.join(', ')}, source_file, source_row)`,
    );
  });
  afterAll(async () => duck?.close());

  it('rejects a disagreeing code or symbol naming both, and reads a code on a row without a currency', async () => {
    const sql = typedEntity(DEF).select(binding('raw'), SETTINGS);
    check(await duck.query(`SELECT * FROM (${sql}) ORDER BY _row`));
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
    const cols = HEADER.map((c) => `\`${c}\` Nullable(String)`).join(', ');
    await click.exec(`CREATE TABLE raw (${cols}, source_file String, source_row UInt64) ENGINE = Memory`);
    const values = ROWS.map(
      (r, i) =>
        `(${r.map((v) => (v === null ? 'NULL' : literal(v, 'clickhouse'))).join(', ')}, 'f.csv', ${i + 2})`,
    ).join(', ');
    await click.exec(`INSERT INTO raw VALUES ${values}`);
  }, 120_000);
  afterAll(async () => {
    await click?.close();
    await ch?.stop();
  });

  it('rejects a disagreeing code or symbol naming both, and reads a code on a row without a currency', async () => {
    const types = Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)']));
    const sql = typedEntityCh(DEF).select(binding('raw', types), SETTINGS, 'raw');
    check(await click.query(`SELECT * FROM (${sql}) ORDER BY _row`));
  });

  it('reads no currency out of numeric amount columns (a number holds no code), converting them by the row', async () => {
    const types: Record<string, string> = {
      ...Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)'])),
      amount: 'Nullable(Float64)',
      refund: 'Nullable(Decimal(18, 2))',
    };
    await click.exec(
      'CREATE TABLE raw_num (payout_id Nullable(String), amount Nullable(Float64), refund Nullable(Decimal(18, 2)), currency Nullable(String), paid_at Nullable(String), source_file String, source_row UInt64) ENGINE = Memory',
    );
    await click.exec(
      `INSERT INTO raw_num VALUES ('n1', 100, NULL, 'EUR', '2026-02-01', 'f.csv', 2), ('n2', 100, 5.5, NULL, '2026-02-01', 'f.csv', 3), ('n3', 20, 2, 'usd', '2026-02-01', 'f.csv', 4)`,
    );
    const sql = typedEntityCh(DEF).select(binding('raw_num', types), SETTINGS, 'raw_num');
    // the amounts' text is never looked at for a code or symbol (the check is for text columns)
    expect(sql).not.toContain(' is in ');
    expect(sql).not.toContain('match(ifNull(toString(_gtm_c1)');
    const rows = await click.query<Record<string, unknown>>(`SELECT * FROM (${sql}) ORDER BY _row`);
    expect(rows.map((r) => [r.payout_id, r.currency, r._reject_reason])).toEqual([
      ['n1', 'EUR', null],
      ['n2', 'USD', null], // no currency cell: the source's default
      ['n3', 'USD', null],
    ]);
    const num = (v: unknown) => (v === null ? null : Math.round(Number(v) * 1e9) / 1e9);
    expect(rows.map((r) => [num(r.amount), num(r.refund), num(r.amount_local)])).toEqual([
      [110, null, 100], // EUR at 1.1
      [100, 5.5, 100],
      [20, 2, 20],
    ]);
    // the same binding with text columns still looks for codes in the amounts
    const textSql = typedEntityCh(DEF).select(
      binding('raw', Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)']))),
      SETTINGS,
      'raw',
    );
    expect(textSql).toContain(' is in ');
  });
});
