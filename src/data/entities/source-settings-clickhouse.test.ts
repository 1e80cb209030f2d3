/**
 * The source settings `decimal: ","` and `date_order: dmy` through the ClickHouse entity SELECTs
 * (typed entities and opportunities): the values and the reject reasons worked out by hand, the same
 * as source-settings.test.ts expects of DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, type ClickHouseEngine } from '../clickhouse-engine.ts';
import { literal } from '../sql-text.ts';
import { opportunitiesCh, stageHistoryCh, touchpointsCh, typedEntityCh } from './entities-clickhouse.ts';
import type { SourceBinding } from './entity-spec.ts';

const server = findClickHouseServer();

const payouts = typedEntityCh({
  name: 'payouts',
  description: 'test',
  columns: {
    payout_id: { kind: 'id', required: true },
    amount: { kind: 'amount', required: true, min: 0, rateAt: 'paid_at' },
    points: { kind: 'integer' },
    currency: { kind: 'currency' },
    paid_at: { kind: 'timestamp', required: true },
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

describe.skipIf(!server && !process.env.CI)('source settings on ClickHouse', () => {
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

  /** A String table of these rows (header first) with the provenance columns a loaded table has. */
  async function table(name: string, lines: string[]): Promise<SourceBinding> {
    const [header, ...rows] = lines.map((l) => l.split(';'));
    const cols = header.map((c) => `\`${c}\` Nullable(String)`).join(', ');
    await click.exec(`DROP TABLE IF EXISTS ${name}`);
    await click.exec(`CREATE TABLE ${name} (${cols}, source_file String, source_row UInt64) ENGINE = Memory`);
    const values = rows
      .map(
        (r, i) =>
          `(${r.map((v) => (v === '' ? 'NULL' : literal(v, 'clickhouse'))).join(', ')}, 'f.csv', ${i + 2})`,
      )
      .join(', ');
    await click.exec(`INSERT INTO ${name} VALUES ${values}`);
    return {
      source: name,
      entity: 'payouts',
      priority: 1,
      rawTable: name,
      columns: Object.fromEntries(header.map((c) => [c, c])),
      columnTypes: Object.fromEntries(header.map((c) => [c, 'Nullable(String)'])),
      defaultCurrency: 'USD',
    };
  }

  const EUROPEAN = [
    'payout_id;amount;points;currency;paid_at',
    'p1;12,50;1.500;EUR;02/12/2026 10:00:00',
    'p2;1.000,00;15;EUR;13/12/2026',
    'p3;€ 1.234.567,89;;EUR;31/01/2026 23:59',
    'p4;0,5;2;USD;1/2/2026',
  ];

  it('a typed entity with decimal "," and date_order dmy: the values a European reader means', async () => {
    const b = { ...(await table('eu', EUROPEAN)), decimal: ',' as const, dateOrder: 'dmy' as const };
    const rows = await click.query<Record<string, unknown>>(
      `SELECT payout_id, amount_local, toString(points) AS points, toString(paid_at) AS paid_at, _reject_reason
       FROM (${payouts.select(b, SETTINGS, 'eu')}) ORDER BY payout_id`,
    );
    expect(rows).toEqual([
      {
        payout_id: 'p1',
        amount_local: 12.5,
        points: '1500',
        paid_at: String(Date.UTC(2026, 11, 2, 10)),
        _reject_reason: null,
      },
      {
        payout_id: 'p2',
        amount_local: 1000,
        points: '15',
        paid_at: String(Date.UTC(2026, 11, 13)),
        _reject_reason: null,
      },
      {
        payout_id: 'p3',
        amount_local: 1234567.89,
        points: null,
        paid_at: String(Date.UTC(2026, 0, 31, 23, 59)),
        _reject_reason: null,
      },
      {
        payout_id: 'p4',
        amount_local: 0.5,
        points: '2',
        paid_at: String(Date.UTC(2026, 1, 1)),
        _reject_reason: null,
      },
    ]);
  });

  it('without the settings: rejected with the hint naming the setting, as on DuckDB', async () => {
    const b = await table('plain', EUROPEAN);
    const rows = await click.query<{ _row: unknown; _reject_reason: string }>(
      `SELECT toString(_row) AS _row, _reject_reason FROM (${payouts.select(b, SETTINGS, 'plain')}) ORDER BY _row`,
    );
    const comma = ' (a decimal comma? set decimal: "," on the source)';
    expect(rows.map((r) => [r._row, r._reject_reason])).toEqual([
      ['2', `amount: cannot read 12,50 as a number${comma}`],
      ['3', `amount: cannot read 1.000,00 as a number${comma}`],
      ['4', `amount: cannot read € 1.234.567,89 as a number${comma}`],
      ['5', `amount: cannot read 0,5 as a number${comma}`],
    ]);
    const days = await table('days', [
      'payout_id;amount;currency;paid_at',
      'd1;10;USD;13/12/2026 10:00:00',
      'd2;10;USD;2026-13-45',
      'd3;10;USD;12/31/2026',
    ]);
    const reasons = await click.query<{ _reject_reason: string | null }>(
      `SELECT _reject_reason FROM (${payouts.select(days, SETTINGS, 'days')}) ORDER BY _row`,
    );
    expect(reasons.map((r) => r._reject_reason)).toEqual([
      'paid_at: cannot read 13/12/2026 10:00:00 as a timestamp (a day-first date? set date_order: dmy on the source)',
      'paid_at: cannot read 2026-13-45 as a timestamp (forms read: 2026-12-31[ 23:59[:59]][+01:00], MM/DD/YYYY[ HH:MM[:SS][ AM|PM]], Dec 31, 2026 or 31 Dec 2026[ HH:MM[:SS][ AM|PM]], epoch seconds, milliseconds or microseconds)',
      null,
    ]);
  });

  it('opportunities: read with the settings, rejected with hints without', async () => {
    const LINES = [
      'opportunity_id;account_id;created_at;stage;amount;currency',
      'o1;a1;02/12/2026 10:00:00;Closed Won;12.500,00;EUR',
      'o2;a2;13/11/2026;Closed Won;250,75;EUR',
    ];
    const plain = { ...(await table('opps', LINES)), entity: 'opportunities' };
    const eu = { ...plain, decimal: ',' as const, dateOrder: 'dmy' as const };
    const read = (b: SourceBinding) =>
      click.query<Record<string, unknown>>(
        `SELECT opportunity_id, amount, toString(created_at) AS created_at, _reject_reason FROM (${opportunitiesCh.select(b, SETTINGS, 'opps')}) ORDER BY opportunity_id`,
      );
    expect(await read(eu)).toEqual([
      {
        opportunity_id: 'o1',
        amount: 12500,
        created_at: String(Date.UTC(2026, 11, 2, 10)),
        _reject_reason: null,
      },
      {
        opportunity_id: 'o2',
        amount: 250.75,
        created_at: String(Date.UTC(2026, 10, 13)),
        _reject_reason: null,
      },
    ]);
    expect((await read(plain)).map((r) => r._reject_reason)).toEqual([
      'amount: cannot read 12.500,00 as a number (a decimal comma? set decimal: "," on the source)',
      'created_at: cannot read 13/11/2026 as a timestamp (a day-first date? set date_order: dmy on the source)',
    ]);
  });

  it('touchpoints and stage history: the hint on the rows that cannot be read, between rows that can', async () => {
    const forms = (dates: string) =>
      ` (forms read: 2026-12-31[ 23:59[:59]][+01:00], ${dates}[ HH:MM[:SS][ AM|PM]], Dec 31, 2026 or 31 Dec 2026[ HH:MM[:SS][ AM|PM]], epoch seconds, milliseconds or microseconds)`;
    const touches = await table('touches', [
      'touch_id;person_id;occurred_at',
      't1;u1;02/12/2026 10:00',
      't2;u2;13/12/2026 10:00',
      't3;u3;2026-12-02 10:00:00',
      't4;u4;2026-13-45',
      't5;u5;',
      't6;u6;yesterday',
      't7;u7;12/31/2026',
    ]);
    const tp = { ...touches, entity: 'touchpoints' };
    const touchReasons = async (b: SourceBinding) =>
      (
        await click.query<{ r: string | null }>(
          `SELECT _reject_reason AS r FROM (${touchpointsCh.select(b, SETTINGS, 'touches')}) ORDER BY _row`,
        )
      ).map((x) => x.r);
    const cannot = (v: string, hint: string) => `occurred_at: cannot read ${v} as a timestamp${hint}`;
    expect(await touchReasons(tp)).toEqual([
      null,
      cannot('13/12/2026 10:00', ' (a day-first date? set date_order: dmy on the source)'),
      null,
      cannot('2026-13-45', forms('MM/DD/YYYY')),
      'occurred_at: missing',
      cannot('yesterday', ''),
      null,
    ]);
    expect(await touchReasons({ ...tp, dateOrder: 'dmy' })).toEqual([
      null,
      null,
      null,
      cannot('2026-13-45', forms('DD/MM/YYYY or DD.MM.YYYY')),
      'occurred_at: missing',
      cannot('yesterday', ''),
      cannot('12/31/2026', ' (a month-first date? the source has date_order: dmy)'),
    ]);
    const history = await table('history', [
      'opportunity_id;stage;changed_at',
      'o1;Closed Won;02/12/2026',
      'o2;Closed Won;13/12/2026',
      'o3;Closed Won;1790000000',
    ]);
    const sh = { ...history, entity: 'stage_history' };
    const historyReasons = await click.query<{ r: string | null }>(
      `SELECT _reject_reason AS r FROM (${stageHistoryCh.select(sh, SETTINGS, 'history')}) ORDER BY _row`,
    );
    expect(historyReasons.map((x) => x.r)).toEqual([
      null,
      'changed_at: cannot read 13/12/2026 as a timestamp (a day-first date? set date_order: dmy on the source)',
      null,
    ]);
  });
});
