/**
 * A touch log whose time column is text: NDJSON (or CSV) mixing dates and times, or times with and
 * without an offset, is read as text by DuckDB, and a ClickHouse table may keep times in a String.
 * Such a column was sorted as a number: the run stopped with "Could not convert string
 * '2026-01-01T00:00:00Z' to INT64" (INPUT, pointing at the file's format). Times are now read as
 * times, a written offset applied: 10:00+05:00 is 05:00Z, before 06:00Z.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findClickHouseServer, startClickHouse } from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse } from '../../data/index.ts';
import { runAttributeTouchpoints } from './run-attribute-touchpoints.ts';

// j1: a at 05:00Z (written 10:00+05:00), b at 06:00Z: a is first, b last.
// j2: c on the date alone (midnight), then a at 00:30Z. j3: one touch, not converting.
// j4: epoch-like text is not in this file (a text column is times unless its first value is a number).
const ROWS = [
  { journey_id: 'j1', ts: '2026-03-29T06:00:00Z', channel: 'b', converted: 1, value: 100 },
  { journey_id: 'j1', ts: '2026-03-29T10:00:00+05:00', channel: 'a', converted: 0, value: null },
  { journey_id: 'j2', ts: '2026-03-29T00:30:00Z', channel: 'a', converted: 1, value: 40 },
  { journey_id: 'j2', ts: '2026-03-29', channel: 'c', converted: 0, value: null },
  { journey_id: 'j3', ts: '2026-03-30 12:00:00', channel: 'c', converted: 0, value: null },
];

const credit = (r: Awaited<ReturnType<typeof runAttributeTouchpoints>>) =>
  Object.fromEntries((r.channels ?? []).map((c) => [c.channel, [c.conversions, c.value]]));

// first touch: j1 -> a (100), j2 -> c (40); last touch: j1 -> b (100), j2 -> a (40)
const FIRST = { a: [1, 100], b: [0, 0], c: [1, 40] };
const LAST = { a: [1, 40], b: [1, 100], c: [0, 0] };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-text-times-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a text time column on DuckDB', () => {
  it('NDJSON mixing dates, times and offsets: paths in time order, offsets applied', async () => {
    const file = path.join(dir, 'touches.ndjson');
    await writeFile(file, ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const first = await runAttributeTouchpoints({ touchpoints: file, model: 'first-touch' });
    expect(credit(first)).toEqual(FIRST);
    expect(first.source?.touches).toMatchObject({ rows: 5, kept: 5 });
    expect(credit(await runAttributeTouchpoints({ touchpoints: file, model: 'last-touch' }))).toEqual(LAST);
  });

  it('epoch numbers written as text still sort as numbers', async () => {
    const file = path.join(dir, 'epoch.ndjson');
    const rows = [
      { journey_id: 'j1', ts: '20', channel: 'b', converted: 1, value: 5 },
      { journey_id: 'j1', ts: '100', channel: 'a', converted: 0 },
    ];
    await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const r = await runAttributeTouchpoints({ touchpoints: file, model: 'first-touch' });
    expect(credit(r)).toEqual({ a: [0, 0], b: [1, 5] });
  });
});

const chServer = findClickHouseServer();
describe.skipIf(!chServer && !process.env.CI)('a String time column on ClickHouse 18.16', () => {
  let server: Awaited<ReturnType<typeof startClickHouse>>;
  beforeAll(async () => {
    if (!chServer) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    server = await startClickHouse();
    const e = await openClickHouse({ url: server.url });
    await e.exec(
      `CREATE TABLE touches (journey_id String, ts String, channel String, converted UInt8, value Nullable(Float64)) ENGINE = MergeTree ORDER BY journey_id`,
    );
    const lit = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v)}'`);
    await e.exec(
      `INSERT INTO touches VALUES ${ROWS.map((r) => `(${[r.journey_id, r.ts, r.channel, r.converted, r.value].map(lit).join(', ')})`).join(', ')}`,
    );
    await e.close();
  }, 120_000);
  afterAll(() => server?.stop());

  it('gives the DuckDB credit: times read from the text, offsets applied', async () => {
    const run = (model: string) =>
      runAttributeTouchpoints({ touchpoints: 'touches', clickhouse: server.url, model });
    expect(credit(await run('first-touch'))).toEqual(FIRST);
    expect(credit(await run('last-touch'))).toEqual(LAST);
  });
});
