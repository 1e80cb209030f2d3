import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { openDuckDb, type DuckDbEngine } from './duckdb-api.ts';
import { ident, joinSql, literal, qualified, quoteIdent, raw, sql } from './sql-text.ts';

const HOSTILE = [
  "'; DROP TABLE victims; --",
  "o'brien",
  "''",
  "\\'; DROP TABLE victims; --",
  'back\\slash\\',
  'line\nbreak\r\n',
  '$$ dollar $$',
  '"double" quotes',
  'ünïcødé 🚀',
  '/* comment */ --',
];

describe('literal (DuckDB)', () => {
  it('quotes and doubles single quotes', () => {
    expect(literal("it's")).toBe("'it''s'");
    expect(literal('')).toBe("''");
    expect(literal('a\\b')).toBe("'a\\b'");
  });

  it('writes numbers, bigints, booleans and null', () => {
    expect(literal(42)).toBe('42');
    expect(literal(1.5)).toBe('1.5');
    expect(literal(-3)).toBe('(-3)');
    expect(literal(12345678901234567890n)).toBe('12345678901234567890');
    expect(literal(-5n)).toBe('(-5)');
    expect(literal(true)).toBe('TRUE');
    expect(literal(false)).toBe('FALSE');
    expect(literal(null)).toBe('NULL');
    expect(literal(undefined)).toBe('NULL');
  });

  it('refuses non-finite numbers and invalid dates', () => {
    for (const bad of [NaN, Infinity, -Infinity]) expect(() => literal(bad)).toThrow(GtmError);
    expect(() => literal(new Date('nope'))).toThrow(/invalid Date/);
  });

  it('writes a Date as a UTC timestamp literal', () => {
    expect(literal(new Date('2024-03-05T06:07:08.009Z'))).toBe("TIMESTAMP '2024-03-05 06:07:08.009'");
  });

  it('writes arrays as IN lists, and an empty list that matches nothing', () => {
    expect(literal(['a', "b'c", 3, null])).toBe("('a', 'b''c', 3, NULL)");
    expect(literal([])).toBe('(NULL)');
    expect(() => literal([[1]] as never)).toThrow(/nested arrays/);
  });

  it('refuses NUL characters', () => {
    expect(() => literal('a\0b')).toThrow(/NUL/);
  });
});

describe('literal (ClickHouse)', () => {
  it('escapes backslash and quote with a backslash', () => {
    expect(literal("it's", 'clickhouse')).toBe("'it\\'s'");
    expect(literal('a\\b', 'clickhouse')).toBe("'a\\\\b'");
    // The classic bypass of quote-doubling: a backslash before the quote.
    expect(literal("\\'; DROP TABLE t; --", 'clickhouse')).toBe("'\\\\\\'; DROP TABLE t; --'");
  });

  it('writes booleans as 1/0 and dates with toDateTime64', () => {
    expect(literal(true, 'clickhouse')).toBe('1');
    expect(literal(new Date('2024-03-05T06:07:08.009Z'), 'clickhouse')).toBe(
      "toDateTime64('2024-03-05 06:07:08.009', 3, 'UTC')",
    );
  });

  it('quotes identifiers with backslash escapes', () => {
    expect(quoteIdent('a"b\\c', 'clickhouse')).toBe('"a\\"b\\\\c"');
  });
});

describe('identifiers', () => {
  it('double-quotes and doubles embedded quotes', () => {
    expect(String(ident('Deal Amount'))).toBe('"Deal Amount"');
    expect(String(ident('a"b'))).toBe('"a""b"');
    expect(String(qualified('crm', 'deals'))).toBe('"crm"."deals"');
  });

  it('refuses empty names', () => {
    expect(() => ident('')).toThrow(GtmError);
    expect(() => qualified()).toThrow(GtmError);
  });
});

describe('sql template', () => {
  it('escapes values and splices fragments', () => {
    const q = sql`SELECT ${ident('partner')} FROM ${qualified('crm', 'deals')} WHERE amount >= ${100} AND stage IN ${[
      'won',
      "o'pen",
    ]} ${raw('ORDER BY 1')}`;
    expect(q.render()).toBe(
      `SELECT "partner" FROM "crm"."deals" WHERE amount >= 100 AND stage IN ('won', 'o''pen') ORDER BY 1`,
    );
    expect(q.render('clickhouse')).toBe(
      `SELECT "partner" FROM "crm"."deals" WHERE amount >= 100 AND stage IN ('won', 'o\\'pen') ORDER BY 1`,
    );
  });

  it('nests sql fragments and joins lists', () => {
    const where = sql`region = ${'EMEA'}`;
    const cols = joinSql([ident('a'), ident('b')]);
    expect(sql`SELECT ${cols} FROM t WHERE ${where}`.render()).toBe(
      `SELECT "a", "b" FROM t WHERE region = 'EMEA'`,
    );
  });

  it('never lets a negative number form a comment', () => {
    expect(sql`SELECT 1-${-1} AS v`.render()).toBe('SELECT 1-(-1) AS v');
  });
});

describe('round trip through DuckDB', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await openDuckDb();
    await engine.exec('CREATE TABLE victims (id INTEGER)');
  });
  afterAll(() => engine.close());

  it.each(HOSTILE)('reads back %j exactly, as a value and as a column name', async (text) => {
    const rows = await engine.query(sql`SELECT ${text} AS ${ident(text)}`.render());
    expect(rows).toEqual([{ [text]: text }]);
    expect(await engine.query('SELECT count(*) AS n FROM victims')).toEqual([{ n: 0 }]);
  });

  it('filters with an IN list of hostile strings', async () => {
    const rows = await engine.query(
      sql`SELECT v FROM (VALUES ${raw(HOSTILE.map((h) => `(${literal(h)})`).join(', '))}) t(v) WHERE v IN ${HOSTILE.slice(0, 3)} ORDER BY v`.render(),
    );
    expect(rows.map((r) => r.v).sort()).toEqual(HOSTILE.slice(0, 3).sort());
  });

  it('round-trips a Date literal', async () => {
    const rows = await engine.query(sql`SELECT ${new Date('2024-03-05T06:07:08.009Z')} AS ts`.render());
    expect(rows).toEqual([{ ts: '2024-03-05T06:07:08.009Z' }]);
  });
});
