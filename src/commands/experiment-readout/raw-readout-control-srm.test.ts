/**
 * Raw `--exposures` readouts: the control taken without `--control` (a variant named like a
 * control before the first in sort order) and the sample ratio check on the units per arm, against
 * equal weights or `--weights`. Expected SRM figures from scipy.stats.chisquare (python3, SciPy
 * 1.x), not from this code:
 *   chisquare([1000, 1100])                              → 4.761904761904762, p 0.029096331741252267
 *   chisquare([820, 1180])                               → 64.8,              p 8.289914674372266e-16
 *   chisquare([820, 1180], [800, 1200])                  → 0.8333333333333333, p 0.3613104285261787
 *   chisquare([1000, 500, 500] observed as [1030, 480, 490], f_exp=[1000, 500, 500])
 *                                                        → 1.9000000000000001, p 0.38674102345450123
 */
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
import { defaultControl } from '../../analyses/experiments/default-control.ts';
import { runRawReadout } from './run-raw-readout.ts';
import { parseWeightSpecs } from './weight-specs.ts';

let dir: string;
/** `count` rows of `variant`, one per unit, every fifth converted. */
const arm = (variant: string, count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => [`${variant}-${from + i}`, variant, i % 5 === 0 ? 1 : 0]);
const csv = (rows: (string | number)[][]) =>
  `user_id,variant,converted\n${rows.map((r) => r.join(',')).join('\n')}\n`;
const file = (name: string) => path.join(dir, name);
const opts = (name: string) => ({
  exposures: file(name),
  variantColumn: 'variant',
  unitColumn: 'user_id',
  metrics: ['converted:proportion:converted'],
});
const close = (actual: number | undefined, expected: number) =>
  expect(Math.abs((actual ?? NaN) - expected) / expected).toBeLessThan(1e-9);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-raw-control-'));
  // a_new sorts before control
  await writeFile(file('a-new.csv'), csv([...arm('a_new', 1000), ...arm('control', 1100)]));
  await writeFile(file('unequal.csv'), csv([...arm('control', 820), ...arm('treatment', 1180)]));
  // three arms, some units logged twice in their arm (units are counted, not rows)
  await writeFile(
    file('three.csv'),
    csv([...arm('HOLDOUT', 1030), ...arm('HOLDOUT', 30), ...arm('a', 480), ...arm('b', 490), ...arm('b', 7)]),
  );
  await writeFile(file('unnamed.csv'), csv([...arm('v2', 100), ...arm('v1', 100)]));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the control without --control', () => {
  it('is the variant named control, not the first in sort order', async () => {
    const r = await runRawReadout(opts('a-new.csv'));
    expect(r.control_arm).toEqual({ variant: 'control', chosen_by: 'name', reason: 'named "control"' });
    expect(r.metrics[0].control.name).toBe('control');
    expect(r.metrics[0].control.n).toBe(1100);
    expect(r.metrics[0].variants.map((v) => v.name)).toEqual(['a_new']);
  });

  it('matches holdout case-insensitively, else takes the first in sort order', async () => {
    const three = await runRawReadout({ ...opts('three.csv'), weights: ['HOLDOUT:50', 'a:25', 'b:25'] });
    expect(three.control_arm.variant).toBe('HOLDOUT');
    expect(three.metrics[0].variants.map((v) => v.name)).toEqual(['a', 'b']);
    const unnamed = await runRawReadout(opts('unnamed.csv'));
    expect(unnamed.control_arm.variant).toBe('v1');
    expect(unnamed.control_arm.chosen_by).toBe('order');
    expect(unnamed.control_arm.reason).toMatch(/^first in sort order \(no variant is named control/);
  });

  it('is what --control names when given', async () => {
    const r = await runRawReadout({ ...opts('a-new.csv'), control: 'a_new' });
    expect(r.control_arm).toEqual({ variant: 'a_new', chosen_by: 'flag', reason: 'given by --control' });
    expect(r.metrics[0].control.name).toBe('a_new');
  });

  it('prefers control, then holdout, baseline, original; trimmed, any case', () => {
    expect(defaultControl(['a', 'Holdout', ' CONTROL ']).variant).toBe(' CONTROL ');
    expect(defaultControl(['a', 'original', 'Baseline']).variant).toBe('Baseline');
    expect(defaultControl(['b', 'c'])).toMatchObject({ variant: 'b', chosen_by: 'order' });
  });
});

