import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GtmError } from '../../errors/index.ts';
import { formatAttributeTable } from './format-attribute-table.ts';
import { runAttribute } from './run-attribute.ts';
import { referencePath } from '../../../test/helpers/reference-data.ts';
import { runCli } from '../../../test/helpers/run-cli.ts';

// ChannelAttribution's example data (Data.csv), GPL-3.0, https://github.com/DavideAltomare/ChannelAttribution.
const DATA = referencePath('attribution/channelattribution-paths.csv');
// google/fractribution's example path summary, Apache-2.0, https://github.com/google/fractribution.
const FRACTRIBUTION = referencePath('attribution/fractribution-path-summary.csv');

let dir = '';
const file = async (name: string, text: string): Promise<string> => {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
};
const rejection = async (p: Promise<unknown>): Promise<GtmError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof GtmError) return e;
    throw e;
  }
  throw new Error('expected a GtmError');
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gtm-attribute-'));
});

describe('runAttribute', () => {
  it('attributes a ChannelAttribution file with bootstrap intervals', async () => {
    const res = await runAttribute({ paths: DATA, model: 'markov', bootstrap: 20, seed: 4 });
    expect(res.source).toMatchObject({ format: 'channelattribution', records: 10000 });
    expect(res.totals.conversions).toBe(19785);
    expect(res.channels!.reduce((s, c) => s + c.conversions, 0)).toBeCloseTo(19785, 6);
    expect(res.channels!.every((c) => c.conversionsCI && c.valueCI)).toBe(true);
    expect(res.markov!.removalEffects).toHaveLength(12);
    expect(JSON.parse(JSON.stringify(res))).toEqual(res);
  });

  it('reads fractribution files, applies transforms and returns per-path credit', async () => {
    const res = await runAttribute({
      paths: FRACTRIBUTION,
      model: 'fractribution',
      transforms: ['exposure'],
      perPath: true,
    });
    expect(res.source.format).toBe('fractribution');
    const ac = res.perPath!.find((p) => p.path === 'A > C')!;
    // google/fractribution expected_exposure_fit.csv, path "A > C"
    expect(ac.shares.A).toBeCloseTo(0.46239123884654, 13);
    expect(ac.shares.C).toBeCloseTo(0.53760876115346, 13);
  });

  it('compares every model', async () => {
    const res = await runAttribute({ paths: DATA, model: 'compare' });
    expect(res.comparison!.models).toContain('shapley');
    expect(res.comparison!.channels[0].conversions.byModel['first-touch']).toBe(6308);
  });

  it('maps a bad model name to USAGE at --model, listing the valid names', async () => {
    const e = await rejection(runAttribute({ paths: DATA, model: 'magic' }));
    expect([e.code, e.where]).toEqual(['USAGE', '--model']);
    expect(e.message).toMatch(/first-touch.*fractribution, compare/);
  });

  it('maps file problems to INPUT at file:line', async () => {
    const p = await file(
      'bad.csv',
      'path;total_conversions;total_conversion_value;total_null\na > b;1;2;3\nb;one;2;3\n',
    );
    const e = await rejection(runAttribute({ paths: p, model: 'linear' }));
    expect([e.code, e.where]).toEqual(['INPUT', `${p}:3`]);
    expect(e.message).toMatch(/column 2/);
    expect(e.oneLine()).toMatch(
      /^error\[INPUT\] .*bad\.csv:3: total_conversions "one" is not a non-negative number/,
    );

    const missing = await rejection(runAttribute({ paths: join(dir, 'nope.csv'), model: 'linear' }));
    expect([missing.code, missing.message]).toEqual(['INPUT', 'file not found']);

    const headerOnly = await file('empty.csv', 'path,total_conversions,total_non_conversions\n');
    expect((await rejection(runAttribute({ paths: headerOnly, model: 'linear' }))).message).toMatch(
      /no paths/,
    );
  });

  it('maps bad options to USAGE at the flag', async () => {
    const e = await rejection(runAttribute({ paths: DATA, model: 'time-decay', halfLifeDays: 0 }));
    expect([e.code, e.where]).toEqual(['USAGE', 'option halfLifeDays (library)']);
    const cmp = await rejection(runAttribute({ paths: DATA, model: 'compare', perPath: true }));
    expect([cmp.code, cmp.where]).toEqual(['USAGE', '--per-path']);
  });
});

