/**
 * Day-first dates in a source without `date_order`, on ClickHouse: as on DuckDB
 * (infer-date-order.test.ts, the same rows and the same dates worked out by hand), a column whose
 * slash dates include some only a day-first reading makes valid and none only month-first is read
 * day-first and reported; a column with both is refused in one line; an explicit order is obeyed.
 * Before, ClickHouse read the source month-first and rejected the day-first rows, so the same
 * gtm.yaml gave other numbers on the two engines.
 */
import { describe, expect, it } from 'vitest';
import { skipClickHouse, useClickHouseEngine } from '../../../test/helpers/clickhouse-parity.ts';
import { GtmError } from '../../errors/index.ts';
import type { DateOrder } from '../normalize/parse-sql.ts';
import { literal } from '../sql-text.ts';
import { canonicalRelation, normalizeEntitiesClickHouse } from './normalize-clickhouse.ts';
import type { BoundSource } from './normalize-entities.ts';
import { conversions } from './referrals.ts';

const SETTINGS = {
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  rates: [],
  partnerAliases: {},
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [],
  channelDefault: 'unassigned',
  stageMapping: {},
  dedupe: {},
};
const COLUMNS = ['order_id', 'customer_id', 'amount', 'ordered_at', 'refunded_at'];

describe.skipIf(skipClickHouse)('slash dates without date_order on ClickHouse', () => {
  const click = useClickHouseEngine();
  let n = 0;

  /** Normalizes `lines` (CSV rows of COLUMNS, file rows from 2) as a conversions source on ClickHouse. */
  async function run(lines: string[], dateOrder?: DateOrder) {
    const engine = click();
    const table = `gtm_dates_${++n}`;
    const file = `orders-${n}.csv`;
    const at = `/data/${file}`;
    const q = (v: string) => (v === '' ? 'NULL' : literal(v, 'clickhouse'));
    await engine.exec(`DROP TABLE IF EXISTS ${table}`);
    await engine.exec(
      `CREATE TABLE ${table} (source_file String, source_row Int64, ${COLUMNS.map((c) => `${c} Nullable(String)`).join(', ')}) ENGINE = Memory`,
    );
    await engine.exec(
      `INSERT INTO ${table} VALUES ${lines
        .map((l, i) => `(${q(at)}, ${i + 2}, ${l.split(',').map(q).join(', ')})`)
        .join(', ')}`,
    );
    const part: BoundSource = {
      load: { source: 'orders', table, rows: lines.length, columns: [], files: [], rejects: [] } as never,
      binding: {
        source: 'orders',
        entity: 'conversions',
        priority: 1,
        rawTable: table,
        columns: {
          conversion_id: 'order_id',
          customer_id: 'customer_id',
          amount: 'amount',
          converted_at: 'ordered_at',
          refunded_at: 'refunded_at',
        },
        columnTypes: Object.fromEntries(COLUMNS.map((c) => [c, 'Nullable(String)'])),
        defaultCurrency: 'USD',
        dateOrder,
      },
    };
    const result = await normalizeEntitiesClickHouse(engine, [conversions], [part], SETTINGS, '/data');
    const rows = await engine.query<{ id: string; at: string; refunded: string | null }>(
      `SELECT conversion_id AS id, formatDateTime(toDateTime(intDiv(converted_at, 1000), 'UTC'), '%Y-%m-%d %H:%M') AS at,
         if(isNull(refunded_at), NULL, formatDateTime(toDateTime(intDiv(assumeNotNull(refunded_at), 1000), 'UTC'), '%Y-%m-%d')) AS refunded
       FROM ${canonicalRelation(engine, 'conversions')} ORDER BY conversion_id`,
    );
    return { result, rows, file };
  }

  it('a column with day-first-only dates and no month-first-only ones is read day-first, and said so', async () => {
    const { result, rows, file } = await run([
      'o1,c1,10,03/04/2026,',
      'o2,c2,20,25/04/2026 14:05,',
      'o3,c3,30,01/05/2026,',
      'o4,c4,40,2026-05-02,',
    ]);
    expect(result.rejects).toEqual([]);
    expect(rows).toEqual([
      { id: 'o1', at: '2026-04-03 00:00', refunded: null },
      { id: 'o2', at: '2026-04-25 14:05', refunded: null },
      { id: 'o3', at: '2026-05-01 00:00', refunded: null },
      { id: 'o4', at: '2026-05-02 00:00', refunded: null },
    ]);
    expect(result.dateOrders).toEqual([
      {
        source: 'orders',
        column: 'converted_at',
        source_column: 'ordered_at',
        order: 'dmy',
        rows: 1,
        example: { file, row: 3, value: '25/04/2026 14:05' },
        // the source's other date column follows (here empty: nothing changes in it)
        along: ['refunded_at'],
      },
    ]);
    expect(result.accounting.map((a) => [a.rows_in, a.accepted, a.rejected])).toEqual([[4, 4, 0]]);
  });

  // it read o1's 03/04/2026 as the 4th of March beside its refund of the 30th of April: each column
  // was inferred alone, and a column whose every day is 12 or less stayed month-first
  it('one source, one order: ambiguous purchase dates beside day-first refunds are read day-first too', async () => {
    const { result, rows } = await run(['o1,c1,10,03/04/2026,30.04.2026', 'o2,c2,20,03/05/2026,05.06.2026']);
    expect(result.rejects).toEqual([]);
    expect(rows).toEqual([
      { id: 'o1', at: '2026-04-03 00:00', refunded: '2026-04-30' },
      { id: 'o2', at: '2026-05-03 00:00', refunded: '2026-06-05' },
    ]);
    // a dotted date is day-first whatever its day (no one writes dots month-first): both count
    expect(result.dateOrders?.map((x) => [x.column, x.rows, x.along])).toEqual([
      ['refunded_at', 2, ['ordered_at']],
    ]);
  });

  it('a column whose own dates say month-first keeps that order beside a day-first one', async () => {
    const { result, rows } = await run(['o1,c1,10,04/25/2026,30/04/2026', 'o2,c2,20,03/05/2026,05/06/2026']);
    expect(result.rejects).toEqual([]);
    expect(rows).toEqual([
      { id: 'o1', at: '2026-04-25 00:00', refunded: '2026-04-30' },
      { id: 'o2', at: '2026-03-05 00:00', refunded: '2026-06-05' },
    ]);
    expect(result.dateOrders?.map((x) => [x.column, x.rows, x.along])).toEqual([
      ['refunded_at', 1, undefined],
    ]);
  });

  it('a column with dates in both orders is refused in one line naming both rows and date_order', async () => {
    const file = `orders-${n + 1}.csv`;
    const caught = await run(['o1,c1,10,03/04/2026,', 'o2,c2,20,25/04/2026,', 'o3,c3,30,04/26/2026,']).then(
      () => null,
      (e: unknown) => e,
    );
    expect(caught).toBeInstanceOf(GtmError);
    expect((caught as GtmError).oneLine()).toBe(
      `error[INPUT] ${file}:3: column "ordered_at" (converted_at) of source orders has dates in both orders: ${file}:3 25/04/2026 can only be day-first, ${file}:4 04/26/2026 only month-first — fix the rows in the wrong order, or set date_order: dmy (or mdy) on sources.orders in gtm.yaml to read every date that way (the rows only the other order reads are then rejected)`,
    );
  });

  it('an explicit date_order is obeyed: mdy rejects the day-first rows with the hint', async () => {
    const { result, rows } = await run(['o1,c1,10,03/04/2026,', 'o2,c2,20,25/04/2026,'], 'mdy');
    expect(result.dateOrders).toBeUndefined();
    expect(rows.map((r) => r.at)).toEqual(['2026-03-04 00:00']);
    expect(result.rejects.map((r) => [r.row, r.reason])).toEqual([
      [
        3,
        'converted_at: cannot read 25/04/2026 as a timestamp (a day-first date? set date_order: dmy on the source)',
      ],
    ]);
  });
});
