/**
 * The touch checks proved from Parquet statistics: only when every check holds for sure; any doubt
 * leaves the full scan (`distinctChannelsSql`) to count the rows, and both give the same counts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDuckDb, type Engine } from '../../data/index.ts';
import { parquetTouchChecks } from './parquet-touch-checks.ts';
import { BLANK_CHANNEL_CODE_POINTS } from './sql/blank-channel.ts';
import { distinctChannelsSql, type TouchColumns } from './sql/path-summary-sql.ts';

const COLS: TouchColumns = { journey: 'j', time: 't', channel: 'ch', converted: 'cv', value: 'v' };
let engine: Engine;
let dir: string;
beforeAll(async () => {
  engine = await openDuckDb();
  dir = mkdtempSync(path.join(tmpdir(), 'gtm-pq-checks-'));
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** A Parquet file of the rows (a VALUES list), in row groups of 2 rows so statistics span groups. */
async function parquet(
  values: string,
  types = 'j INTEGER, t BIGINT, ch VARCHAR, cv INTEGER, v DOUBLE',
): Promise<string> {
  const file = path.join(dir, `t${n++}.parquet`);
  const names = types.split(',').map((x) => x.trim().split(' ')[0]);
  const casts = types.split(',').map((x) => {
    const [name, type] = x.trim().split(' ');
    return `CAST(${name} AS ${type}) AS ${name}`;
  });
  await engine.exec(
    `COPY (SELECT ${casts.join(', ')} FROM (VALUES ${values}) x(${names.join(', ')})) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 2)`,
  );
  return `read_parquet('${file}')`;
}

/** The counts of the full scan, as pathSummaryQuery sums them. */
async function scanned(relation: string, cols = COLS) {
  const rows = await engine.query<Record<string, unknown>>(distinctChannelsSql(relation, cols, 'duckdb'));
  const sum = (k: string, f: (r: Record<string, unknown>) => boolean = () => true) =>
    rows.filter(f).reduce((s, r) => s + Number(r[k] ?? 0), 0);
  return {
    touches: sum('touches'),
    noChannel: sum('touches', (r) => r.channel === null),
    noTime: sum('no_time', (r) => r.channel !== null),
    badConverted: sum('bad_converted'),
    badValue: sum('bad_value'),
  };
}

it('proves a clean log from its statistics, with the counts of the full scan', async () => {
  const rel = await parquet(
    `(1, 10, 'email', 0, 5.0), (1, 11, 'search', 1, 5.0), (2, 12, 'ads', 0, NULL), (3, 13, 'email', 1, 0.0), (3, 14, 'b c', 0, 2.5)`,
  );
  const proved = await parquetTouchChecks(engine, rel, COLS);
  expect(proved).toEqual({ touches: 5, noChannel: 0, noTime: 0, badConverted: 0, badValue: 0 });
  expect(proved).toEqual(await scanned(rel));
  // no value column, a boolean converted, an integer channel
  const b = await parquet(
    `(1, 10, 7, true), (2, 11, 8, false), (2, 12, 9, NULL)`,
    'j INTEGER, t BIGINT, ch INTEGER, cv BOOLEAN',
  );
  const noValue = { ...COLS, value: undefined };
  expect(await parquetTouchChecks(engine, b, noValue)).toEqual({
    touches: 3,
    noChannel: 0,
    noTime: 0,
    badConverted: 0,
    badValue: 0,
  });
  // a value column that is all NULL
  const nulls = await parquet(`(1, 10, 'email', 1, NULL), (2, 11, 'ads', 0, NULL), (2, 12, 'ads', 0, NULL)`);
  expect(await parquetTouchChecks(engine, nulls, COLS)).toMatchObject({ touches: 3 });
});

it.each([
  ['a missing time', `(1, NULL, 'email', 0, 1.0), (2, 11, 'ads', 1, 1.0), (2, 12, 'ads', 0, 1.0)`],
  ['a missing channel', `(1, 10, NULL, 0, 1.0), (2, 11, 'ads', 1, 1.0), (2, 12, 'ads', 0, 1.0)`],
  ['an empty channel', `(1, 10, 'email', 0, 1.0), (2, 11, '', 1, 1.0), (2, 12, 'ads', 0, 1.0)`],
  ['a blank channel', `(1, 10, 'email', 0, 1.0), (2, 11, '   ', 1, 1.0), (2, 12, 'ads', 0, 1.0)`],
  [
    'a blank channel alone in its row group',
    `(1, 10, 'email', 0, 1.0), (2, 11, 'ads', 1, 1.0), (2, 12, '  ', 0, 1.0)`,
  ],
  ['converted 2', `(1, 10, 'email', 2, 1.0), (2, 11, 'ads', 1, 1.0), (2, 12, 'ads', 0, 1.0)`],
  ['converted −1', `(1, 10, 'email', 0, 1.0), (2, 11, 'ads', 1, 1.0), (2, 12, 'ads', -1, 1.0)`],
  ['a negative value', `(1, 10, 'email', 0, 1.0), (2, 11, 'ads', 1, -3.0), (2, 12, 'ads', 0, 1.0)`],
  [
    'an infinite value',
    `(1, 10, 'email', 0, 1.0), (2, 11, 'ads', 1, CAST('inf' AS DOUBLE)), (2, 12, 'ads', 0, 1.0)`,
  ],
  [
    'a NaN value',
    `(1, 10, 'email', 0, 1.0), (2, 11, 'ads', 1, CAST('nan' AS DOUBLE)), (2, 12, 'ads', 0, 1.0)`,
  ],
])('leaves %s to the full scan, which counts it', async (_, values) => {
  const rel = await parquet(values);
  expect(await parquetTouchChecks(engine, rel, COLS)).toBeUndefined();
  const s = await scanned(rel);
  expect(s.noChannel + s.noTime + s.badConverted + s.badValue).toBe(1);
});

