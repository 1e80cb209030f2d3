/**
 * Day-first dates in a source without `date_order`: a column whose slash dates include some only a
 * day-first reading makes valid (25/04/2026) and none only a month-first reading makes valid is read
 * day-first (its 03/04/2026 is the 3rd of April), and reported; a column with both is refused with
 * one INPUT line naming the column, a row of each and `date_order`. Checked against dates written
 * by hand. Before, 03/04/2026 was read as the 4th of March beside the day-first rows rejected.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GtmError } from '../../errors/index.ts';
import { loadSource, normalizeEntities, openDuckDb, type BoundSource, type Engine } from '../index.ts';
import type { DateOrder } from '../normalize/parse-sql.ts';
import { inferredDateOrderLine } from './infer-date-order.ts';
import { conversions } from './referrals.ts';

let engine: Engine;
let dir: string;
beforeAll(async () => {
  engine = await openDuckDb();
  dir = mkdtempSync(path.join(os.tmpdir(), 'gtm-date-order-'));
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

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
const HEADER = 'order_id,customer_id,amount,ordered_at,refunded_at';
let n = 0;

/** Normalizes `lines` (under HEADER) as a conversions source; its canonical rows by id. */
async function run(lines: string[], dateOrder?: DateOrder) {
  const file = path.join(dir, `orders-${++n}.csv`);
  writeFileSync(file, [HEADER, ...lines].join('\n') + '\n');
  const load = await loadSource(engine, { name: 'orders', kind: 'file', path: file }, `raw_${n}`);
  const columns = {
    conversion_id: 'order_id',
    customer_id: 'customer_id',
    amount: 'amount',
    converted_at: 'ordered_at',
    refunded_at: 'refunded_at',
  };
  const part: BoundSource = {
    load,
    binding: {
      source: 'orders',
      entity: 'conversions',
      priority: 1,
      rawTable: load.table,
      columns,
      columnTypes: Object.fromEntries(load.columns.map((c) => [c.name, c.type])),
      defaultCurrency: 'USD',
      dateOrder,
    },
  };
  const result = await normalizeEntities(engine, [conversions], [part], SETTINGS, dir);
  const rows = await engine.query<{ id: string; at: string; refunded: string | null }>(
    `SELECT conversion_id AS id, strftime(converted_at, '%Y-%m-%d %H:%M') AS at,
       strftime(refunded_at, '%Y-%m-%d') AS refunded FROM conversions ORDER BY conversion_id`,
  );
  return { result, rows, file: path.basename(file) };
}

describe('slash dates without date_order', () => {
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
    expect(inferredDateOrderLine(result.dateOrders![0])).toBe(
      `sources.orders: ordered_at read day-first (DD/MM/YYYY): 1 row(s) can only be day-first (first ${file}:3 25/04/2026 14:05) and none only month-first; the source's other date columns too (refunded_at: none of their dates says which order); set date_order: dmy on the source to say so, or date_order: mdy to reject them`,
    );
  });

  // a month name is unambiguous: read in either order, and no evidence for or against one
  it('month-name dates are read as they are and leave the inferred order to the slash dates', async () => {
    const dayFirst = await run([
      'o1,c1,10,03/04/2026,',
      'o2,c2,20,25/04/2026,',
      'o3,c3,30,"May 3, 2026 3:04 PM",',
      'o4,c4,40,16-May-2026,',
      'o5,c5,50,"Sat, 16 May 2026 15:04:05 +0200",',
    ]);
    expect(dayFirst.result.rejects).toEqual([]);
    expect(dayFirst.rows.map((r) => r.at)).toEqual([
      '2026-04-03 00:00',
      '2026-04-25 00:00',
      '2026-05-03 15:04',
      '2026-05-16 00:00',
      '2026-05-16 13:04',
    ]);
    expect(dayFirst.result.dateOrders?.map((x) => [x.column, x.order, x.rows])).toEqual([
      ['converted_at', 'dmy', 1],
    ]);
    // month-first slash dates beside month names: month-first, nothing inferred, nothing refused
    const monthFirst = await run([
      'o1,c1,10,04/25/2026,',
      'o2,c2,20,"September 5, 2026",',
      'o3,c3,30,5-Sept-2026,',
    ]);
    expect(monthFirst.result.rejects).toEqual([]);
    expect(monthFirst.rows.map((r) => r.at)).toEqual([
      '2026-04-25 00:00',
      '2026-09-05 00:00',
      '2026-09-05 00:00',
    ]);
    expect(monthFirst.result.dateOrders ?? []).toEqual([]);
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
    let caught: unknown;
    const file = `orders-${n + 1}.csv`;
    try {
      await run(['o1,c1,10,03/04/2026,', 'o2,c2,20,25/04/2026,', 'o3,c3,30,04/26/2026,']);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GtmError);
    const err = caught as GtmError;
    expect(err.code).toBe('INPUT');
    expect(err.oneLine()).toBe(
      `error[INPUT] ${file}:3: column "ordered_at" (converted_at) of source orders has dates in both orders: ${file}:3 25/04/2026 can only be day-first, ${file}:4 04/26/2026 only month-first — fix the rows in the wrong order, or set date_order: dmy (or mdy) on sources.orders in gtm.yaml to read every date that way (the rows only the other order reads are then rejected)`,
    );
  });

  it('month-first evidence alone, or none, changes nothing', async () => {
    const { result, rows } = await run(['o1,c1,10,03/04/2026,', 'o2,c2,20,04/25/2026,']);
    expect(result.dateOrders).toBeUndefined();
    expect(rows.map((r) => r.at)).toEqual(['2026-03-04 00:00', '2026-04-25 00:00']);
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
