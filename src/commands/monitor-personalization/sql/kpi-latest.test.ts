/**
 * Where each daily KPI's data stops (`kpiLatestSql`): the earliest last outcome of the sources that
 * fed the KPI inside the window, so a lagging source holds the KPI's complete days back (the h-mp
 * acceptance check, 2026-12-06: an EUR store export stopped on 11-28 at 20:27 while the USD one ran
 * to 11-30, and 11-29 counted as a complete conversion day without the EUR purchases).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type Engine } from '../../../data/index.ts';
import { kpiLatestSql } from './aggregate-sql.ts';
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
});
