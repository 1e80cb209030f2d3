/**
 * A touch log whose time is epoch seconds with a fraction (Python's time.time(), a DOUBLE or
 * DECIMAL column, numbers written as text). The path query packed each time into an integer sort
 * key, rounding (DuckDB) or truncating (ClickHouse) the fraction away: two touches within a second
 * tied, and the tie went by channel code, not time, so first/last touch (and every path model)
 * credited the wrong channel. Fractional times now sort as themselves.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findClickHouseServer, startClickHouse } from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, openDuckDb } from '../../data/index.ts';
import { runAttributeTouchpoints } from './run-attribute-touchpoints.ts';

const T = 1764950400; // 2025-12-05T16:00:00Z
// j1: zeta at T+1.6, alpha at T+2.4 (DuckDB rounded both to T+2: a tie, alpha first by code).
// j2: zeta at T+5.2, alpha at T+5.7 (ClickHouse truncated both to T+5: the same wrong order).
// j3: beta and alpha at the very same time: a real tie, broken by channel (alpha, then beta).
// j4: one touch, not converting.
const ROWS: [string, string, string, number, number | null][] = [
  ['j1', `${T + 1}.6`, 'zeta', 1, 100],
  ['j1', `${T + 2}.4`, 'alpha', 1, 100],
  ['j2', `${T + 5}.7`, 'alpha', 1, 50],
  ['j2', `${T + 5}.2`, 'zeta', 1, 50],
  ['j3', `${T + 10}`, 'beta', 1, 8],
  ['j3', `${T + 10}`, 'alpha', 1, 8],
  ['j4', `${T + 20}.5`, 'beta', 0, null],
];

const credit = (r: Awaited<ReturnType<typeof runAttributeTouchpoints>>) =>
  Object.fromEntries((r.channels ?? []).map((c) => [c.channel, [c.conversions, c.value]]));

// by hand: first touch j1 zeta (100), j2 zeta (50), j3 alpha (8); last touch j1 alpha, j2 alpha, j3 beta
const FIRST = { alpha: [1, 8], beta: [0, 0], zeta: [2, 150] };
const LAST = { alpha: [2, 150], beta: [1, 8], zeta: [0, 0] };
const PATHS = ['alpha > beta', 'beta', 'zeta > alpha'];

const paths = (r: Awaited<ReturnType<typeof runAttributeTouchpoints>>) =>
  (r.perPath ?? []).map((p) => p.path).sort();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-fraction-times-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('epoch seconds with a fraction on DuckDB', () => {
  it('a DOUBLE column (CSV): touches in time order within a second', async () => {
    const file = path.join(dir, 'touches.csv');
    const lines = ROWS.map(([j, ts, ch, cv, v]) => [j, ts, ch, cv, v ?? ''].join(','));
    await writeFile(file, ['journey_id,ts,channel,converted,value', ...lines].join('\n') + '\n');
    const first = await runAttributeTouchpoints({ touchpoints: file, model: 'first-touch', perPath: true });
    expect(paths(first)).toEqual(PATHS);
    expect(credit(first)).toEqual(FIRST);
    expect(credit(await runAttributeTouchpoints({ touchpoints: file, model: 'last-touch' }))).toEqual(LAST);
  });

  it('numbers written as text (NDJSON strings) and a DECIMAL column', async () => {
    const file = path.join(dir, 'touches.ndjson');
    const json = ROWS.map(([j, ts, ch, cv, v]) =>
      JSON.stringify({ journey_id: j, ts, channel: ch, converted: cv, value: v }),
    );
    await writeFile(file, json.join('\n') + '\n');
    expect(credit(await runAttributeTouchpoints({ touchpoints: file, model: 'first-touch' }))).toEqual(FIRST);
    const parquet = path.join(dir, 'touches.parquet');
    const db = await openDuckDb();
    try {
      await db.exec(
        `COPY (SELECT journey_id, CAST(ts AS DECIMAL(14, 1)) AS ts, channel, converted, value FROM read_json_auto('${file}', columns = {journey_id: 'VARCHAR', ts: 'VARCHAR', channel: 'VARCHAR', converted: 'INTEGER', value: 'DOUBLE'})) TO '${parquet}' (FORMAT parquet)`,
      );
    } finally {
      await db.close();
    }
    expect(credit(await runAttributeTouchpoints({ touchpoints: parquet, model: 'last-touch' }))).toEqual(
      LAST,
    );
  });
});

const chServer = findClickHouseServer();
describe.skipIf(!chServer && !process.env.CI)('epoch seconds with a fraction on ClickHouse 18.16', () => {
  let server: Awaited<ReturnType<typeof startClickHouse>>;
  beforeAll(async () => {
    if (!chServer) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    server = await startClickHouse();
    const e = await openClickHouse({ url: server.url });
    for (const [table, type] of [
      ['touches_f', 'Float64'],
      ['touches_s', 'String'],
    ]) {
      await e.exec(
        `CREATE TABLE ${table} (journey_id String, ts ${type}, channel String, converted UInt8, value Nullable(Float64)) ENGINE = MergeTree ORDER BY journey_id`,
      );
      const ts = (t: string) => (type === 'String' ? `'${t}'` : t);
      await e.exec(
        `INSERT INTO ${table} VALUES ${ROWS.map(([j, t, ch, cv, v]) => `('${j}', ${ts(t)}, '${ch}', ${cv}, ${v ?? 'NULL'})`).join(', ')}`,
      );
    }
    await e.close();
  }, 120_000);
  afterAll(() => server?.stop());

  it('a Float64 and a String column give the DuckDB credit', async () => {
    for (const table of ['touches_f', 'touches_s']) {
      const run = (model: string) =>
        runAttributeTouchpoints({ touchpoints: table, clickhouse: server.url, model, perPath: true });
      const first = await run('first-touch');
      expect(paths(first), table).toEqual(PATHS);
      expect(credit(first), table).toEqual(FIRST);
      expect(credit(await run('last-touch')), table).toEqual(LAST);
    }
  });
});
