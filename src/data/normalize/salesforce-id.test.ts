/**
 * Salesforce's 15- and 18-character ids: the suffix checked against ids whose both forms are
 * published, and the DuckDB and ClickHouse expressions giving the same values as the function.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, type ClickHouseEngine } from '../clickhouse-engine.ts';
import { openDuckDb } from '../duckdb-api.ts';
import type { Engine } from '../engine.ts';
import { literal } from '../sql-text.ts';
import {
  isSalesforceId15Sql,
  isSalesforceId18,
  isSalesforceId18Sql,
  salesforceId18,
  salesforceIdSuffix,
  toSalesforceId18Sql,
} from './salesforce-id.ts';

/**
 * Both forms of one id, as published (the 18-character form written by Salesforce itself, or by a
 * converter its page shows the output of).
 */
const PUBLISHED: readonly [id15: string, id18: string, where: string][] = [
  // Apex's Id type converting a 15-character string, debug output shown
  [
    '0013k00002crTPa',
    '0013k00002crTPaAAM',
    'salesforceduo.com/developer-resources/code-samples/converting-15-character-salesforce-record-id-to-18-characters',
  ],
  // the salesforce_id_formatter gem's README: to_18('70130000001tcyI')
  ['70130000001tcyI', '70130000001tcyIAAQ', 'rubydoc.info/gems/salesforce_id_formatter/1.2.0'],
  // the salesforce_id_converter package's README, sfc 00558000001N0Ke
  ['00558000001N0Ke', '00558000001N0KeAAK', 'pypi.org/project/salesforce_id_converter/0.1.2'],
  // kawtharstudios/sf15to18's README: SF15to18::convert('001550V000WOQZi')
  ['001550V000WOQZi', '001550V000WOQZiACP', 'packagist.org/packages/kawtharstudios/sf15to18'],
  // the algorithm worked step by step (chunks 001A0 00010 khO8J: bits 8, 0, 20: I A U)
  [
    '001A000010khO8J',
    '001A000010khO8JIAU',
    'salesforce.stackexchange.com/questions/27686/how-can-i-convert-a-15-char-id-value-into-an-18-char-id-value',
  ],
  // worked by hand on the page (a0D30 00000 1n7Pi: bits 4, 0, 8: E A I); a 2012 gist's EAC for it
  // is the one its own follow-up gem says was miscalculated
  [
    'a0D30000001n7Pi',
    'a0D30000001n7PiEAI',
    'gammone.com/en/programming/how-to-convert-salesforce-id-from-15-to-18-chars',
  ],
];

/** Values that are no 15-character id, or no 18-character id as the API writes it. */
const OTHERS = [
  '0013k00002crTP', // 14
  '0013k00002crTPa ', // padding is trimmed before, not here
  '0013k00002crTPaAA', // 17
  '0013k00002crTPaAAN', // a wrong suffix
  '0013k00002crTPaaam', // the suffix lower-cased: not as the API writes it
  '0013K00002CRTPAAAM', // the id upper-cased: its suffix no longer matches
  'cus_9s6XKzkNRiz8i3', // Stripe (18 with an underscore)
  'a3f9c2e17b4d5e6f00', // hex, 18
  '51234567890', // a HubSpot record id
];

describe('Salesforce ids (JavaScript)', () => {
  it('the published 15-character ids get their published 18-character form', () => {
    for (const [id15, id18] of PUBLISHED) {
      expect(salesforceIdSuffix(id15)).toBe(id18.slice(15));
      expect(salesforceId18(id15)).toBe(id18);
      expect(isSalesforceId18(id18)).toBe(true);
      // an 18-character id stays as it is
      expect(salesforceId18(id18)).toBe(id18);
    }
  });

  it('every bit of each chunk: an upper-case letter at position i of a chunk adds 2^i', () => {
    expect(salesforceIdSuffix('000000000000000')).toBe('AAA');
    expect(salesforceIdSuffix('A0000000000000Z')).toBe('BAQ');
    expect(salesforceIdSuffix('ZZZZZaaaaa9Z9Z9')).toBe('5AK');
    // letters outside A-Z and digits add nothing
    expect(salesforceIdSuffix('zzzzz99999aaaaa')).toBe('AAA');
  });

  it('other values are no 18-character id and are returned unchanged', () => {
    expect(isSalesforceId18('')).toBe(false);
    for (const v of OTHERS) {
      expect(isSalesforceId18(v)).toBe(false);
      if (v.length !== 15) expect(salesforceId18(v)).toBe(v);
    }
    // a 15-character value of another system is 15 characters all the same: the caller decides
    expect(salesforceId18('a3f9c2e17b4d5e6')).toBe('a3f9c2e17b4d5e6AAA');
  });
});

/** (The SQL reads trimmed text: empty is NULL there.) */
const INPUTS = [...PUBLISHED.flatMap(([a, b]) => [a, b]), ...OTHERS, 'ZZZZZaaaaa9Z9Z9', 'A0000000000000Z'];

async function values(engine: Engine, expr: (x: string) => string): Promise<unknown[]> {
  const ch = engine.dialect === 'clickhouse';
  const rows = INPUTS.map(
    (v, i) =>
      `SELECT ${i} AS i, ${expr(ch ? `toNullable(${literal(v, 'clickhouse')})` : `CAST(${literal(v)} AS VARCHAR)`)} AS v`,
  );
  rows.push(
    `SELECT ${INPUTS.length} AS i, ${expr(ch ? 'CAST(NULL AS Nullable(String))' : 'CAST(NULL AS VARCHAR)')} AS v`,
  );
  const out = await engine.query<{ i: number; v: unknown }>(
    `SELECT i, v FROM (${rows.join(' UNION ALL ')}) ORDER BY i`,
  );
  // booleans (DuckDB) and UInt8 (ClickHouse) as 0/1
  return out.map((r) => (r.v === null || typeof r.v === 'string' ? r.v : Number(r.v)));
}

/** What the expressions must give: the function's values (NULL in, NULL out for the conversion). */
const expected = {
  to18: [...INPUTS.map((v) => salesforceId18(v)), null],
  is18: [...INPUTS.map((v) => (isSalesforceId18(v) ? 1 : 0)), 0],
  is15: [...INPUTS.map((v) => (/^[0-9A-Za-z]{15}$/.test(v) ? 1 : 0)), 0],
};

describe('Salesforce ids (DuckDB)', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
  });
  afterAll(async () => {
    await duck?.close();
  });
  it('the expressions give the function values', async () => {
    expect(await values(duck, (x) => toSalesforceId18Sql(x, 'duckdb'))).toEqual(expected.to18);
    expect(await values(duck, (x) => `COALESCE(${isSalesforceId18Sql(x, 'duckdb')}, false)`)).toEqual(
      expected.is18,
    );
    expect(await values(duck, (x) => `COALESCE(${isSalesforceId15Sql(x, 'duckdb')}, false)`)).toEqual(
      expected.is15,
    );
  });
});

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)('Salesforce ids (ClickHouse)', () => {
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
  it('the expressions give the function values', async () => {
    expect(await values(click, (x) => toSalesforceId18Sql(x, 'clickhouse'))).toEqual(expected.to18);
    expect(await values(click, (x) => `toUInt8(${isSalesforceId18Sql(x, 'clickhouse')})`)).toEqual(
      expected.is18,
    );
    expect(await values(click, (x) => `toUInt8(${isSalesforceId15Sql(x, 'clickhouse')})`)).toEqual(
      expected.is15,
    );
  }, 60_000);
});
