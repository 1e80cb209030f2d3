import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse } from '../../data/clickhouse-engine.ts';
import { runExperimentReadout } from './run-experiment-readout.ts';
import { parseMetricSpecs, runRawReadout } from './run-raw-readout.ts';

let dir: string;
// two rows per user for some users: the reduction must sum per unit first
const users = Array.from({ length: 400 }, (_, i) => ({
  id: `u${i}`,
  variant: i % 2 ? 'treatment' : 'control',
  converted: (i * 7) % 10 < (i % 2 ? 4 : 3) ? 1 : 0,
  spend: ((i * 13) % 50) + (i % 2 ? 6 : 0),
}));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-raw-'));
  const rows = users.flatMap((u) =>
    u.spend > 25
      ? [
          [u.id, u.variant, u.converted, u.spend / 2],
          [u.id, u.variant, 0, u.spend / 2],
        ]
      : [[u.id, u.variant, u.converted, u.spend]],
  );
  await writeFile(
    path.join(dir, 'exposures.csv'),
    `user_id,variant,converted,spend\n${rows.map((r) => r.join(',')).join('\n')}\n`,
  );
  // the same data reduced by hand, per user
  const stat = (v: string, f: (u: (typeof users)[number]) => number) => {
    const xs = users.filter((u) => u.variant === v).map(f);
    return { n: xs.length, sum: xs.reduce((a, b) => a + b, 0), ss: xs.reduce((a, b) => a + b * b, 0) };
  };
  const lines = ['metric,type,variant,n,sum,sum_squares'];
  for (const v of ['control', 'treatment']) {
    const c = stat(v, (u) => u.converted);
    lines.push(`converted,proportion,${v},${c.n},${c.sum},`);
  }
  for (const v of ['control', 'treatment']) {
    const s = stat(v, (u) => u.spend);
    lines.push(`spend,mean,${v},${s.n},${s.sum},${s.ss}`);
  }
  await writeFile(path.join(dir, 'by-hand.csv'), `${lines.join('\n')}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('reduces raw rows per unit in the engine to the same readout as statistics reduced by hand', async () => {
  const raw = await runRawReadout({
    exposures: path.join(dir, 'exposures.csv'),
    variantColumn: 'variant',
    unitColumn: 'user_id',
    metrics: ['converted:proportion:converted', 'spend:mean:spend'],
    control: 'control',
  });
  const hand = await runExperimentReadout({ input: path.join(dir, 'by-hand.csv') });
  const pick = (r: typeof hand) =>
    r.metrics.map((m) =>
      m.variants.map((v) => [m.name, v.name, v.effect?.toFixed(10), v.p_value?.toFixed(10)]),
    );
  expect(pick(raw)).toEqual(pick(hand));
  expect(raw.reduced_from.rows).toBeGreaterThan(users.length);
});

it('explains a malformed metric spec', () => {
  expect(() => parseMetricSpecs(['aov:ratio:revenue'])).toThrow(/numerator\/denominator/);
  expect(() => parseMetricSpecs(['x:median:y'])).toThrow(/unknown type "median"/);
});

/**
 * A unit seen in more than one variant (a multiple exposure) is left out of every arm and counted
 * for the health check, as the monitoring commands do: 40 of 400 users (20 per arm) also logged
 * rows under the other variant. By hand: 360 users in one variant each (180 + 180), 40 / (40 + 360) = 10% > 1%,
 * an alert that stops the test. Before, those users were counted in both arms (220 + 220, their
 * outcomes twice) and nothing was said.
 */
const twice = (_: (typeof users)[number], i: number) => i % 20 === 3 || i % 20 === 8;
const exposedTwice = users.flatMap((u, i) => {
  const other = u.variant === 'control' ? 'treatment' : 'control';
  return [[u.id, u.variant, u.converted, u.spend], ...(twice(u, i) ? [[u.id, other, 1, 5]] : [])];
});
const onceByHand = () => {
  const lines = ['metric,type,variant,n,sum,sum_squares'];
  for (const [metric, type, f] of [
    ['converted', 'proportion', (u: (typeof users)[number]) => u.converted],
    ['spend', 'mean', (u: (typeof users)[number]) => u.spend],
  ] as const) {
    for (const v of ['control', 'treatment']) {
      const xs = users.filter((u, i) => u.variant === v && !twice(u, i)).map(f);
      const sum = xs.reduce((a, b) => a + b, 0);
      const ss = xs.reduce((a, b) => a + b * b, 0);
      lines.push(`${metric},${type},${v},${xs.length},${sum},${type === 'mean' ? ss : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
};
const twiceCsv = () =>
  `user_id,variant,converted,spend\n${exposedTwice.map((r) => r.join(',')).join('\n')}\n`;
const rawOptions = (exposures: string) => ({
  exposures,
  variantColumn: 'variant',
  unitColumn: 'user_id',
  metrics: ['converted:proportion:converted', 'spend:mean:spend'],
  control: 'control',
});
const numbers = (r: Awaited<ReturnType<typeof runExperimentReadout>>) =>
  r.metrics.map((m) => [
    m.control.n,
    ...m.variants.map((v) => [v.n, v.effect?.toFixed(10), v.se?.toFixed(10), v.p_value?.toFixed(10)]),
  ]);

it('leaves out and counts the units seen in more than one variant', async () => {
  await writeFile(path.join(dir, 'twice.csv'), twiceCsv());
  await writeFile(path.join(dir, 'once-by-hand.csv'), onceByHand());
  const raw = await runRawReadout(rawOptions(path.join(dir, 'twice.csv')));
  const hand = await runExperimentReadout({ input: path.join(dir, 'once-by-hand.csv') });
  expect(raw.metrics[0].control.n).toBe(180);
  expect(raw.metrics[0].variants[0].n).toBe(180);
  expect(numbers(raw)).toEqual(numbers(hand));
  expect(raw.health.multiple_exposure).toEqual({ count: 40, rate: 0.1, max_rate: 0.01, alert: true });
  expect(raw.recommendation.action).toBe('stop');
  // without a unit column the units cannot be told apart: no count, no check
  const rows = await runRawReadout({ ...rawOptions(path.join(dir, 'twice.csv')), unitColumn: undefined });
  expect(rows.health.multiple_exposure).toBeNull();
  expect(rows.metrics[0].control.n + rows.metrics[0].variants[0].n).toBe(exposedTwice.length);
});

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)('on ClickHouse 18.16', () => {
  let ch: ClickHouseServer;
  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    ch = await startClickHouse();
    const click = await openClickHouse({ url: ch.url });
    try {
      await click.exec(
        'CREATE TABLE twice (user_id String, variant Nullable(String), converted Float64, spend Float64) ENGINE = Memory',
      );
      await click.exec(
        `INSERT INTO twice VALUES ${exposedTwice.map(([id, v, c, s]) => `('${id}', '${v}', ${c}, ${s})`).join(', ')}`,
      );
    } finally {
      await click.close();
    }
  }, 120_000);
  afterAll(async () => ch?.stop());

  it('leaves out and counts the same units as DuckDB', async () => {
    const onClickHouse = await runRawReadout({ ...rawOptions('twice'), clickhouse: ch.url });
    const onDuckDb = await runRawReadout(rawOptions(path.join(dir, 'twice.csv')));
    expect(numbers(onClickHouse)).toEqual(numbers(onDuckDb));
    expect(onClickHouse.health.multiple_exposure).toEqual(onDuckDb.health.multiple_exposure);
    expect(onClickHouse.metrics[0].control.n).toBe(180);
  });
});