describe('value on a path without conversions', () => {
  // B;0;50;2 and C;0;7;1 carry value the models split differently (A > B: 1 conversion, 100)
  const text = 'path;total_conversions;total_conversion_value;total_null\nA > B;1;100;1\nB;0;50;2\nC;0;7;1\n';

  it('is warned about once, with the count, the sum and the first line', async () => {
    const p = await file('stray-value.csv', text);
    for (const model of ['linear', 'markov', 'shapley', 'compare']) {
      const res = await runAttribute({ paths: p, model });
      expect(res.warnings, model).toEqual([
        `2 paths carry a conversion value but no conversions (57 in all; first at ${p}:3): the models disagree on it (the rule models and markov credit it to the path's channels, shapley and fractribution to (unmatched)) — put the value on converting paths only, or set it to 0`,
      ]);
    }
    // what the warning says: linear credits B 50 + 50, shapley leaves 57 unmatched
    const linear = await runAttribute({ paths: p, model: 'linear' });
    expect(linear.channels!.find((c) => c.channel === 'B')!.value).toBe(100);
    const shapley = await runAttribute({ paths: p, model: 'shapley' });
    expect(shapley.channels!.find((c) => c.channel === '(unmatched)')!.value).toBe(57);
  });

  it('gtm attribute prints it as one warning line and keeps stdout one JSON document', async () => {
    await file('stray-value.csv', text);
    const run = await runCli(['attribute', '--paths', 'stray-value.csv', '--model', 'markov', '--json'], {
      cwd: dir,
    });
    expect(run.code).toBe(0);
    expect(run.stderrLines).toEqual([
      expect.stringMatching(
        /^warning: 2 paths carry a conversion value but no conversions \(57 in all; first at .*stray-value\.csv:3\)/,
      ),
    ]);
    expect(run.json<{ warnings: string[] }>().warnings).toHaveLength(1);
  });

  it('is not warned about when value sits on converting paths only', async () => {
    const p = await file(
      'clean-value.csv',
      'path;total_conversions;total_conversion_value;total_null\nA > B;1;100;1\nB;0;0;2\n',
    );
    expect((await runAttribute({ paths: p, model: 'linear' })).warnings).toBeUndefined();
  });
});

describe('formatAttributeTable', () => {
  it('renders an aligned table with shares, totals and intervals', async () => {
    const p = await file(
      'small.csv',
      'path;total_conversions;total_conversion_value;total_null\nemail > search;3;300;10\nsearch;1;80;20\n',
    );
    const text = formatAttributeTable(await runAttribute({ paths: p, model: 'u-shaped' }));
    const lines = text.split('\n');
    expect(lines[0]).toBe(`model: position-based   file: ${p} (channelattribution, 2 paths)`);
    expect(lines[1]).toBe('total conversions 4.00   total value 380.00   non-converting 30.00');
    expect(lines.slice(3)).toEqual([
      'channel  conversions   share   value',
      '-------  -----------  ------  ------',
      'search          2.50   62.5%  230.00',
      'email           1.50   37.5%  150.00',
      '-------  -----------  ------  ------',
      'total           4.00  100.0%  380.00',
    ]);
    const withCi = formatAttributeTable(
      await runAttribute({ paths: DATA, model: 'linear', bootstrap: 10, seed: 1 }),
    );
    expect(withCi).toMatch(/conversions 95% CI/);
    const cmp = formatAttributeTable(await runAttribute({ paths: p, model: 'compare' }));
    expect(cmp.split('\n')[3]).toMatch(/^channel\s+first-touch\s+last-touch.*min\s+max$/);
    expect(cmp).toMatch(/skipped custom: no customWeights given/);
  });
});
