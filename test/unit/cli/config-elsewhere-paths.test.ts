/**
 * A command run with `--config` from another folder: its terminal view names the report and the
 * plan relative to the workspace folder (as result.json does), and now says which folder that is,
 * so that a new user does not look for `reports/…` where they stand. Run from the workspace folder
 * (or with a --config there), nothing is added; the JSON is unchanged.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.ts';

let root: string;
let ws: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-config-elsewhere-'));
  ws = path.join(root, 'team', 'ws');
  await mkdir(ws, { recursive: true });
  // define-events reads no source: the cheapest workspace command
  expect((await runCli(['init', '--command', 'define-events', '--json'], { cwd: ws })).code).toBe(0);
});
afterAll(() => rm(root, { recursive: true, force: true }));

const ARGS = ['define-events', '--use-case', 'activation', '--as-of', '2026-11-15', '--no-snapshot'];

describe('gtm <command> --config FILE from another folder', () => {
  it('says the paths it prints are in the workspace folder, and they are there', async () => {
    const r = await runCli([...ARGS, '--config', 'team/ws/gtm.yaml', '--no-json'], { cwd: root });
    expect(r.code).toBe(0);
    const reports = /^Reports: (\S+)\//m.exec(r.stdout)?.[1];
    expect(reports).toMatch(/^reports\/define-events\//);
    expect(existsSync(path.join(root, reports!))).toBe(false);
    expect(existsSync(path.join(ws, reports!))).toBe(true);
    expect(r.stdout).toContain(
      `(Paths are relative to the workspace folder ${path.join('team', 'ws')}${path.sep}, where its gtm.yaml is.)`,
    );
  });

  it('adds nothing in the workspace folder itself, nor to the JSON', async () => {
    const here = await runCli([...ARGS, '--config', 'gtm.yaml', '--no-json'], { cwd: ws });
    expect(here.code).toBe(0);
    expect(here.stdout).not.toContain('Paths are relative');
    const plain = await runCli([...ARGS, '--no-json'], { cwd: ws });
    expect(plain.stdout).not.toContain('Paths are relative');
    const json = await runCli([...ARGS, '--config', 'team/ws/gtm.yaml', '--json'], { cwd: root });
    expect(json.code).toBe(0);
    expect(json.stdout).not.toContain('Paths are relative');
    expect(json.json<{ reports_dir: string }>().reports_dir).toMatch(/^reports\/define-events\//);
  });
});
