/**
 * The source settings `decimal: ","` and `date_order: dmy` through `normalizeEntities` (DuckDB): a
 * European CSV is read right with them; the same file without them has every row that the default
 * reading cannot take rejected, with the hint that names the setting, and no number read 100
 * times off. Values worked out by hand; the accounting reconciles.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadSource,
  normalizeEntities,
  openDuckDb,
  typedEntity,
  type BoundSource,
  type Engine,
  type NormalizeResult,
} from '../index.ts';
import { opportunities } from './opportunities.ts';
import type { SourceBinding } from './entity-spec.ts';

let engine: Engine;
let dir: string;
beforeAll(async () => {
  engine = await openDuckDb();
  dir = mkdtempSync(path.join(os.tmpdir(), 'gtm-source-settings-'));
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const payouts = typedEntity({
  name: 'payouts',
  description: 'test',
  columns: {
    payout_id: { kind: 'id', required: true },
    amount: { kind: 'amount', required: true, min: 0, rateAt: 'paid_at' },
    points: { kind: 'integer' },
    currency: { kind: 'currency' },
    paid_at: { kind: 'timestamp', required: true },
    paid_on: { kind: 'date' },
  },
  dedupe: { keys: ['payout_id'] },
});
const SETTINGS = {
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  rates: [{ currency: 'EUR', from: '2026-01-01', rate: 1.1 }],
  partnerAliases: {},
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [],
  channelDefault: 'unassigned',
  stageMapping: { 'closed won': 'closed_won' },
  dedupe: {},
};

const EUROPEAN = [
  'payout_id;amount;points;currency;paid_at;paid_on',
  'p1;12,50;1.500;EUR;02/12/2026 10:00:00;02/12/2026',
  'p2;1.000,00;15;EUR;13/12/2026;13/12/2026',
  'p3;€ 1.234.567,89;;EUR;31/01/2026 23:59;',
  'p4;0,5;2;USD;1/2/2026;',
];

async function bind(
  source: string,
  lines: string[],
  index: number,
  settings: Pick<SourceBinding, 'decimal' | 'dateOrder'>,
  entity = 'payouts',
): Promise<BoundSource> {
  const file = path.join(dir, `${source}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  const load = await loadSource(
    engine,
    { name: source, kind: 'file', path: file, delimiter: ';' },
    `raw_${index}`,
  );
  const columns = lines[0].split(';');
  return {
    load,
    binding: {
      source,
      entity,
      priority: index,
      rawTable: load.table,
      columns: Object.fromEntries(columns.map((c) => [c, c])),
      columnTypes: Object.fromEntries(load.columns.map((c) => [c.name, c.type])),
      defaultCurrency: 'USD',
      ...settings,
    },
  };
}

describe('a typed entity (payouts)', () => {
  it('with decimal "," and date_order dmy: the values a European reader means', async () => {
    const result = await normalizeEntities(
      engine,
      [payouts],
      [await bind('eu', EUROPEAN, 1, { decimal: ',', dateOrder: 'dmy' })],
      SETTINGS,
      dir,
    );
    expect(result.accounting).toEqual([
      { source: 'eu', entity: 'payouts', rows_in: 4, accepted: 4, deduplicated: 0, rejected: 0 },
    ]);
    const rows = await engine.query<Record<string, unknown>>(
      'SELECT payout_id, amount_local, points, paid_at, CAST(paid_on AS VARCHAR) AS paid_on FROM payouts ORDER BY payout_id',
    );
    expect(rows.map((r) => ({ ...r, points: r.points === null ? null : Number(r.points) }))).toEqual([
      {
        payout_id: 'p1',
        amount_local: 12.5,
        points: 1500,
        paid_at: '2026-12-02T10:00:00.000Z',
        paid_on: '2026-12-02',
      },
      {
        payout_id: 'p2',
        amount_local: 1000,
        points: 15,
        paid_at: '2026-12-13T00:00:00.000Z',
        paid_on: '2026-12-13',
      },
      {
        payout_id: 'p3',
        amount_local: 1234567.89,
        points: null,
        paid_at: '2026-01-31T23:59:00.000Z',
        paid_on: null,
      },
      { payout_id: 'p4', amount_local: 0.5, points: 2, paid_at: '2026-02-01T00:00:00.000Z', paid_on: null },
    ]);
    // amounts converted at the EUR rate (1.1), USD as is
    const amounts = await engine.query<{ amount: number }>('SELECT amount FROM payouts ORDER BY payout_id');
    expect(amounts.map((r) => r.amount)).toEqual(
      [12.5 * 1.1, 1000 * 1.1, 1234567.89 * 1.1, 0.5].map((x) => expect.closeTo(x, 9)),
    );
  });

  it('without the settings: every row the default reading cannot take is rejected with the setting to use', async () => {
    const result: NormalizeResult = await normalizeEntities(
      engine,
      [payouts],
      [await bind('eu_plain', EUROPEAN, 2, {})],
      SETTINGS,
      dir,
    );
    expect(result.accounting).toEqual([
      { source: 'eu_plain', entity: 'payouts', rows_in: 4, accepted: 0, deduplicated: 0, rejected: 4 },
    ]);
    const comma = ' (a decimal comma? set decimal: "," on the source)';
    expect(result.rejects.map((r) => [r.row, r.reason])).toEqual([
      [2, `amount: cannot read 12,50 as a number${comma}`],
      [3, `amount: cannot read 1.000,00 as a number${comma}`],
      [4, `amount: cannot read € 1.234.567,89 as a number${comma}`],
      [5, `amount: cannot read 0,5 as a number${comma}`],
    ]);
  });

  const DAYS = [
    'payout_id;amount;currency;paid_at',
    'd1;10;USD;13/12/2026 10:00:00',
    'd2;10;USD;31/01/2026',
    'd3;10;USD;2026-13-45',
    'd4;10;USD;12/31/2026',
  ];

  it('without date_order, a column with dates in both orders is refused naming a row of each', async () => {
    const refused = normalizeEntities(engine, [payouts], [await bind('both', DAYS, 6, {})], SETTINGS, dir);
    await expect(refused).rejects.toThrow(
      'column "paid_at" (paid_at) of source both has dates in both orders: both.csv:2 13/12/2026 10:00:00 can only be day-first, both.csv:5 12/31/2026 only month-first',
    );
  });

  it('with date_order: mdy, day-first dates are rejected with the hint, none read as another day silently', async () => {
    const lines = DAYS;
    const result = await normalizeEntities(
      engine,
      [payouts],
      [await bind('days', lines, 3, { dateOrder: 'mdy' })],
      SETTINGS,
      dir,
    );
    expect(result.accounting[0]).toMatchObject({ rows_in: 4, accepted: 1, rejected: 3 });
    expect(result.rejects.map((r) => [r.row, r.reason])).toEqual([
      [
        2,
        'paid_at: cannot read 13/12/2026 10:00:00 as a timestamp (a day-first date? set date_order: dmy on the source)',
      ],
      [
        3,
        'paid_at: cannot read 31/01/2026 as a timestamp (a day-first date? set date_order: dmy on the source)',
      ],
      [
        4,
        'paid_at: cannot read 2026-13-45 as a timestamp (forms read: 2026-12-31[ 23:59[:59]][+01:00], MM/DD/YYYY[ HH:MM[:SS][ AM|PM]], Dec 31, 2026 or 31 Dec 2026[ HH:MM[:SS][ AM|PM]], epoch seconds, milliseconds or microseconds)',
      ],
    ]);
  });
});

describe('opportunities (the older entity form)', () => {
  const LINES = [
    'opportunity_id;account_id;created_at;stage;amount;currency',
    'o1;a1;02/12/2026 10:00:00;Closed Won;12.500,00;EUR',
    'o2;a2;13/11/2026;Closed Won;250,75;EUR',
  ];
  it('reads European amounts and day-first dates with the settings, rejects them with hints without', async () => {
    const eu = await normalizeEntities(
      engine,
      [opportunities],
      [await bind('crm_eu', LINES, 4, { decimal: ',', dateOrder: 'dmy' }, 'opportunities')],
      SETTINGS,
      dir,
    );
    expect(eu.accounting[0]).toMatchObject({ rows_in: 2, accepted: 2, rejected: 0 });
    // amounts in the opportunity's own currency (converted later, at the rates of its dates)
    const rows = await engine.query<{ opportunity_id: string; amount: number; created_at: string }>(
      'SELECT opportunity_id, amount, created_at FROM opportunities ORDER BY opportunity_id',
    );
    expect(rows).toEqual([
      {
        opportunity_id: 'o1',
        amount: 12500,
        created_at: '2026-12-02T10:00:00.000Z',
      },
      {
        opportunity_id: 'o2',
        amount: 250.75,
        created_at: '2026-11-13T00:00:00.000Z',
      },
    ]);
    const plain = await normalizeEntities(
      engine,
      [opportunities],
      [await bind('crm_plain', LINES, 5, {}, 'opportunities')],
      SETTINGS,
      dir,
    );
    // without settings: the comma amounts are rejected with their hint; the dates, 13/11/2026 only
    // day-first and none only month-first, are read day-first and reported
    expect(plain.accounting[0]).toMatchObject({ rows_in: 2, accepted: 0, rejected: 2 });
    expect(plain.rejects.map((r) => r.reason)).toEqual([
      'amount: cannot read 12.500,00 as a number (a decimal comma? set decimal: "," on the source)',
      'amount: cannot read 250,75 as a number (a decimal comma? set decimal: "," on the source)',
    ]);
    expect(plain.dateOrders?.map((x) => [x.column, x.rows, x.example.row])).toEqual([['created_at', 1, 3]]);
  });
});