it('proves nothing about a converted column of fractions, a CSV, or a column it cannot find', async () => {
  const frac = await parquet(
    `(1, 10, 'email', 0.0, 1.0), (2, 11, 'ads', 1.0, 1.0)`,
    'j INTEGER, t BIGINT, ch VARCHAR, cv DOUBLE, v DOUBLE',
  );
  expect(await parquetTouchChecks(engine, frac, COLS)).toBeUndefined();
  expect(await parquetTouchChecks(engine, `read_csv_auto('x.csv')`, COLS)).toBeUndefined();
  const rel = await parquet(`(1, 10, 'email', 0, 1.0)`);
  expect(await parquetTouchChecks(engine, rel, { ...COLS, time: 'missing' })).toBeUndefined();
});

// Blank is one thing on every path: the scan's trim(channel) = '' removes exactly the Unicode space
// separators, and the statistics proof must not pass a channel made of them (a no-break space was
// proved a channel of its own from a Parquet log and left out from the same rows as CSV).
it('knows the characters that the scan counts as blank: those of DuckDB trim, no more, no less', async () => {
  const points: number[] = [];
  for (let c = 1; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) points.push(c);
  const blank: number[] = [];
  for (let i = 0; i < points.length; i += 4096) {
    const values = points
      .slice(i, i + 4096)
      .map((c) => `(${c}, '${String.fromCodePoint(c).replaceAll("'", "''")}')`)
      .join(', ');
    const rows = await engine.query<{ c: number }>(
      `SELECT c FROM (VALUES ${values}) x(c, s) WHERE trim(s) = '' ORDER BY c`,
    );
    blank.push(...rows.map((r) => Number(r.c)));
  }
  expect(blank).toEqual(BLANK_CHANNEL_CODE_POINTS);
});

it.each(
  BLANK_CHANNEL_CODE_POINTS.filter((c) => c > 0x20).map((c) => [c.toString(16).padStart(4, '0'), c] as const),
)('leaves a channel of U+%s (a space separator) to the full scan, which counts it blank', async (_, c) => {
  const blank = String.fromCodePoint(c);
  for (const values of [
    `(1, 10, 'email', 0, 1.0), (2, 11, 'ads', 1, 1.0), (2, 12, '${blank}', 0, 1.0)`,
    `(1, 10, 'email', 0, 1.0), (2, 11, '${blank}${blank} ', 1, 1.0), (2, 12, 'ads', 0, 1.0)`,
  ]) {
    const rel = await parquet(values);
    expect(await parquetTouchChecks(engine, rel, COLS)).toBeUndefined();
    expect(await scanned(rel)).toMatchObject({ touches: 3, noChannel: 1 });
  }
});

it('still proves channels beyond ASCII when no space separator can start one', async () => {
  // U+30BD..U+30E1: U+3000 is below the range; a name with a no-break space inside is no blank
  const rel = await parquet(
    `(1, 10, 'ソーシャル', 0, 1.0), (2, 11, 'メール', 1, 1.0), (2, 12, 'メ ル', 0, 1.0)`,
  );
  const proved = await parquetTouchChecks(engine, rel, COLS);
  expect(proved).toEqual({ touches: 3, noChannel: 0, noTime: 0, badConverted: 0, badValue: 0 });
  expect(proved).toEqual(await scanned(rel));
  // a tab or a BOM is not a space separator: a channel of its own for the scan too (not proved:
  // the range of first characters holds the space)
  const other = await parquet(`(1, 10, '	', 0, 1.0), (2, 11, '﻿', 1, 1.0), (2, 12, 'ads', 0, 1.0)`);
  expect(await parquetTouchChecks(engine, other, COLS)).toBeUndefined();
  expect(await scanned(other)).toMatchObject({ touches: 3, noChannel: 0 });
});
