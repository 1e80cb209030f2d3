import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse } from '../../data/index.ts';
import { findClickHouseServer, startClickHouse } from '../../../test/helpers/clickhouse-server.ts';
import { GtmError } from '../../errors/index.ts';
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

describe('touch rows that are refused, left out or disagree', () => {
  const HEAD = 'journey_id,ts,channel,converted,value\n';
  const run = async (name: string, body: string, model = 'linear') => {
    const file = path.join(dir, name);
    await writeFile(file, HEAD + body);
    return runAttributeTouchpoints({ touchpoints: file, model });
  };
  const refusal = async (name: string, body: string) => {
    const err = await run(name, body).then(
      () => undefined,
      (e: unknown) => e as GtmError,
    );
    expect(err).toBeInstanceOf(GtmError);
    return { code: err!.code, where: err!.where, message: err!.message };
  };

  it.each([
    ['-1', 'j1,1,A,0,5\nj1,2,B,-1,5\nj2,1,A,0,0\n', 3],
    ['2', 'j1,1,A,2,5\nj1,2,B,2,5\nj2,1,A,0,0\n', 2],
    ['0.5', 'j1,1,A,0,5\nj2,1,A,0,0\nj2,2,B,0.5,0\n', 4],
  ])('refuses converted %s (a flag: 0 or 1) with its file, line and column', async (v, body, line) => {
    const name = `conv${line}-${v}.csv`;
    expect(await refusal(name, body)).toEqual({
      code: 'INPUT',
      where: `${path.join(dir, name)}:${line}:converted`,
      message: `"${v}" is not 0 or 1 (column converted, data row ${line - 1})`,
    });
  });

  it('refuses a negative conversion value like a negative count', async () => {
    const name = 'negative-value.csv';
    expect(await refusal(name, 'j1,1,A,1,10\nj1,2,B,1,-10\n')).toEqual({
      code: 'INPUT',
      where: `${path.join(dir, name)}:3:value`,
      message: '"-10" is negative (column value, data row 2)',
    });
  });

  // j3's empty flag made it neither converting nor not (count − sum(NULL)): a journey lost
  it('reads true/false and empty flags as 1/0', async () => {
    const r = await run('bool.csv', 'j1,1,A,true,5\nj1,2,B,false,5\nj2,1,A,false,0\nj3,1,B,,0\n');
    expect([r.totals.conversions, r.totals.value, r.totals.nulls]).toEqual([1, 5, 2]);
    expect(r.warnings).toBeUndefined();
  });

  // A column mixing 0/1 with true/false is typed as text: "true" was refused as "not a finite
  // number", and 0/1 for DuckDB's 20,480-row sample followed by true stopped the read (ENGINE)
  it.each([
    ['mixed.csv', 'j1,1,A,0,5\nj1,2,B,TRUE,5\nj2,1,A,False,0\nj3,1,B,1,7\nj4,1,A,,0\n'],
    ['upper.csv', 'j1,1,A,FALSE,5\nj1,2,B,true,5\nj2,1,A,0,0\nj3,1,B,1,7\nj4,1,A,,0\n'],
  ])('reads a converted column mixing 0/1 and true/false (%s)', async (name, body) => {
    const r = await run(name, body);
    // j1 A>B converts at 5, j3 B at 7; j2 and j4 do not
    expect([r.totals.conversions, r.totals.value, r.totals.nulls]).toEqual([2, 12, 2]);
    const credit = Object.fromEntries((r.channels ?? []).map((c) => [c.channel, [c.conversions, c.value]]));
    expect(credit).toEqual({ A: [0.5, 2.5], B: [1.5, 9.5] });
    expect(r.warnings).toBeUndefined();
  });

  it('reads true beyond the rows DuckDB samples for the type, in a CSV and in NDJSON', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `j${i},${i},A,${i % 2},1`);
    const r = await run('late-true.csv', `${rows.join('\n')}\njx,1,B,true,3\n`);
    expect([r.totals.conversions, r.totals.value]).toEqual([15_001, 15_003]);
    const file = path.join(dir, 'mixed.ndjson');
    await writeFile(
      file,
      [
        { journey_id: 'j1', ts: 1, channel: 'A', converted: 0, value: 5 },
        { journey_id: 'j1', ts: 2, channel: 'B', converted: true, value: 5 },
        { journey_id: 'j2', ts: 1, channel: 'A', converted: 'false', value: null },
        { journey_id: 'j3', ts: 1, channel: 'B', converted: '1', value: 7 },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const j = await runAttributeTouchpoints({ touchpoints: file, model: 'linear' });
    expect([j.totals.conversions, j.totals.value, j.totals.nulls]).toEqual([2, 12, 1]);
  });

  it('refuses a flag that is neither 0/1 nor true/false as not 0 or 1, in a CSV and in NDJSON', async () => {
    expect(await refusal('yes.csv', 'j1,1,A,0,5\nj1,2,B,true,5\nj2,1,A,yes,0\n')).toEqual({
      code: 'INPUT',
      where: `${path.join(dir, 'yes.csv')}:4:converted`,
      message: '"yes" is not 0 or 1 (column converted, data row 3)',
    });
    const file = path.join(dir, 'yes.ndjson');
    await writeFile(
      file,
      '{"journey_id":"j1","ts":1,"channel":"A","converted":true}\n{"journey_id":"j2","ts":1,"channel":"A","converted":"yes"}\n',
    );
    const err = await runAttributeTouchpoints({ touchpoints: file, model: 'linear' }).catch(
      (e: GtmError) => e,
    );
    expect([(err as GtmError).where, (err as GtmError).message]).toEqual([
      `${file}:2:converted`,
      '"yes" is not 0 or 1 (column converted, data row 2)',
    ]);
  });

  it('leaves rows without a channel or time out of the path, counted with the reason and warned', async () => {
    // j1 = A, (no channel), C converting at 100; j2 = A; j3 = (blank channel) converting at 7;
    // j4 = B without a time, then B
    const r = await run(
      'holes.csv',
      'j1,1,A,1,100\nj1,2,,1,100\nj1,3,C,1,100\nj2,1,A,0,0\nj3,1,  ,1,7\nj4,,B,0,0\nj4,2,B,0,0\n',
    );
    expect(r.source.touches).toEqual({
      rows: 7,
      kept: 4,
      rejected: { no_channel: 2, no_time: 1 },
      value_conflicts: 0,
      journeys_without_touch: 1,
    });
    // by hand: j1 A>C splits 1 conversion and 100 half and half; j3 has no touch left: unmatched
    const credit = Object.fromEntries((r.channels ?? []).map((c) => [c.channel, [c.conversions, c.value]]));
    expect(credit).toEqual({ A: [0.5, 50], B: [0, 0], C: [0.5, 50], '(unmatched)': [1, 7] });
    expect([r.totals.conversions, r.totals.nulls]).toEqual([2, 2]);
    expect(r.warnings).toEqual([
      '3 touch rows were left out of the paths (2 have no channel, 1 has no time; of 7 rows): fill in channel and ts, or drop the rows',
      '1 journey has no touch left (1 conversion): credited to (unmatched)',
    ]);
  });

  it('keeps the largest value of a journey and counts the converting journeys whose touches disagree', async () => {
    // j1: 100 then 50 (disagree); j2: 50 then 100 (disagree); j3: value on the converting row only
    // (agree); j4: repeated (agree); j5: disagrees but does not convert (its value is not used)
    const r = await run(
      'values.csv',
      'j1,1,A,1,100\nj1,2,B,1,50\nj2,1,A,1,50\nj2,2,B,1,100\nj3,1,A,0,0\nj3,2,B,1,30\nj4,1,A,1,20\nj4,2,B,1,20\nj5,1,A,0,3\nj5,2,B,0,4\n',
    );
    expect(r.totals.value).toBe(100 + 100 + 30 + 20);
    expect(r.source.touches?.value_conflicts).toBe(2);
    expect(r.warnings).toEqual([
      '2 converting journeys have touches with different values: the largest value of each journey was used (give the value on every row of the journey, or on its converting row only)',
    ]);
  });
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
