/**
 * The funnel's split of partner values (`partnerMembersSql`, `partnerMembersCh`) gives what the
 * attribution's split gives (`partnersOf`, partner-lists.ts), each case written by hand: on DuckDB,
 * and on ClickHouse 18.16 when a server is installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipClickHouse, useClickHouseEngine } from '../../../../test/helpers/clickhouse-parity.ts';
import { openDuckDb } from '../../../data/duckdb-api.ts';
import type { Engine } from '../../../data/engine.ts';
import { literal } from '../../../data/sql-text.ts';
import { partnersOf } from '../partner-lists.ts';
import { partnerMembersCh } from './journeys-clickhouse.ts';
import { partnerMembersSql } from './journeys-sql.ts';

const IDS = ['acme', 'beta', 'gamma', 'o.k-1'];

/** [partner value of a touch, the partners it counts for] */
const CASES: [string, string[]][] = [
  ['acme|beta', ['acme', 'beta']], // a list, as normalization writes it
  ['acme|beta|gamma', ['acme', 'beta', 'gamma']],
  ['beta|o.k-1', ['beta', 'o.k-1']],
  ['acme', ['acme']],
  ['house', ['house']],
  ['acme|foo', ['acme|foo']], // an unknown value kept as written: whole
  ['foo|bar', ['foo|bar']],
  ['acme|acme', ['acme|acme']], // one partner twice is no list
  ['acme||beta', ['acme||beta']],
  ['acme|', ['acme|']],
  ['|', ['|']],
  ['ACME|beta', ['ACME|beta']], // ids are matched exactly
  ['acme | beta', ['acme | beta']],
  ["o'k|acme", ["o'k|acme"]],
  ['', ['']],
];

async function members(engine: Engine, ids: string[]): Promise<string[][]> {
  const ch = engine.dialect === 'clickhouse';
  const rows = CASES.map(([v], i) => {
    const x = ch ? literal(v, 'clickhouse') : `CAST(${literal(v)} AS VARCHAR)`;
    return `SELECT ${i} AS i, ${ch ? partnerMembersCh(x, ids) : partnerMembersSql(x, ids)} AS m`;
  });
  const out = await engine.query<{ i: number; m: string[] }>(
    `SELECT i, m FROM (${rows.join(' UNION ALL ')}) ORDER BY i`,
  );
  return out.map((r) => [...r.m]);
}

function checks(engine: () => Engine) {
  it('splits lists of partner ids only, as partnersOf does', async () => {
    expect(CASES.map(([v]) => partnersOf(v, new Set(IDS)))).toEqual(CASES.map(([, m]) => m));
    expect(await members(engine(), IDS)).toEqual(CASES.map(([, m]) => m));
  });

  it('splits nothing without partners', async () => {
    expect(await members(engine(), [])).toEqual(CASES.map(([v]) => [v]));
  });
}

describe('DuckDB', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
  });
  afterAll(async () => duck?.close());
  checks(() => duck);
});

describe.skipIf(skipClickHouse)('ClickHouse 18.16 gives the same members', () => {
  checks(useClickHouseEngine());
});
