/**
 * The attribution references through `gtm attribute`, as a user runs it (the reference files as
 * they are, the CLI's defaults, its JSON): the module tests check the same models on parsed records;
 * here the file reading, the format detection, the flags and the JSON output sit in between.
 *
 * - fractribution (google/fractribution, Apache-2.0): `--model fractribution --transforms exposure
 *   --per-path` on its example path summary gives its published per-path fractions
 *   (`expected_exposure_fit.csv`, one row per converting customer, 1,983 rows, 48 paths) to 1e-12,
 *   and the channel totals are the column sums of that file.
 * - Markov (ChannelAttribution's example data, GPL-3.0: 10,000 paths, 12 channels): `--model
 *   markov` (first order, repeats collapsed) against an independent solve of the absorbing chain
 *   written from ChannelAttribution's definition in Python (numpy 2.4.6 `linalg.solve`, removal
 *   effects normalised to the 19,785 conversions; value by the value-weighted chain, to the
 *   74,802.97 of value): channel credit below, per channel [conversions, value]. ChannelAttribution
 *   itself simulates the chain, so its printed figures carry simulation noise; the exact solve is
 *   the reference.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referencePath } from '../helpers/reference-data.ts';
import { runCli } from '../helpers/run-cli.ts';

const NUMPY_MARKOV: Record<string, [number, number]> = {
  alpha: [5344.947682085163, 18799.170626191568],
  beta: [2527.3521665203875, 9687.809216090709],
  delta: [4.613618311101986, 13.918384003871068],
  epsilon: [599.570650463211, 2348.653825192276],
  eta: [3340.8474015008715, 12991.736666695457],
  gamma: [171.14544269372658, 719.2367463459271],
  iota: [3884.6147018750944, 14978.437288395484],
  kappa: [274.363255954798, 1136.0925381473917],
  lambda: [1282.847223394359, 5142.720297012699],
  mi: [1.7224245562807174, 5.444508859278523],
  theta: [1971.9128798869233, 7511.048475436208],
  zeta: [381.0625527580842, 1468.7030148398635],
};

interface Attribution {
  source: { format: string; records: number };
  totals: { conversions: number; value: number };
  channels: { channel: string; conversions: number; value: number }[];
  perPath?: { path: string; shares: Record<string, number> }[];
}

async function attribute(args: string[]): Promise<Attribution> {
  const cli = await runCli(['attribute', ...args, '--json'], { cwd: referencePath('attribution') });
  expect(cli.code, cli.stderr).toBe(0);
  return cli.json<Attribution>();
}

describe('gtm attribute on the published attribution references', () => {
  it('fractribution: the published per-path fractions and their column sums (exposure transform)', async () => {
    const r = await attribute([
      '--paths',
      'fractribution-path-summary.csv',
      '--model',
      'fractribution',
      '--transforms',
      'exposure',
      '--per-path',
    ]);
    expect(r.source).toMatchObject({ format: 'fractribution', records: 758 });
    const ours = new Map((r.perPath ?? []).map((p) => [p.path, p.shares]));
    const [header, ...rows] = readFileSync(
      referencePath('attribution/fractribution-expected-exposure-fit.csv'),
      'utf8',
    )
      .trim()
      .split('\n');
    const cols = header.split(',');
    expect(rows).toHaveLength(1_983);
    const sums = new Map<string, number>();
    for (const row of rows) {
      const f = row.split(',');
      const shares = ours.get(f[cols.indexOf('path')]);
      expect(shares, f[cols.indexOf('path')]).toBeDefined();
      for (const c of 'abcdefghijk') {
        const expected = Number(f[cols.indexOf(c)]);
        expect(Math.abs((shares?.[c.toUpperCase()] ?? 0) - expected)).toBeLessThan(1e-12);
        sums.set(c.toUpperCase(), (sums.get(c.toUpperCase()) ?? 0) + expected);
      }
    }
    expect(r.totals.conversions).toBe(1_983);
    for (const c of r.channels)
      expect(Math.abs(c.conversions - (sums.get(c.channel) ?? 0))).toBeLessThan(1e-9);
  });

  it('markov: an independent exact solve of ChannelAttribution’s chain on its example data', async () => {
    const r = await attribute(['--paths', 'channelattribution-paths.csv', '--model', 'markov']);
    expect(r.source).toMatchObject({ format: 'channelattribution', records: 10_000 });
    expect(r.totals.conversions).toBe(19_785);
    expect(r.totals.value).toBeCloseTo(74_802.97, 2);
    expect(r.channels.map((c) => c.channel).sort()).toEqual(Object.keys(NUMPY_MARKOV).sort());
    for (const c of r.channels) {
      const [conversions, value] = NUMPY_MARKOV[c.channel];
      expect(Math.abs(c.conversions - conversions), c.channel).toBeLessThan(1e-9);
      expect(Math.abs(c.value - value), c.channel).toBeLessThan(1e-8);
    }
  });
});
