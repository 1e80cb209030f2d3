/**
 * `amount_unit: minor` on a source (DuckDB, through `normalizeEntities`): every money column of the
 * entity is a whole number of the row's currency's minor units, divided by 10^d, d the ISO 4217
 * minor digits of the row's currency (its cell, else the source's currency). Expected values by
 * hand: 1999 USD → 19.99, 1999 JPY → 1999 (no minor unit), 12345 KWD → 12.345 (fils), 4900 with a
 * blank currency on a EUR source → 49. A value with a fraction is rejected naming its column; a
 * source without the setting reads the same file as written. The accounting reconciles.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSource, normalizeEntities, openDuckDb, type BoundSource, type Engine } from '../index.ts';
import { minorDigits } from '../normalize/minor-units-sql.ts';
import { opportunities } from './opportunities.ts';
import { conversions } from './referrals.ts';
import type { SourceBinding } from './entity-spec.ts';

let engine: Engine;
let dir: string;
beforeAll(async () => {
  engine = await openDuckDb();
  dir = mkdtempSync(path.join(os.tmpdir(), 'gtm-amount-unit-'));
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

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

/** A Stripe-shaped payments export: amounts and refunds in minor units. */
export const STRIPE = [
  'conversion_id,customer_id,amount,refund_amount,refunded_at,currency,converted_at',
  'c1,u1,1999,,,usd,2026-03-01',
  'c2,u2,1999,500,2026-03-05,JPY,2026-03-02',
  'c3,u3,12345,,,KWD,2026-03-03',
  'c4,u4,1999.5,,,USD,2026-03-03',
  'c5,u5,4900,1000,2026-03-06,,2026-03-04',
  'c6,u6,2500,2500.25,2026-03-06,USD,2026-03-04',
  'c7,u7,2000.00,0,,USD,2026-03-04',
];

