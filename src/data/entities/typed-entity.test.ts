/**
 * `typedEntity` on an in-memory DuckDB: typed values, every reject reason, amounts converted at the
 * rate in force, and the empty SELECT's columns — checked against values written by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type Engine } from '../index.ts';
import { ratesTableSql } from '../normalize/index.ts';
import { typedEntity } from './typed-entity.ts';
import { assignments } from './experiments.ts';
import { orders } from './loyalty.ts';
import { payouts as programPayouts } from './referrals.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await openDuckDb();
  await engine.exec(ratesTableSql('fx', [{ currency: 'EUR', from: '2026-01-01', rate: 1.1 }], 'USD'));
});
afterAll(() => engine.close());

const payouts = typedEntity({
  name: 'payouts',
  description: 'test',
  columns: {
    payout_id: { kind: 'id', required: true },
    advocate_id: { kind: 'key', required: true },
    amount: { kind: 'amount', required: true, min: 0, rateAt: 'paid_at' },
    currency: { kind: 'currency' },
    status: { kind: 'token', values: ['pending', 'paid'], aliases: { 'in progress': 'pending' } },
    paid_at: { kind: 'timestamp', required: true },
    points: { kind: 'integer' },
    clawback: { kind: 'boolean' },
  },
  dedupe: { keys: ['payout_id'] },
});

const settings = {
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  partnerAliases: {},
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [],
  channelDefault: 'unassigned',
  stageMapping: {},
  dedupe: {},
};

async function run(rows: (string | null)[][]) {
  const cols = ['id', 'adv', 'amt', 'cur', 'st', 'ts', 'pts', 'cb'];
  const values = rows
    .map((r, i) => `(${r.map((v) => (v === null ? 'NULL' : `'${v}'`)).join(', ')}, 'f.csv', ${i + 2})`)
    .join(', ');
  await engine.exec(
    `CREATE OR REPLACE TABLE raw AS SELECT * FROM (VALUES ${values}) t(${cols.join(', ')}, source_file, source_row)`,
  );
  const sql = payouts.select(
    {
      source: 's',
      entity: 'payouts',
      priority: 1,
      rawTable: 'raw',
      columns: {
        payout_id: 'id',
        advocate_id: 'adv',
        amount: 'amt',
        currency: 'cur',
        status: 'st',
        paid_at: 'ts',
        points: 'pts',
        clawback: 'cb',
      },
      defaultCurrency: 'USD',
    },
    settings,
  );
  return engine.query(`SELECT * FROM (${sql}) ORDER BY _row`);
}

describe('typedEntity', () => {
  it('types values, converts amounts at the rate in force and keeps the local amount', async () => {
    const [r] = await run([
      ['p1', ' Ann@X.com ', '€100', 'eur', 'In Progress', '2026-02-01T10:00:00Z', '12', 'yes'],
    ]);
    expect(r).toMatchObject({
      payout_id: 'p1',
      advocate_id: 'ann@x.com',
      amount_local: 100,
      currency: 'EUR',
      status: 'pending',
      points: 12,
      clawback: true,
      _reject_reason: null,
    });
    expect(r.amount).toBeCloseTo(110, 12);
  });

  it('rejects each bad value with its column and reason', async () => {
    const rows = await run([
      [null, 'a', '1', 'USD', 'paid', '2026-02-01', '1', 'no'],
      ['p2', 'a', 'abc', 'USD', 'paid', '2026-02-01', '1', 'no'],
      ['p3', 'a', '1e400', 'USD', 'paid', '2026-02-01', '1', 'no'],
      ['p4', 'a', '-5', 'USD', 'paid', '2026-02-01', '1', 'no'],
      ['p5', 'a', '5', 'USD', 'lost', '2026-02-01', '1', 'no'],
      ['p6', 'a', '5', 'CHF', 'paid', '2026-02-01', '1', 'no'],
      ['p7', 'a', '5', 'USD', 'paid', 'yesterday', '1', 'no'],
      ['p8', 'a', '5', 'USD', 'paid', '2026-02-01', 'x', 'no'],
      ['p9', 'a', '5', 'USD', 'paid', '2026-02-01', '1', 'maybe'],
    ]);
    expect(rows.map((r) => r._reject_reason)).toEqual([
      'payout_id: missing',
      'amount: cannot read abc as a number',
      'amount: 1e400 is not a finite number',
      'amount: -5 is below 0',
      'status: lost is not one of pending, paid',
      'currency: no rate for CHF; add it under currency.rates',
      'paid_at: cannot read yesterday as a timestamp',
      'points: cannot read x as a whole number',
      'clawback: cannot read maybe as true or false',
    ]);
  });

  it('gives empty tables the canonical columns', async () => {
    await engine.exec(
      `CREATE OR REPLACE TABLE e AS SELECT * FROM (${assignments.emptySelect()}) WHERE false`,
    );
    expect((await engine.describe('e')).map((c) => `${c.name} ${c.type}`)).toEqual([
      'experiment_id VARCHAR',
      'unit_id VARCHAR',
      'variant VARCHAR',
      'assigned_at TIMESTAMP',
    ]);
  });
});

describe('a negative amount says where a refund, a return or a clawback belongs', () => {
  /** The reject reason of one row of `entity` with its columns named as the entity's. */
  async function reason(entity: typeof orders, row: Record<string, string>): Promise<unknown> {
    const cols = Object.keys(row);
    await engine.exec(
      `CREATE OR REPLACE TABLE neg AS SELECT * FROM (VALUES (${cols.map((c) => `'${row[c]}'`).join(', ')}, 'f.csv', 2)) t(${cols.join(', ')}, source_file, source_row)`,
    );
    const binding = {
      source: 's',
      entity: entity.name,
      priority: 1,
      rawTable: 'neg',
      columns: Object.fromEntries(cols.map((c) => [c, c])),
      defaultCurrency: 'USD',
    };
    const [r] = await engine.query(`SELECT _reject_reason FROM (${entity.select(binding, settings)})`);
    return r._reject_reason;
  }

  it('a loyalty order: map the refund on its order or leave it out; points back in the ledger', async () => {
    expect(
      await reason(orders, { order_id: 'o1', customer_id: 'm1', amount: '-40', ordered_at: '2026-02-01' }),
    ).toBe(
      "amount: -40 is negative; a return or refund is not an order: map its order's refunded_amount (or net it into its order's amount), or leave it out of the orders export (points it takes back go in the ledger as a negative adjust)",
    );
  });

  it('a payout: a clawback is the payout with status clawed_back', async () => {
    expect(
      await reason(programPayouts, {
        payout_id: 'p1',
        advocate_id: 'a1',
        amount: '-25',
        created_at: '2026-02-01',
      }),
    ).toBe(
      "amount: -25 is negative; a clawback is the payout's own row with status clawed_back and the amount paid, not a negative payout",
    );
  });
});

