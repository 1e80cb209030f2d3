/**
 * Integer time columns on ClickHouse (as `gtm engine load` or the user's own tables hold them): 10
 * digits are epoch seconds, 16 digits epoch microseconds (GA4's event_timestamp), others milliseconds,
 * as the text parser reads the same digits (parse-cases.fixture.ts).
 */
import { describe, expect, it } from 'vitest';
import { skipClickHouse, useClickHouseEngine } from '../../../test/helpers/clickhouse-parity.ts';
import { timestampCh } from './parse-clickhouse.ts';

describe.skipIf(skipClickHouse)('ClickHouse integer epochs', () => {
  const click = useClickHouseEngine();

  it('reads seconds, milliseconds and microseconds as epoch milliseconds', async () => {
    const cases: [string, number][] = [
      ['1790000000', 1790000000000],
      ['1790000000123', 1790000000123],
      ['1790000000123456', 1790000000123],
    ];
    const rows = await click().query<{ v: number | string }>(
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
