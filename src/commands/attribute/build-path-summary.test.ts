import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, openDuckDb, type Engine } from '../../data/index.ts';
import { findClickHouseServer, startClickHouseCluster } from '../../../test/helpers/clickhouse-server.ts';
import { buildPathSummary } from './build-path-summary.ts';

/** A small seeded touch log, with ties in time, repeats and a journey spanning many touches. */
function touchLog(seed: number, journeys: number) {
  let a = seed;
  const rnd = () => (a = (a * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const rows: { journey_id: number; ts: number; channel: string; converted: number; value: number }[] = [];
  for (let j = 0; j < journeys; j++) {
    const len = 1 + Math.floor(rnd() * (j === 0 ? 40 : 7));
    const conv = rnd() < 0.3 ? 1 : 0;
    const value = conv ? Math.round(rnd() * 1000) / 10 : 0;
    for (let k = 0; k < len; k++)
      rows.push({
        journey_id: j,
        ts: 1_700_000_000 + Math.floor(rnd() * 5) * 60,
        channel: ['email', 'paid search', "o'brien", 'direct'][Math.floor(rnd() * 4)],
        converted: conv,
        value,
      });
  }
  return rows;
}

/** The expected summary, computed directly: order each journey by (time, channel code). */
function expected(rows: ReturnType<typeof touchLog>) {
  const channels = [...new Set(rows.map((r) => r.channel))].sort();
  const byJ = new Map<number, typeof rows>();
  for (const r of rows) byJ.set(r.journey_id, [...(byJ.get(r.journey_id) ?? []), r]);
  const out = new Map<string, { conversions: number; value: number; nulls: number }>();
  for (const list of byJ.values()) {
    list.sort((x, y) => x.ts - y.ts || channels.indexOf(x.channel) - channels.indexOf(y.channel));
    const key = list.map((r) => r.channel).join('>');
    const e = out.get(key) ?? { conversions: 0, value: 0, nulls: 0 };
    if (list[0].converted) {
      e.conversions++;
      e.value += list[0].value;
    } else e.nulls++;
    out.set(key, e);
  }
  return out;
}

const asMap = (paths: { path: string[]; conversions: number; value: number; nulls: number }[]) =>
  new Map(
    paths.map((p) => [
      p.path.join('>'),
      { conversions: p.conversions, value: Math.round(p.value * 1000) / 1000, nulls: p.nulls },
    ]),
  );
const rounded = (m: ReturnType<typeof expected>) =>
  new Map([...m].map(([k, v]) => [k, { ...v, value: Math.round(v.value * 1000) / 1000 }]));

const rows = touchLog(7, 400);
const cols = {
  journey: 'journey_id',
  time: 'ts',
  channel: 'channel',
  converted: 'converted',
  value: 'value',
};

describe('buildPathSummary on DuckDB', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openDuckDb();
    await engine.exec(
      `CREATE TABLE touches (journey_id BIGINT, ts BIGINT, channel VARCHAR, converted INTEGER, value DOUBLE)`,
    );
    await engine.exec(
      `INSERT INTO touches VALUES ${rows.map((r) => `(${r.journey_id}, ${r.ts}, '${r.channel.replace(/'/g, "''")}', ${r.converted}, ${r.value})`).join(', ')}`,
    );
  });
  afterAll(() => engine.close());

  it('matches a direct computation of ordered paths, with ties broken by channel', async () => {
    const built = await buildPathSummary(engine, 'touches', cols);
    expect(built.journeys).toBe(400);
    expect(asMap(built.paths)).toEqual(rounded(expected(rows)));
    expect(built.paths.some((p) => p.path.length >= 20)).toBe(true);
  });

  it('reads TIMESTAMP time columns', async () => {
    await engine.exec(
      `CREATE TABLE t2 AS SELECT journey_id, to_timestamp(ts) AS ts, channel, converted, value FROM touches`,
    );
    const built = await buildPathSummary(engine, 't2', cols);
    expect(asMap(built.paths)).toEqual(rounded(expected(rows)));
  });
});

const server = findClickHouseServer();
describe.skipIf(!server && !process.env.CI)(
  'buildPathSummary on a ClickHouse cluster (Distributed table over two shards)',
  () => {
    let cluster: Awaited<ReturnType<typeof startClickHouseCluster>>;
    let engines: Engine[] = [];
    beforeAll(async () => {
      if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
      cluster = await startClickHouseCluster(2);
      engines = await Promise.all(cluster.urls.map((url) => openClickHouse({ url })));
      for (const e of engines) {
        await e.exec(
          `CREATE TABLE touches_local (journey_id Int64, ts Int64, channel String, converted UInt8, value Float64) ENGINE = MergeTree ORDER BY journey_id`,
        );
        await e.exec(
          `CREATE TABLE touches AS touches_local ENGINE = Distributed(${cluster.cluster}, default, touches_local, journey_id)`,
        );
      }
      // shard by journey, as a real cluster would: every journey lives on one shard
      for (const [i, e] of engines.entries()) {
        const part = rows.filter((r) => r.journey_id % 2 === i);
        await e.exec(
          `INSERT INTO touches_local VALUES ${part.map((r) => `(${r.journey_id}, ${r.ts}, '${r.channel.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}', ${r.converted}, ${r.value})`).join(', ')}`,
        );
      }
    }, 120_000);
    afterAll(async () => {
      await Promise.all(engines.map((e) => e.close()));
      await cluster?.stop();
    });

    it('gives the same paths as the direct computation', async () => {
      const built = await buildPathSummary(engines[0], 'touches', cols);
      expect(built.journeys).toBe(400);
      expect(asMap(built.paths)).toEqual(rounded(expected(rows)));
    });
  },
);