describe('an amount column the source does not map', () => {
  const binding = (columns: Record<string, string>) => ({
    source: 's',
    entity: 'orders',
    priority: 1,
    rawTable: 'unmapped',
    columns,
    defaultCurrency: 'EUR',
  });
  beforeAll(() =>
    engine.exec(
      `CREATE OR REPLACE TABLE unmapped AS SELECT * FROM (VALUES ('o1', 'm1', '100', '20', '2026-02-01', 'f.csv', 2)) t(order_id, customer_id, amount, refunded, ordered_at, source_file, source_row)`,
    ),
  );

  it('gets no exchange-rate join: NULL whatever the rate (one join per row of the orders before)', async () => {
    const b = binding({
      order_id: 'order_id',
      customer_id: 'customer_id',
      amount: 'amount',
      ordered_at: 'ordered_at',
    });
    const sql = orders.select(b, settings);
    expect(sql.match(/ LEFT JOIN /g)).toHaveLength(1);
    expect(sql).not.toContain('_rate_refunded_amount');
    const [r] = await engine.query(`SELECT amount, refunded_amount, _reject_reason FROM (${sql})`);
    // EUR 100 at 1.1
    expect([Number(r.amount).toFixed(6), r.refunded_amount, r._reject_reason]).toEqual([
      '110.000000',
      null,
      null,
    ]);
  });

  it('in minor units too: no rate and no fraction check for it (a missing column was referenced)', async () => {
    const b = {
      ...binding({
        order_id: 'order_id',
        customer_id: 'customer_id',
        amount: 'amount',
        ordered_at: 'ordered_at',
      }),
      amountUnit: 'minor' as const,
    };
    const [r] = await engine.query(
      `SELECT amount, refunded_amount, _reject_reason FROM (${orders.select(b, settings)})`,
    );
    // EUR 100 cents = 1.00 at 1.1
    expect([Number(r.amount).toFixed(6), r.refunded_amount, r._reject_reason]).toEqual([
      '1.100000',
      null,
      null,
    ]);
  });

  it('is converted at its row’s rate once mapped', async () => {
    const b = binding({
      order_id: 'order_id',
      customer_id: 'customer_id',
      amount: 'amount',
      refunded_amount: 'refunded',
      ordered_at: 'ordered_at',
    });
    const sql = orders.select(b, settings);
    expect(sql.match(/ LEFT JOIN /g)).toHaveLength(2);
    const [r] = await engine.query(`SELECT amount, refunded_amount FROM (${sql})`);
    expect([Number(r.amount).toFixed(6), Number(r.refunded_amount).toFixed(6)]).toEqual([
      '110.000000',
      '22.000000',
    ]);
  });
});
