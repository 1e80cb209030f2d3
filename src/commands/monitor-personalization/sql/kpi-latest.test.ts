/**
 * Where each daily KPI's data stops (`kpiLatestSql`): the earliest last outcome of the sources that
 * fed the KPI inside the window, so a lagging source holds the KPI's complete days back (the h-mp
 * acceptance check, 2026-12-06: an EUR store export stopped on 11-28 at 20:27 while the USD one ran
 * to 11-30, and 11-29 counted as a complete conversion day without the EUR purchases).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipClickHouse, useClickHouseEngine } from '../../../../test/helpers/clickhouse-parity.ts';
import { openDuckDb, type Engine } from '../../../data/index.ts';
import { kpiLatestSql } from './aggregate-sql.ts';
import { experimentOutcomesSql, type ExperimentScope } from './experiment-sql.ts';
import { dialectOf } from './dialect-sql.ts';
import type { Scope } from './scope-sql.ts';

const scope: Scope = {
  q: dialectOf('duckdb'),
  initiatives: null,
  start: '2026-11-17T00:00:00.000Z',
  end: '2026-12-01T00:00:00.000Z',
  historyStart: '2026-09-01T00:00:00.000Z',
  attributionDays: 3,
  engagement: ['view'],
  conversion: ['purchase'],
};

let engine: Engine;
beforeAll(async () => {
  engine = await openDuckDb();
  await engine.exec(`CREATE TABLE mp_outcomes AS SELECT * FROM (VALUES
    ('us', TIMESTAMP '2026-11-30 22:10:00', 1, 0, NULL),
    ('us', TIMESTAMP '2026-11-30 21:00:00', 0, 1, NULL),
    ('eu', TIMESTAMP '2026-11-28 20:27:00', 0, 1, 42.5),
    ('eu', TIMESTAMP '2026-11-20 09:00:00', 1, 0, NULL),
    ('archive', TIMESTAMP '2026-10-02 12:00:00', 0, 1, 19.0),
    ('us', TIMESTAMP '2026-12-03 08:00:00', 0, 1, 10.0)
  ) t(_source, occurred_at, engaged, converted, value)`);
});
afterAll(() => engine.close());

describe('kpiLatestSql', () => {
  it('holds each KPI to the source that stopped first inside the window, not to an archive', async () => {
    const [r] = await engine.query(kpiLatestSql(scope));
    // conversion: us 11-30 21:00, eu 11-28 20:27 (inside the window), archive 10-02 (before it)
    expect(String(r.conversion)).toMatch(/^2026-11-28T20:27:00/);
    // engagement: us 11-30 22:10, eu 11-20 09:00, both inside
    expect(String(r.engagement)).toMatch(/^2026-11-20T09:00:00/);
    // revenue: eu's 11-28 (us's 12-03 is after the window's end, the archive's before the window)
    expect(String(r.revenue)).toMatch(/^2026-11-28T20:27:00/);
  });

  it('a source that stopped before the window does not hold a KPI back; with none inside, the latest of all', async () => {
    const [r] = await engine.query(kpiLatestSql({ ...scope, start: '2026-11-29T12:00:00.000Z' }));
    expect(String(r.engagement)).toMatch(/^2026-11-30T22:10:00/);
    // revenue outcomes all before 11-29 12:00: the latest of them
    expect(String(r.revenue)).toMatch(/^2026-11-28T20:27:00/);
  });

  it('counts the outcome rows in the window, all and of each kind (what the performance rows can see)', async () => {
    const [r] = await engine.query(kpiLatestSql(scope));
    // [11-17, 12-01): us 11-30 22:10 (view) and 21:00 (purchase), eu 11-28 (purchase, 42.5) and
    // 11-20 (view); not the archive's 10-02 nor us's 12-03
    expect(
      [r.window_outcomes, r.window_engagement, r.window_conversion, r.window_revenue].map(Number),
    ).toEqual([4, 2, 2, 1]);
    const [late] = await engine.query(kpiLatestSql({ ...scope, start: '2026-11-30T21:30:00.000Z' }));
    expect(
      [late.window_outcomes, late.window_engagement, late.window_conversion, late.window_revenue].map(Number),
    ).toEqual([1, 1, 0, 0]);
  });

  it('counts 0 on an empty outcomes table, not null', async () => {
    await engine.exec('CREATE TABLE empty_o AS SELECT * FROM mp_outcomes WHERE false');
    const sql = kpiLatestSql(scope).replace('mp_outcomes', 'empty_o');
    const [r] = await engine.query(sql);
    expect(
      [r.window_outcomes, r.window_engagement, r.window_conversion, r.window_revenue].map(Number),
    ).toEqual([0, 0, 0, 0]);
    expect(r.conversion).toBeNull();
  });
});

/** The window counts on ClickHouse 18.16 (times as Int64 epoch milliseconds), empty and not. */
describe.skipIf(skipClickHouse)('kpiLatestSql window counts and experimentOutcomesSql on ClickHouse', () => {
  const click = useClickHouseEngine();
  const ch: Scope = { ...scope, q: dialectOf('clickhouse') };
  const exp: ExperimentScope = {
    index: 0,
    rule: 'hero',
    variants: ['a', 'b'],
    start: '2026-11-29T00:00:00.000Z',
    stop: '2026-12-01T00:00:00.000Z',
    metrics: [],
  };
  const counts = (r: Record<string, unknown>) =>
    [r.window_outcomes, r.window_engagement, r.window_conversion, r.window_revenue].map(Number);
  const create = () =>
    click().exec(
      `CREATE TABLE mp_outcomes (_source String, occurred_at Int64, engaged UInt8, converted UInt8,
         value Nullable(Float64)) ENGINE = Memory`,
    );

  it('counts 0 on an empty outcomes table, and finds no outcome in an experiment window', async () => {
    await click().exec('DROP TABLE IF EXISTS mp_outcomes');
    await create();
    const [r] = await click().query(kpiLatestSql(ch));
    expect(counts(r)).toEqual([0, 0, 0, 0]);
    const [e] = await click().query(experimentOutcomesSql(ch, exp));
    expect(Number(e.n)).toBe(0);
  });

  it('counts the rows in the window as DuckDB does', async () => {
    await click().exec('DROP TABLE IF EXISTS mp_outcomes');
    await create();
    const ms = (t: string) => Date.parse(`${t.replace(' ', 'T')}Z`);
    const rows: [string, string, number, number, number | null][] = [
      ['us', '2026-11-30 22:10:00', 1, 0, null],
      ['us', '2026-11-30 21:00:00', 0, 1, null],
      ['eu', '2026-11-28 20:27:00', 0, 1, 42.5],
      ['eu', '2026-11-20 09:00:00', 1, 0, null],
      ['archive', '2026-10-02 12:00:00', 0, 1, 19.0],
      ['us', '2026-12-03 08:00:00', 0, 1, 10.0],
    ];
    await click().exec(
      `INSERT INTO mp_outcomes VALUES ${rows
        .map(([src, at, e, c, v]) => `('${src}', ${ms(at)}, ${e}, ${c}, ${v === null ? 'NULL' : v})`)
        .join(', ')}`,
    );
    const [r] = await click().query(kpiLatestSql(ch));
    expect(counts(r)).toEqual([4, 2, 2, 1]);
    // the experiment's [11-29, 12-01): us's two rows of 11-30
    const [e] = await click().query(experimentOutcomesSql(ch, exp));
    expect(Number(e.n)).toBe(2);
  });
});

describe('experimentOutcomesSql (DuckDB)', () => {
  it('counts the outcome rows in the experiment window [start, stop)', async () => {
    const exp: ExperimentScope = {
      index: 0,
      rule: 'hero',
      variants: ['a', 'b'],
      start: '2026-11-29T00:00:00.000Z',
      stop: '2026-12-01T00:00:00.000Z',
      metrics: [],
    };
    const duck = await openDuckDb();
    await duck.exec(`CREATE TABLE mp_outcomes AS SELECT * FROM (VALUES
      (TIMESTAMP '2026-11-30 22:10:00'), (TIMESTAMP '2026-11-28 23:59:59'), (TIMESTAMP '2026-12-01 00:00:00')) t(occurred_at)`);
    const [e] = await duck.query(experimentOutcomesSql(scope, exp));
    expect(Number(e.n)).toBe(1);
    await duck.close();
  });
});
