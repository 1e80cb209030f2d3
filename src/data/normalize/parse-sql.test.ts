/**
 * The DuckDB text parsers on values worked out by hand: amounts with either decimal mark (a comma or
 * dot that is not a thousands separator in valid groups is unreadable, never misread), slash dates in
 * either order, and the hints of the reject reasons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '../duckdb-api.ts';
import type { Engine } from '../engine.ts';
import { literal } from '../sql-text.ts';
import { AMOUNT_CASES, HINT_CASES, TIMESTAMP_CASES } from './parse-cases.fixture.ts';
import { amountHintSql, parseAmountSql, parseTimestampSql, timestampHintSql } from './parse-sql.ts';

let duck: Engine;
beforeAll(async () => {
  duck = await openDuckDb();
});
afterAll(async () => {
  await duck?.close();
});

/** One value per input, in input order. */
async function values(inputs: readonly string[], expr: (x: string) => string): Promise<unknown[]> {
  const rows = inputs.map((v, i) => `SELECT ${i} AS i, ${expr(`CAST(${literal(v)} AS VARCHAR)`)} AS v`);
  const out = await duck.query<{ i: number; v: unknown }>(
    `SELECT i, v FROM (${rows.join(' UNION ALL ')}) ORDER BY i`,
  );
  return out.map((r) => (typeof r.v === 'bigint' ? Number(r.v) : r.v));
}

describe('parseAmountSql', () => {
  for (const decimal of ['.', ','] as const)
    it(`decimal ${decimal}: the meant number or NULL`, async () => {
      const cases = AMOUNT_CASES[decimal];
      const got = await values(
        cases.map(([v]) => v),
        (x) => parseAmountSql(x, decimal),
      );
      expect(got.map((v, i) => [cases[i][0], v])).toEqual(cases.map(([v, want]) => [v, want]));
    });

  it('the default is the decimal point', async () => {
    const cases = AMOUNT_CASES['.'];
    expect(
      await values(
        cases.map(([v]) => v),
        (x) => parseAmountSql(x),
      ),
    ).toEqual(cases.map(([, w]) => w));
  });
});

describe('parseTimestampSql', () => {
  for (const order of ['mdy', 'dmy'] as const)
    it(`${order}: slash dates in that order, the other forms as before`, async () => {
      const got = await values(
        TIMESTAMP_CASES.map(([v]) => v),
        (x) => `epoch_ms(${parseTimestampSql(x, order)})`,
      );
      expect(got.map((v, i) => [TIMESTAMP_CASES[i][0], v])).toEqual(
        TIMESTAMP_CASES.map(([v, want]) => [v, want[order]]),
      );
    });
});

describe('reject hints', () => {
  it('amounts: the decimal setting to use or check', async () => {
    for (const [v, decimal, hint] of HINT_CASES.amount) {
      expect(await values([v], (x) => parseAmountSql(x, decimal))).toEqual([null]);
      expect(await values([v], (x) => amountHintSql(`trim(${x})`, decimal))).toEqual([hint]);
    }
  });
  it('timestamps: the date order to use or check, else the forms read when the value has digits', async () => {
    for (const [v, order, hint] of HINT_CASES.timestamp) {
      expect(await values([v], (x) => parseTimestampSql(x, order))).toEqual([null]);
      expect(await values([v], (x) => timestampHintSql(`trim(${x})`, order))).toEqual([hint]);
    }
  });
});
