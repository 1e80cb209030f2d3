/**
 * The bad-input corpus of every command but track-source (whose cases need row-level checks and
 * run in bad-inputs.test.ts): test/fixtures/bad-inputs/<command>/<case>/case.json, one folder per
 * command so the corpus grows with each one. A case runs gtm in-process in a fresh working folder
 * (empty, or the tiny workspace), made of the files beside case.json and the generated `files` of
 * the case (gzip, truncated gzip, deeply nested JSON, links); it must be refused with exactly one
 * line `error[CODE] <where>: <what> — <what to do>` and the documented exit code, never INTERNAL,
 * and must write nothing outside the working folder nor any path the case lists as `absent`.
 */
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/registry.ts';
import type { ErrorCode } from '../../src/errors/index.ts';
import { FIXTURES } from '../helpers/fixture-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';
import { expectRefused, reportTally } from '../hardening/error-policy.ts';

type FileSpec =
  | string
  | { gzip: string }
  | { truncatedGzip: string }
  | { deepNdjson: number }
  | { deepJson: number }
  | { symlink: string }
  | { dir: true };

interface CommandCase {
  description: string;
  /** `tiny` starts from a copy of test/fixtures/tiny-workspace; default: an empty folder. */
  workspace?: 'tiny' | 'empty';
  argv: string[];
  /** Files of test/fixtures/bad-inputs/_shared/ copied into the working folder. */
  shared?: string[];
  files?: Record<string, FileSpec>;
  /** Text replacements in files of the working folder (after the files are made). */
  replace?: { file: string; from: string; to: string }[];
  expect: { code: ErrorCode; stderr: string };
  /** Paths relative to the working folder that must not exist after the run. */
  absent?: string[];
  /**
   * A known gap owned by someone else (what must change, and where): the case is expected to fail
   * until it is fixed, then fails itself as a reminder to drop this field.
   */
  pending?: string;
}

const CORPUS = path.join(FIXTURES, 'bad-inputs');

const nested = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

async function makeFile(file: string, spec: FileSpec): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  if (typeof spec === 'string') return writeFile(file, spec);
  if ('gzip' in spec) return writeFile(file, gzipSync(spec.gzip));
  if ('truncatedGzip' in spec) {
    const gz = gzipSync(spec.truncatedGzip);
    return writeFile(file, gz.subarray(0, Math.max(12, Math.floor(gz.length / 2))));
  }
  if ('deepNdjson' in spec)
    return writeFile(
      file,
      `{"type":"track","event":"Order Completed","userId":"u1","properties":{"x":${nested(spec.deepNdjson)}}}\n`,
    );
  if ('deepJson' in spec) return writeFile(file, nested(spec.deepJson));
  if ('symlink' in spec) return symlink(spec.symlink, file);
  await mkdir(file, { recursive: true });
}

/** Every file and folder under `dir`, relative, sorted (links not followed). */
async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

const folders = (await readdir(CORPUS, { withFileTypes: true }))
  .filter((d) => d.isDirectory() && d.name !== 'track-source' && !d.name.startsWith('_'))
  .map((d) => d.name)
  .sort();

afterAll(() => reportTally('bad-input corpus (commands)'));

describe('bad-input corpus layout', () => {
  it('has a folder for every command of the registry, each with cases', async () => {
    const commands = COMMANDS.filter((c) => c.run || c.subcommands?.length)
      .map((c) => c.name)
      .filter((n) => n !== 'run' && n !== 'mcp');
    for (const name of commands) {
      expect([...folders, 'track-source'], `test/fixtures/bad-inputs/${name}/`).toContain(name);
      const dir = path.join(CORPUS, name);
      expect((await readdir(dir)).length, name).toBeGreaterThan(0);
    }
  });
});

for (const command of folders) {
  const dir = path.join(CORPUS, command);
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const cases = await Promise.all(
    names.map(async (name) => {
      const c = JSON.parse(await readFile(path.join(dir, name, 'case.json'), 'utf8')) as CommandCase;
      return [name, c] as const;
    }),
  );
  describe(`bad-input corpus: ${command}`, () => {
    it.each(cases.filter(([, c]) => !c.pending))('%s', (name, c) => runCase(path.join(dir, name), c));
    const pending = cases.filter(([, c]) => c.pending);
    it.runIf(pending.length > 0).fails.each(pending.map(([name, c]) => [name, c.pending!, c] as const))(
      '%s (pending: %s)',
      (name, _why, c) => runCase(path.join(dir, name), c),
    );
  });
}

/** Runs one case in a fresh working folder and checks the policy, the line and what was written. */
async function runCase(caseDir: string, c: CommandCase): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'gtm-bad-'));
  const ws = path.join(root, 'work', 'ws');
  try {
    if (c.workspace === 'tiny') await cp(path.join(FIXTURES, 'tiny-workspace'), ws, { recursive: true });
    else await mkdir(ws, { recursive: true });
    for (const entry of await readdir(caseDir))
      if (entry !== 'case.json')
        await cp(path.join(caseDir, entry), path.join(ws, entry), { recursive: true });
    for (const f of c.shared ?? [])
      await cp(path.join(CORPUS, '_shared', f), path.join(ws, f), { recursive: true });
    for (const [rel, spec] of Object.entries(c.files ?? {})) await makeFile(path.join(ws, rel), spec);
    for (const r of c.replace ?? []) {
      const text = await readFile(path.join(ws, r.file), 'utf8');
      expect(text, `${r.file} holds ${r.from}`).toContain(r.from);
      await writeFile(path.join(ws, r.file), text.replace(r.from, r.to));
    }
    const before = (await listTree(root)).filter((f) => !f.startsWith(path.join('work', 'ws')));

    const run = await runCli(c.argv, { cwd: ws });
    const line = expectRefused(run, c.expect.code);
    expect(line).toMatch(new RegExp(c.expect.stderr));

    // nothing written outside the working folder, nor where the case forbids it
    const after = (await listTree(root)).filter((f) => !f.startsWith(path.join('work', 'ws')));
    expect(after, 'files outside the working folder').toEqual(before);
    for (const rel of c.absent ?? [])
      await expect(
        lstat(path.join(ws, rel)).then(
          () => 'exists',
          (e: NodeJS.ErrnoException) => e.code,
        ),
        rel,
      ).resolves.toBe('ENOENT');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
