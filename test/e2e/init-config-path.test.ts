/**
 * `gtm init --config PATH`: a PATH that is a folder, lies under a file, has missing folders, or sits
 * in a folder that cannot be written. Each refusal is one line naming the flag as typed, with what
 * to pass instead, and a non-zero exit; nothing is written.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GTM_YAML_TEMPLATE } from '../../src/commands/init/gtm-yaml-template.ts';
import { runCli } from '../helpers/run-cli.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-init-path-'));
});
afterAll(async () => {
  await chmod(path.join(root, 'ro'), 0o755).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

/** A fresh folder under the test's root, holding the given files. */
async function folder(name: string, files: Record<string, string> = {}): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [f, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await writeFile(path.join(dir, f), content);
  }
  return dir;
}

describe('gtm init --config', () => {
  it('a folder: says it is a folder and which file to pass, with or without --force', async () => {
    const dir = await folder('to-folder');
    await mkdir(path.join(dir, 'ws'));
    for (const extra of [[], ['--force']]) {
      const r = await runCli(['init', '--config', 'ws', ...extra], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderrLines).toEqual([
        'error[USAGE] --config ws: is a folder, not a config file — pass the file to create: --config ws/gtm.yaml',
      ]);
    }
    expect(await readdir(path.join(dir, 'ws'))).toEqual([]);
    // the file it names is then written
    const ok = await runCli(['init', '--config', 'ws/gtm.yaml', '--no-json'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('Wrote ws/gtm.yaml. Edit sources and campaigns, then run `gtm doctor`.\n');
    expect(await readFile(path.join(dir, 'ws/gtm.yaml'), 'utf8')).toBe(GTM_YAML_TEMPLATE);
  });

  it('a folder that already holds gtm.yaml: names that file and --force, and leaves it alone', async () => {
    const dir = await folder('to-folder-with-config', { 'ws/gtm.yaml': 'mine: true\n' });
    const r = await runCli(['init', '--config', 'ws/', '--force'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderrLines).toEqual([
      'error[USAGE] --config ws/: is a folder, not a config file — ws/gtm.yaml already exists; pass --config ws/gtm.yaml --force to overwrite it, or name a new file',
    ]);
    expect(await readFile(path.join(dir, 'ws/gtm.yaml'), 'utf8')).toBe('mine: true\n');
  });

  it('no --config, where gtm.yaml is a folder', async () => {
    const dir = await folder('default-is-folder');
    await mkdir(path.join(dir, 'gtm.yaml'));
    const r = await runCli(['init'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderrLines).toEqual([
      `error[USAGE] ${path.join(dir, 'gtm.yaml')}: is a folder, not a config file — move the folder gtm.yaml away, or pass --config FILE`,
    ]);
  });

  it('an existing file of another name: names that file', async () => {
    const dir = await folder('other-name', { 'acme.yaml': 'x: 1\n' });
    const r = await runCli(['init', '--config', 'acme.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderrLines).toEqual([
      'error[USAGE] --config acme.yaml: acme.yaml already exists — pass --force to overwrite it',
    ]);
    expect((await runCli(['init', '--config', 'acme.yaml', '--force'], { cwd: dir })).code).toBe(0);
    expect(await readFile(path.join(dir, 'acme.yaml'), 'utf8')).toBe(GTM_YAML_TEMPLATE);
  });

  it('missing folders are created, and the human line says so', async () => {
    const dir = await folder('missing-parent');
    const r = await runCli(['init', '--config', 'new/ws/gtm.yaml', '--no-json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      'Wrote new/ws/gtm.yaml (created the folder new/ws). Edit sources and campaigns, then run `gtm doctor`.\n',
    );
    expect(await readFile(path.join(dir, 'new/ws/gtm.yaml'), 'utf8')).toBe(GTM_YAML_TEMPLATE);
    const json = await runCli(['init', '--config', 'other/gtm.yaml', '--json'], { cwd: dir });
    // data_files: the data files found beside gtm.yaml (none in this folder)
    expect(json.json()).toEqual({ written: path.join(dir, 'other/gtm.yaml'), data_files: [] });
  });

  it('a path under a file: names the file in the way (was an INTERNAL ENOTDIR)', async () => {
    const dir = await folder('under-file', { notes: 'a file\n' });
    for (const p of ['notes/gtm.yaml', 'notes/deeper/gtm.yaml']) {
      const r = await runCli(['init', '--config', p], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderrLines).toEqual([
        `error[USAGE] --config ${p}: notes is a file, not a folder, so ${p} cannot be created — pass a path inside a folder`,
      ]);
    }
    expect(await readFile(path.join(dir, 'notes'), 'utf8')).toBe('a file\n');
  });

  // root writes into a read-only folder anyway: checked as an ordinary user only
  it.skipIf(process.getuid?.() === 0)(
    'a folder that cannot be written: one IO line naming the path, exit 8',
    async () => {
      const dir = await folder('ro');
      await chmod(dir, 0o555);
      const r = await runCli(['init', '--config', 'ro-config.yaml'], { cwd: dir });
      expect(r.code).toBe(8);
      expect(r.stderrLines).toEqual([
        expect.stringMatching(/^error\[IO\] .*ro-config\.yaml: cannot write file "ro-config\.yaml": EACCES/),
      ]);
    },
  );
});