async function bind(
  source: string,
  lines: string[],
  index: number,
  settings: Pick<SourceBinding, 'amountUnit'>,
  entity = 'conversions',
): Promise<BoundSource> {
  const file = path.join(dir, `${source}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  const load = await loadSource(engine, { name: source, kind: 'file', path: file }, `raw_${index}`);
  return {
    load,
    binding: {
      source,
      entity,
      priority: index,
      rawTable: load.table,
      columns: Object.fromEntries(lines[0].split(',').map((c) => [c, c])),
      columnTypes: Object.fromEntries(load.columns.map((c) => [c.name, c.type])),
      defaultCurrency: 'EUR',
      ...settings,
    },
  };
}

const NOT_WHOLE = ' is not a whole number of minor units (amount_unit: minor)';

describe('ISO 4217 minor digits', () => {
  it('0 for the yen and the CFA francs, 3 for the dinars, 4 for CLF, 2 otherwise', () => {
    expect(
      ['JPY', 'krw', 'XOF', 'KWD', 'BHD', 'IQD', 'TND', 'CLF', 'UYW', 'USD', 'EUR', 'GBP', 'PTS'].map(
        minorDigits,
      ),
    ).toEqual([0, 0, 0, 3, 3, 3, 3, 4, 4, 2, 2, 2, 2]);
  });
});

describe('amount_unit: minor (DuckDB)', () => {
  it('a typed entity: each money column divided by 10^d of its row currency; a fraction rejected', async () => {
    const result = await normalizeEntities(
      engine,
      [conversions],
      [await bind('stripe', STRIPE, 1, { amountUnit: 'minor' })],
      SETTINGS,
      dir,
    );
    expect(result.accounting).toEqual([
      { source: 'stripe', entity: 'conversions', rows_in: 7, accepted: 5, deduplicated: 0, rejected: 2 },
    ]);
    expect(result.rejects.map((r) => [r.row, r.reason])).toEqual([
      [5, `amount: 1999.5${NOT_WHOLE}`],
      [7, `refund_amount: 2500.25${NOT_WHOLE}`],
    ]);
    const rows = await engine.query<Record<string, unknown>>(
      'SELECT conversion_id, currency, amount_local, refund_amount_local FROM conversions ORDER BY conversion_id',
    );
    expect(rows).toEqual([
      { conversion_id: 'c1', currency: 'USD', amount_local: 19.99, refund_amount_local: null },
      { conversion_id: 'c2', currency: 'JPY', amount_local: 1999, refund_amount_local: 500 },
      { conversion_id: 'c3', currency: 'KWD', amount_local: 12.345, refund_amount_local: null },
      // a blank currency cell: the source's currency (EUR, 2 digits)
      { conversion_id: 'c5', currency: 'EUR', amount_local: 49, refund_amount_local: 10 },
      { conversion_id: 'c7', currency: 'USD', amount_local: 20, refund_amount_local: 0 },
    ]);
    // then converted to the reporting currency at the rates
    const amounts = await engine.query<{ amount: number; refund_amount: number | null }>(
      'SELECT amount, refund_amount FROM conversions ORDER BY conversion_id',
    );
    expect(amounts).toEqual([
      { amount: expect.closeTo(19.99, 9), refund_amount: null },
      { amount: expect.closeTo(1999 * 0.0065, 9), refund_amount: expect.closeTo(500 * 0.0065, 9) },
      { amount: expect.closeTo(12.345 * 3.25, 9), refund_amount: null },
      { amount: expect.closeTo(49 * 1.1, 9), refund_amount: expect.closeTo(10 * 1.1, 9) },
      { amount: expect.closeTo(20, 9), refund_amount: 0 },
    ]);
  });

  it('a source without the setting reads the same file as written (major units)', async () => {
    const result = await normalizeEntities(
      engine,
      [conversions],
      [await bind('plain', STRIPE, 2, {})],
      SETTINGS,
      dir,
    );
    expect(result.accounting).toEqual([
      { source: 'plain', entity: 'conversions', rows_in: 7, accepted: 6, deduplicated: 0, rejected: 1 },
    ]);
    expect(result.rejects.map((r) => [r.row, r.reason])).toEqual([
      [
        7,
        'refund_amount: 2500.25 is more than amount 2500; a refund cannot exceed its order: check both amounts (and their currency)',
      ],
    ]);
    const rows = await engine.query<{ conversion_id: string; amount_local: number }>(
      'SELECT conversion_id, amount_local FROM conversions ORDER BY conversion_id',
    );
    expect(rows.map((r) => r.amount_local)).toEqual([1999, 1999, 12345, 1999.5, 4900, 2000]);
  });

  it('a typed (Parquet) source of integers, read through a view: divided as the text is', async () => {
    const file = path.join(dir, 'stripe.parquet');
    await engine.exec(
      `COPY (SELECT * FROM (VALUES ('c1', 'u1', 1999::BIGINT, 'USD', TIMESTAMP '2026-03-01'), ('c2', 'u2', 1999::BIGINT, 'JPY', TIMESTAMP '2026-03-02'), ('c3', 'u3', 12345::BIGINT, 'KWD', TIMESTAMP '2026-03-03')) t(conversion_id, customer_id, amount, currency, converted_at)) TO '${file}' (FORMAT parquet)`,
    );
    const load = await loadSource(
      engine,
      { name: 'pq', kind: 'file', path: file, format: 'parquet' },
      'raw_pq',
    );
    const binding: SourceBinding = {
      source: 'pq',
      entity: 'conversions',
      priority: 1,
      rawTable: load.table,
      columns: Object.fromEntries(load.columns.map((c) => [c.name, c.name])),
      columnTypes: Object.fromEntries(load.columns.map((c) => [c.name, c.type])),
      defaultCurrency: 'USD',
      amountUnit: 'minor',
    };
    expect(conversions.readsTyped?.(binding)).toBe(true);
    const result = await normalizeEntities(engine, [conversions], [{ load, binding }], SETTINGS, dir);
    expect(result.accounting).toEqual([
      { source: 'pq', entity: 'conversions', rows_in: 3, accepted: 3, deduplicated: 0, rejected: 0 },
    ]);
    const rows = await engine.query<{ amount_local: number }>(
      'SELECT amount_local FROM conversions ORDER BY conversion_id',
    );
    expect(rows.map((r) => r.amount_local)).toEqual([19.99, 1999, 12.345]);
  });

  it('opportunities: the amount divided by 10^d of its row currency; a fraction rejected', async () => {
    const lines = [
      'opportunity_id,account_id,created_at,stage,amount,currency',
      'o1,a1,2026-03-01,Closed Won,1999,USD',
      'o2,a2,2026-03-01,Closed Won,1999,JPY',
      'o3,a3,2026-03-01,Closed Won,12345,KWD',
      'o4,a4,2026-03-01,Closed Won,10.5,USD',
    ];
    const result = await normalizeEntities(
      engine,
      [opportunities],
      [await bind('crm', lines, 3, { amountUnit: 'minor' }, 'opportunities')],
      SETTINGS,
      dir,
    );
    expect(result.accounting).toEqual([
      { source: 'crm', entity: 'opportunities', rows_in: 4, accepted: 3, deduplicated: 0, rejected: 1 },
    ]);
    expect(result.rejects.map((r) => [r.row, r.reason])).toEqual([[5, `amount: 10.5${NOT_WHOLE}`]]);
    const rows = await engine.query<Record<string, unknown>>(
      'SELECT opportunity_id, amount, currency FROM opportunities ORDER BY opportunity_id',
    );
    expect(rows).toEqual([
      { opportunity_id: 'o1', amount: 19.99, currency: 'USD' },
      { opportunity_id: 'o2', amount: 1999, currency: 'JPY' },
      { opportunity_id: 'o3', amount: 12.345, currency: 'KWD' },
    ]);
    const cols = await engine.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'opportunities'",
    );
    expect(cols.map((c) => c.column_name)).not.toContain('_frac_amount');
  });
});
