import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../src/report/index.ts';
import { loadWorkspace } from '../../src/workspace/index.ts';
import { runCli } from '../helpers/run-cli.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-cmds-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('gtm init', () => {
  it('writes a valid starter gtm.yaml and refuses to overwrite it without --force', async () => {
    const dir = path.join(root, 'init');
    await mkdir(dir);
    const r = await runCli(['init', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.json()).toEqual({ written: path.join(dir, 'gtm.yaml'), data_files: [] });
    const ws = loadWorkspace({ cwd: dir });
    expect(ws.campaigns[0].id).toBe('launch');
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderrLines).toEqual([
      expect.stringMatching(
        /^error\[USAGE\] .*gtm\.yaml: gtm\.yaml already exists — pass --force to overwrite it$/,
      ),
    ]);
    expect((await runCli(['init', '--force'], { cwd: dir })).code).toBe(0);
  });

  it('doctor on the starter config names the missing data files', async () => {
    const r = await runCli(['doctor', '--json'], { cwd: path.join(root, 'init') });
    expect(r.code).toBe(4);
    const report = r.json<{ checks: { source: string; status: string; message: string }[] }>();
    expect(report.checks.find((c) => c.source === 'crm_opportunities')).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/data\/opportunities\.csv: file not found/),
    });
  });

  it('commands without a workspace say how to make one', async () => {
    const dir = path.join(root, 'empty');
    await mkdir(dir);
    const r = await runCli(['track-source', '--campaign', 'x'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderrLines).toEqual([
      'error[CONFIG] gtm.yaml: no workspace config found — run `gtm init` to create gtm.yaml, or `gtm demo` for a demo workspace, or pass --config FILE',
    ]);
  });
});

