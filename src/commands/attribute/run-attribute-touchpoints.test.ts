import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse } from '../../data/index.ts';
import { findClickHouseServer, startClickHouse } from '../../../test/helpers/clickhouse-server.ts';
import { runAttribute } from './run-attribute.ts';
import { runAttributeTouchpoints } from './run-attribute-touchpoints.ts';

let dir: string;
const journeys: { id: number; touches: [number, string][]; converted: number; value: number }[] = [
  {
    id: 1,
    touches: [
      [30, 'email'],
      [10, 'search'],
      [20, 'social'],
    ],
    converted: 1,
    value: 100,
  },
  {
    id: 2,
    touches: [
      [5, 'search'],
      [6, 'search'],
    ],
    converted: 0,
    value: 0,
  },
  {
    id: 3,
    touches: [
      [1, 'social'],
      [2, 'email'],
    ],
    converted: 1,
    value: 40,
  },
  {
    id: 4,
    touches: [
      [9, 'search'],
      [3, 'email'],
      [7, 'social'],
    ],
    converted: 0,
    value: 0,
  },
  {
    id: 5,
    touches: [
      [4, 'search'],
      [8, 'social'],
      [12, 'email'],
    ],
    converted: 1,
    value: 60,
  },
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-tp-'));
  // the raw log, rows deliberately out of time order
  const rows = journeys.flatMap((j) =>
    j.touches.map(([ts, ch]) => `${j.id},${ts},${ch},${j.converted},${j.value}`),
  );
  await writeFile(
    path.join(dir, 'touches.csv'),
    `journey_id,ts,channel,converted,value\n${rows.reverse().join('\n')}\n`,
  );
  // the same journeys as a path summary, ordered by hand
  const summary = new Map<string, [number, number, number]>();
  for (const j of journeys) {
    const key = [...j.touches]
      .sort((a, b) => a[0] - b[0])
      .map(([, c]) => c)
      .join(' > ');
    const s = summary.get(key) ?? [0, 0, 0];
    summary.set(key, [s[0] + j.converted, s[1] + j.value, s[2] + (1 - j.converted)]);
  }
  await writeFile(
    path.join(dir, 'paths.csv'),
    `path;total_conversions;total_conversion_value;total_null\n${[...summary].map(([p, [c, v, n]]) => `${p};${c};${v};${n}`).join('\n')}\n`,
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it.each(['linear', 'markov', 'shapley', 'fractribution', 'time-decay'])(
  '%s from a raw touch log equals the hand-built path summary',
  async (model) => {
    const raw = await runAttributeTouchpoints({ touchpoints: path.join(dir, 'touches.csv'), model });
    const summary = await runAttribute({ paths: path.join(dir, 'paths.csv'), model });
    const byChannel = (r: typeof raw) =>
      Object.fromEntries(
        (r.channels ?? []).map((c) => [c.channel, [c.conversions.toFixed(9), c.value.toFixed(9)]]),
      );
    expect(byChannel(raw)).toEqual(byChannel(summary));
    expect(raw.totals.conversions).toBe(3);
    expect(raw.totals.value).toBe(200);
  },
);

it('names a missing column and the flag to set', async () => {
  await expect(
    runAttributeTouchpoints({
      touchpoints: path.join(dir, 'touches.csv'),
      model: 'linear',
      columns: { channel: 'medium' },
    }),
  ).rejects.toThrow(/no column "medium".*channel/);
});

const chServer = findClickHouseServer();
describe.skipIf(!chServer && !process.env.CI)('on a ClickHouse server', () => {
  let server: Awaited<ReturnType<typeof startClickHouse>>;
  beforeAll(async () => {
    if (!chServer) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    server = await startClickHouse();
    const e = await openClickHouse({ url: server.url });
    await e.exec(
      `CREATE TABLE touches (journey_id Int64, ts Int64, channel String, converted UInt8, value Float64) ENGINE = MergeTree ORDER BY journey_id`,
    );
    await e.exec(
      `INSERT INTO touches VALUES ${journeys.flatMap((j) => j.touches.map(([ts, ch]) => `(${j.id}, ${ts}, '${ch}', ${j.converted}, ${j.value})`)).join(', ')}`,
    );
    await e.close();
  }, 120_000);
  afterAll(() => server?.stop());

  it('gives the same credit as the touch log read by DuckDB', async () => {
    const ch = await runAttributeTouchpoints({
      touchpoints: 'touches',
      clickhouse: server.url,
      model: 'markov',
    });
    const duck = await runAttributeTouchpoints({
      touchpoints: path.join(dir, 'touches.csv'),
      model: 'markov',
    });
    const byChannel = (r: typeof ch) =>
      Object.fromEntries((r.channels ?? []).map((c) => [c.channel, c.conversions.toFixed(9)]));
    expect(byChannel(ch)).toEqual(byChannel(duck));
  });

  it('refuses something that is not a table name', async () => {
    await expect(
      runAttributeTouchpoints({
        touchpoints: 'touches; DROP TABLE x',
        clickhouse: server.url,
        model: 'linear',
      }),
    ).rejects.toThrow(/not a ClickHouse table name/);
  });
});
