/**
 * Integer time columns on ClickHouse (as `gtm engine load` or the user's own tables hold them): 10
 * digits are epoch seconds, 16 digits epoch microseconds (GA4's event_timestamp), others milliseconds,
 * as the text parser reads the same digits (parse-cases.fixture.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, type ClickHouseEngine } from '../clickhouse-engine.ts';
import { timestampCh } from './parse-clickhouse.ts';

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)('ClickHouse integer epochs', () => {
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

  it('reads seconds, milliseconds and microseconds as epoch milliseconds', async () => {
    const cases: [string, number][] = [
      ['1790000000', 1790000000000],
      ['1790000000123', 1790000000123],
      ['1790000000123456', 1790000000123],
    ];
    const rows = await click.query<{ v: number | string }>(
      cases
        .map(
          ([x], i) =>
            `SELECT ${i} AS i, ${timestampCh('x', 'Int64', `t${i}`)} AS v FROM (SELECT toInt64(${x}) AS x)`,
        )
        .join(' UNION ALL ')
        .replace(/^/, 'SELECT v FROM (')
        .concat(') ORDER BY i'),
    );
    expect(rows.map((r) => Number(r.v))).toEqual(cases.map((c) => c[1]));
  });
});
