/**
 * The commands outside the command kit print their JSON (stdout with --json, an MCP tool's
 * structured content) without binary float noise too: `gtm attribute` printed 5.799999999999999
 * conversions and 0.30000000000000004 of value, `gtm experiment-readout` an absolute effect of
 * 0.19999999999999998, where the kit's commands already read 5.8, 0.3 and 0.2 (464f272).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/registry.ts';
import { callCliCommand } from '../../src/cli/mcp/cli-call.ts';
import { toolCatalog } from '../../src/cli/mcp/tool-catalog.ts';
import { floatNoise } from '../helpers/float-noise.ts';
import { makeFixtureDir, type FixtureDir } from '../helpers/fixture-dir.ts';
import { runCli } from '../helpers/run-cli.ts';

let tmp: FixtureDir;
beforeAll(async () => {
  tmp = await makeFixtureDir({
    // compare's j-shaped model credited B 5.799999999999999 conversions (5.8) on these before
    'paths.csv':
      'path;total_conversions;total_conversion_value;total_null\nA;1;0.1;5\nA > B;1;0.4;5\nA > B;3;0.3;10\nB > C;7;1.1;20\nA > C > B;3;0.7;4\n',
    // 100/1000 against 300/1000: an absolute difference of 0.3 - 0.1 = 0.2 (by hand)
    'readout.json': JSON.stringify({
      settings: { method: 'frequentist', difference: 'absolute', alpha: 0.05 },
      variants: [
        { name: 'control', users: 1000 },
        { name: 'treatment', users: 1000 },
      ],
      metrics: [
        {
          name: 'signup',
          type: 'proportion',
          data: { control: { n: 1000, sum: 100 }, treatment: { n: 1000, sum: 300 } },
        },
      ],
    }),
  });
});
afterAll(() => tmp.remove());

interface Credit {
  channel: string;
  conversions: number;
  value: number;
}

it('gtm attribute --json: every model of compare, and linear alone, without noise', async () => {
  const compare = await runCli(['attribute', '--paths', 'paths.csv', '--model', 'compare', '--json'], {
    cwd: tmp.dir,
  });
  expect(compare.code, compare.stderr).toBe(0);
  expect(floatNoise(compare.stdout)).toEqual([]);
  const linear = await runCli(['attribute', '--paths', 'paths.csv', '--model', 'linear', '--json'], {
    cwd: tmp.dir,
  });
  expect(linear.code, linear.stderr).toBe(0);
  expect(floatNoise(linear.stdout)).toEqual([]);
  // by hand: A = 0.1 + 0.4/2 + 0.3/2 + 0.7/3; B = 0.4/2 + 0.3/2 + 1.1/2 + 0.7/3; C = 1.1/2 + 0.7/3
  const channels = linear.json<{ channels: Credit[] }>().channels;
  const value = Object.fromEntries(channels.map((c) => [c.channel, c.value]));
  expect(value).toEqual({ A: 0.683333333333333, B: 1.13333333333333, C: 0.783333333333333 });
});

it('gtm experiment-readout --json: an absolute effect of 0.2 reads 0.2', async () => {
  const cli = await runCli(['experiment-readout', '--input', 'readout.json', '--json'], { cwd: tmp.dir });
  expect(cli.code, cli.stderr).toBe(0);
  expect(floatNoise(cli.stdout)).toEqual([]);
  expect(cli.stdout).toContain('"effect": 0.2,');
});

it("the MCP attribute tool's structured content reads the same clean numbers", async () => {
  const tool = toolCatalog(COMMANDS).find((t) => t.name === 'attribute')!;
  const result = await callCliCommand(tool, { paths: 'paths.csv', model: 'linear' }, tmp.dir, {
    progress: () => undefined,
    signal: new AbortController().signal,
  });
  expect(result.isError).toBe(false);
  const channels = (result.structuredContent as { channels: Credit[] }).channels;
  expect(channels.find((c) => c.channel === 'A')?.value).toBe(0.683333333333333);
  expect(floatNoise(JSON.stringify(result.structuredContent))).toEqual([]);
});
