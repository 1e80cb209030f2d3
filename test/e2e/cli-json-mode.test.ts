/**
 * JSON on stdout is the default when stdout is not a terminal; an explicit `--json=false`,
 * `--no-json` or `--json=no` must win over that default, for every command (main.ts decides the mode
 * once, from the parsed flags). The track-source runs spawn the real binary with a piped stdout,
 * as `gtm track-source … --json=false | cat` does; the others run in-process with a non-terminal
 * stdout (run-cli.ts), which is the same decision.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/gtm.js');
const LINE = `track-source --campaign "AI Launch Tour" --window 30d --as-of ${DEMO_AS_OF} --no-snapshot`;
const ARGS = [
  'track-source',
  '--campaign',
  'AI Launch Tour',
  '--window',
  '30d',
  '--as-of',
  DEMO_AS_OF,
  '--no-snapshot',
];

let demo: DemoWorkspace;
beforeAll(async () => {
  demo = await makeDemoWorkspace();
});
afterAll(() => demo?.remove());

/** Runs bin/gtm.js with stdout and stderr as pipes (not terminals). */
function gtmPiped(
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const isJson = (s: string) => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

describe('track-source with stdout piped (spawned bin/gtm.js)', () => {
  it('prints JSON by default and with --json', async () => {
    for (const extra of [[], ['--json'], ['--json=true']]) {
      const r = await gtmPiped([...ARGS, ...extra], demo.dir);
      expect(r.code, `${extra.join(' ')}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ schema: 'gtm.track-source.result/v1' });
    }
  });

  it('prints the human view with --json=false, --no-json or --json=no', async () => {
    for (const extra of [['--json=false'], ['--no-json'], ['--json=no'], ['--no_json']]) {
      const r = await gtmPiped([...ARGS, ...extra], demo.dir);
      expect(r.code, `${extra.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout, extra.join(' ')).toMatch(
        /^AI Launch Tour, 30d window to 2026-11-15: \d+ opportunities/,
      );
      expect(isJson(r.stdout), extra.join(' ')).toBe(false);
    }
  });

  it('gtm run: --no-json after the quoted line, or --json=false inside it', async () => {
    for (const args of [
      ['run', LINE, '--no-json'],
      ['run', `${LINE} --json=false`],
    ]) {
      const r = await gtmPiped(args, demo.dir);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^AI Launch Tour, 30d window/);
    }
    const json = await gtmPiped(['run', LINE], demo.dir);
    expect(JSON.parse(json.stdout)).toMatchObject({ schema: 'gtm.track-source.result/v1' });
  });
});

describe('other commands with stdout not a terminal', () => {
  it('doctor and plans list give their human view with --no-json / --json=false, JSON otherwise', async () => {
    const doctor = await runCli(['doctor', '--no-json', '--as-of', DEMO_AS_OF], { cwd: demo.dir });
    expect(doctor.stdout).toMatch(/^Config .*gtm\.yaml: valid\./);
    expect(isJson(doctor.stdout)).toBe(false);
    const doctorJson = await runCli(['doctor', '--as-of', DEMO_AS_OF], { cwd: demo.dir });
    expect(doctorJson.json()).toHaveProperty('checks');

    const plans = await runCli(['plans', 'list', '--json=false'], { cwd: demo.dir });
    expect(plans.code).toBe(0);
    expect(plans.stdout).toMatch(/^PLAN +STARTED/);
    expect((await runCli(['plans', 'list'], { cwd: demo.dir })).json()).toHaveProperty('plans');
  });

  it('init says what it wrote in words with --json=0', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gtm-json-mode-'));
    try {
      const r = await runCli(['init', '--json=0'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('Wrote gtm.yaml. Edit sources and campaigns, then run `gtm doctor`.\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
