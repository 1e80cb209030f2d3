import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
