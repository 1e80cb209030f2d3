/**
 * A run never writes through a symbolic link below the workspace: a `reports`, a
 * `reports/<command>` or a `.claude/plans` that links elsewhere is refused (exit 8, one line naming
 * the link) before anything runs, and the place the link points to stays empty. An output folder
 * configured outside the workspace is the user's choice and is written as given.
 */
import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors/index.ts';
import { refuseLinkedFolders } from '../../src/report/linked-folders.ts';
import { writeReportFiles } from '../../src/report/write-report-files.ts';
import { copyFixtureWorkspace, TINY_AS_OF, type FixtureWorkspace } from '../helpers/fixture-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

const ARGV = ['track-source', '--campaign', 'Spring Launch', '--window', '30d', '--as-of', TINY_AS_OF];
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

async function setup(): Promise<{ ws: FixtureWorkspace; outside: string }> {
  const ws = await copyFixtureWorkspace();
  const outside = await mkdtemp(path.join(tmpdir(), 'gtm-outside-'));
  cleanup.push(
    () => ws.remove(),
    () => rm(outside, { recursive: true, force: true }),
  );
  return { ws, outside };
}

it.each([
  ['reports', 'reports'],
  ['reports/track-source', 'reports/track-source'],
  ['.claude/plans', '.claude/plans'],
])('refuses a run whose %s is a symbolic link, writing nothing through it', async (link, shown) => {
  const { ws, outside } = await setup();
  await mkdir(path.dirname(ws.path(link)), { recursive: true });
  await symlink(outside, ws.path(link));
  const r = await runCli(ARGV, { cwd: ws.dir });
  expect(r.code, r.stderr).toBe(EXIT_CODES.IO);
  expect(r.stderrLines).toHaveLength(1);
  expect(r.stderrLines[0]).toMatch(
    new RegExp(
      `^error\\[IO\\] .*: refusing to write the (report|plan JSON): "${shown.replace(/\./g, '\\.')}" is a symbolic link — `,
    ),
  );
  expect(r.stdout).toBe('');
  expect(await readdir(outside)).toEqual([]);
});

it('writes into an output folder configured outside the workspace, as the user chose', async () => {
  const { ws, outside } = await setup();
  const yaml = await ws.read('gtm.yaml');
  await ws.write('gtm.yaml', `${yaml}\noutput:\n  reports_dir: ${JSON.stringify(outside)}\n`);
  const r = await runCli(ARGV, { cwd: ws.dir });
  expect(r.code, r.stderr).toBe(0);
  expect(await readdir(outside)).toEqual(['track-source']);
});

it('checks only the folders below the base, and stops at the first that does not exist', async () => {
  const { ws, outside } = await setup();
  // a link above the workspace (like macOS's /tmp) is not gtm's business
  const above = path.join(outside, 'above');
  await symlink(ws.dir, above);
  expect(() => refuseLinkedFolders(above, path.join(above, 'reports', 'x'), 'the report')).not.toThrow();
  await symlink(outside, ws.path('reports'));
  expect(() => refuseLinkedFolders(ws.dir, ws.path('reports/x/y'), 'the report')).toThrow(
    /"reports" is a symbolic link/,
  );
  expect(() => refuseLinkedFolders(ws.dir, ws.path('missing/reports'), 'the report')).not.toThrow();
  // the report writer checks again at write time when told the workspace
  await expect(
    writeReportFiles(ws.path('reports/track-source/run'), [{ name: 'a.txt', content: 'x' }], {
      within: ws.dir,
    }),
  ).rejects.toThrow(/"reports" is a symbolic link/);
  expect(await readdir(outside)).toEqual(['above']);
});