describe('the sample ratio check of raw exposures', () => {
  it('tests the units per arm against equal weights by default', async () => {
    const r = await runRawReadout(opts('a-new.csv'));
    expect(r.health.srm).not.toBeNull();
    close(r.health.srm?.chi_square, 4.761904761904762);
    close(r.health.srm?.p_value, 0.029096331741252267);
    expect(r.health.srm?.alert).toBe(false);
    const unequal = await runRawReadout(opts('unequal.csv'));
    close(unequal.health.srm?.chi_square, 64.8);
    close(unequal.health.srm?.p_value, 8.289914674372266e-16);
    expect(unequal.health.srm?.alert).toBe(true);
    expect(unequal.recommendation.action).toBe('stop');
  });

  it('tests against the planned weights, any scale', async () => {
    for (const weights of [
      ['control:40', 'treatment:60'],
      ['treatment:0.6', 'control:0.4'],
    ]) {
      const r = await runRawReadout({ ...opts('unequal.csv'), weights });
      close(r.health.srm?.chi_square, 0.8333333333333333);
      close(r.health.srm?.p_value, 0.3613104285261787);
      expect(r.health.srm?.expected).toEqual([800, 1200]);
      expect(r.health.srm?.alert).toBe(false);
    }
    const three = await runRawReadout({ ...opts('three.csv'), weights: { HOLDOUT: 2, a: 1, b: 1 } });
    expect(three.health.srm?.df).toBe(2);
    close(three.health.srm?.chi_square, 1.9000000000000001);
    close(three.health.srm?.p_value, 0.38674102345450123);
  });

  it('refuses weights that do not match the variants, naming --weights', async () => {
    await expect(
      runRawReadout({ ...opts('unequal.csv'), weights: ['control:50', 'treatmnt:50'] }),
    ).rejects.toMatchObject({
      code: 'USAGE',
      where: '--weights',
      message: expect.stringMatching(/no variant "treatmnt"/),
    });
    await expect(runRawReadout({ ...opts('unequal.csv'), weights: ['control:50'] })).rejects.toMatchObject({
      code: 'USAGE',
      where: '--weights',
      message: expect.stringMatching(/no weight for variant "treatment"/),
    });
    expect(() => parseWeightSpecs(['control'])).toThrow(/needs variant:weight/);
    expect(() => parseWeightSpecs(['control:0', 'treatment:1'])).toThrow(/not a positive number/);
    expect(() => parseWeightSpecs(['control:1', 'control:2'])).toThrow(/given twice/);
    expect(parseWeightSpecs([' control : 0.5', 'a:b:0.5'])).toEqual({ control: 0.5, 'a:b': 0.5 });
  });
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
        'CREATE TABLE a_new (user_id String, variant Nullable(String), converted Float64) ENGINE = Memory',
      );
      const rows = [...arm('a_new', 1000), ...arm('control', 1100)];
      await click.exec(
        `INSERT INTO a_new VALUES ${rows.map(([u, v, c]) => `('${u}', '${v}', ${c})`).join(', ')}`,
      );
    } finally {
      await click.close();
    }
  }, 120_000);
  afterAll(async () => ch?.stop());

  it('takes the same control and checks the same sample ratio as DuckDB', async () => {
    const onClickHouse = await runRawReadout({
      ...opts('a-new.csv'),
      exposures: 'a_new',
      clickhouse: ch.url,
    });
    const onDuckDb = await runRawReadout(opts('a-new.csv'));
    expect(onClickHouse.control_arm).toEqual(onDuckDb.control_arm);
    expect(onClickHouse.metrics[0].control.name).toBe('control');
    close(onClickHouse.health.srm?.p_value, 0.029096331741252267);
    expect(onClickHouse.metrics[0].variants[0].p_value).toBeCloseTo(
      onDuckDb.metrics[0].variants[0].p_value!,
      12,
    );
  });
});
