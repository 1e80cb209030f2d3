/**
 * The demo of each command other than track-source (whose demo test checks its own) writes its
 * numbers without binary float noise: result.json, the JSON printed, the plan JSON and every CSV
 * table. Sums of doubles read 4706.227612000001 (monitor-loyalty's projected lift, in result.json
 * and backlog.csv) and 269.8513032270001 (segment_members.csv) before; `floatNoise` finds such
 * numbers apart from gtm's own writer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { floatNoise } from '../helpers/float-noise.ts';
import { makeFixtureDir, type FixtureDir } from '../helpers/fixture-dir.ts';
import { runCli } from '../helpers/run-cli.ts';

const COMMANDS = ['define-events', 'optimize-referrals', 'monitor-loyalty', 'monitor-personalization'];
const noisy: Record<string, Record<string, string[]>> = {};
let tmp: FixtureDir;

beforeAll(async () => {
  tmp = await makeFixtureDir();
  for (const command of COMMANDS) {
    const cli = await runCli(['demo', command, '--command', command, '--as-of', '2026-11-15', '--quiet'], {
      cwd: tmp.dir,
    });
    expect(cli.code === 0 || cli.code === 10, cli.stderr).toBe(true);
    const result = cli.json<{ reports_dir: string; plan_path: string }>();
    const ws = tmp.path(command);
    const reports = path.join(ws, result.reports_dir);
    const found: Record<string, string[]> = {
      stdout: floatNoise(cli.stdout),
      plan: floatNoise(readFileSync(path.join(ws, result.plan_path), 'utf8')),
    };
    for (const name of readdirSync(reports).filter((f) => /\.(csv|json)$/.test(f)))
      found[name] = floatNoise(readFileSync(path.join(reports, name), 'utf8'));
    noisy[command] = Object.fromEntries(Object.entries(found).filter(([, v]) => v.length));
  }
}, 300_000);
afterAll(() => tmp.remove());

it.each(COMMANDS)('%s: no binary float noise in result.json, stdout, the plan or a CSV table', (command) => {
  expect(noisy[command]).toEqual({});
});