describe('gtm demo', () => {
  it('writes the demo workspace (--no-run) with its ground truth', async () => {
    const r = await runCli(
      ['demo', 'ws', '--seed', '3', '--as-of', '2026-11-15', '--accounts', '200', '--no-run'],
      { cwd: root, tty: true },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^Demo workspace: ws \(\d+ files, \d+ people, 200 accounts, seed 3, as of 2026-11-15\)\n$/,
    );
    const truth = JSON.parse(await readFile(path.join(root, 'ws/data/_truth.json'), 'utf8')) as {
      seed: number;
      accounts: number;
    };
    expect(truth).toMatchObject({ seed: 3, accounts: 200 });
    expect(existsSync(path.join(root, 'ws/.claude'))).toBe(false);
    // writing over an earlier demo is fine
    expect(
      (await runCli(['demo', 'ws', '--as-of', '2026-11-15', '--accounts', '200', '--no-run'], { cwd: root }))
        .code,
    ).toBe(0);
  });

  it('runs track-source while the rest is written, and leaves the same workspace as --no-run', async () => {
    const args = ['--seed', '3', '--as-of', '2026-11-15', '--accounts', '1500'];
    // the pictures are asked for when a Chromium is there (started while the workspace is written)
    const snap = process.env.GTM_SNAPSHOT !== 'never' && (await hasChromium());
    const r = await runCli(['demo', 'full', ...args, ...(snap ? ['--snapshot'] : [])], {
      cwd: root,
      tty: true,
    });
    expect(r.code, r.stderr).toBe(0);
    const m =
      /^Demo workspace: full \((\d+) files, \d+ people, 1500 accounts, seed 3, as of 2026-11-15\)\n/.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    expect(r.stdout).toContain("Running: gtm run '/partner-co-marketing-orchestration:track-source");
    // the run's report paths are the workspace's, and the user stands in its parent
    expect(r.stdout).toContain("--detail full' (in full: the paths it prints are inside that folder)\n");
    expect(r.stdout).toContain('Next steps:');
    expect((await runCli(['demo', 'ref', ...args, '--no-run'], { cwd: root })).code).toBe(0);
    const list = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? list(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name],
      );
    const files = list(path.join(root, 'ref'));
    expect(files).toHaveLength(Number(m![1]));
    for (const f of files)
      expect(await readFile(path.join(root, 'full', f), 'utf8'), f).toBe(
        await readFile(path.join(root, 'ref', f), 'utf8'),
      );
    const runs = path.join(root, 'full/reports/track-source');
    const report = path.join(runs, readdirSync(runs)[0]);
    expect(existsSync(path.join(report, 'dashboard.png'))).toBe(snap);
  });

  // the demo plants one bad opportunity and one bad web event whatever its size: a small demo's
  // limit is raised above their share so its own run reports them and exits 0 (it stopped with exit 5)
  for (const accounts of ['10', '100', '1000'])
    it(`--accounts ${accounts} runs track-source with exit 0 and reports the planted rows`, async () => {
      const dir = `small-${accounts}`;
      const r = await runCli(['demo', dir, '--seed', '3', '--as-of', '2026-11-15', '--accounts', accounts], {
        cwd: root,
        env: { ...process.env, GTM_SNAPSHOT: 'never' },
      });
      expect(
        r.stderrLines.filter((l) => l.startsWith('error')),
        r.stderr,
      ).toEqual([]);
      expect(r.code, r.stderr).toBe(0);
      const yaml = await readFile(path.join(root, dir, 'gtm.yaml'), 'utf8');
      expect(yaml).toMatch(
        /^ {2}max_reject_rate: 0\.\d+ # 0\.005 in a larger demo: here 1 planted bad row of \d+ in crm_opportunities is \d+\.\d%$/m,
      );
      const runs = path.join(root, dir, 'reports/track-source');
      const rejects = await readFile(path.join(runs, readdirSync(runs)[0], 'rejects.csv'), 'utf8');
      expect(rejects).toContain('no rate for CHF');
      expect(rejects).toContain('not-a-date');
    }, 120_000);

  // `gtm demo monitor-loyalty` wrote ./monitor-loyalty and ran track-source there (h-loy21): a folder
  // named after a command runs that command's demo; `--command` still chooses when given another
  it('a folder named after a command runs that command (monitor-loyalty)', async () => {
    const args = ['--seed', '3', '--as-of', '2026-11-15', '--accounts', '200', '--no-snapshot'];
    const r = await runCli(['demo', 'monitor-loyalty', ...args], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"schema": "gtm.monitor-loyalty.result/v1"');
    expect(readdirSync(path.join(root, 'monitor-loyalty/reports'))).toEqual(['monitor-loyalty']);
    const other = await runCli(['demo', 'monitor-personalization', ...args, '--command', 'define-events'], {
      cwd: root,
    });
    expect(other.code, other.stderr).toBe(0);
    expect(readdirSync(path.join(root, 'monitor-personalization/reports'))).toEqual(['define-events']);
  });

  it('refuses a folder that is not empty and not a demo', async () => {
    await mkdir(path.join(root, 'mine'));
    await writeFile(path.join(root, 'mine/notes.txt'), 'precious');
    const r = await runCli(['demo', 'mine', '--no-run'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderrLines).toEqual([
      expect.stringMatching(
        /^error\[USAGE\] .*mine: folder is not empty and is not a gtm demo workspace — pass a new folder/,
      ),
    ]);
    expect(await readFile(path.join(root, 'mine/notes.txt'), 'utf8')).toBe('precious');
  });

  it('checks its flags', async () => {
    expect(
      (await runCli(['demo', 'x', '--as-of', '15/11/2026', '--no-run'], { cwd: root })).stderrLines,
    ).toEqual([
      expect.stringMatching(/^error\[USAGE\] --as-of: is not a date: "15\/11\/2026"; use YYYY-MM-DD/),
    ]);
    expect((await runCli(['demo', 'x', '--seed', '1.5', '--no-run'], { cwd: root })).stderrLines).toEqual([
      'error[USAGE] --seed: expects a whole number, got 1.5 — e.g. --seed 11',
    ]);
  });
});
