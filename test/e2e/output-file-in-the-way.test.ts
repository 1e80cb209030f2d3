/**
 * An output folder that a file stands in the way of (`output.reports_dir` naming a file, a file at
 * `reports/<command>`, `output.plans_dir` naming a file) is refused before anything runs, with one
 * CONFIG line naming the key, its value and the file: the run used to gather and compute every
 * stage and fail only when it wrote the report.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors/index.ts';
import { copyFixtureWorkspace, TINY_AS_OF, type FixtureWorkspace } from '../helpers/fixture-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

const ARGV = ['track-source', '--campaign', 'Spring Launch', '--window', '30d', '--as-of', TINY_AS_OF];
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

async function workspace(output: string | null): Promise<FixtureWorkspace> {
  const ws = await copyFixtureWorkspace();
  cleanup.push(() => ws.remove());
  if (output) await ws.write('gtm.yaml', `${await ws.read('gtm.yaml')}\noutput:\n${output}\n`);
  return ws;
}

/** The plan JSONs written (none when the run was refused before it started). */
async function plans(ws: FixtureWorkspace): Promise<string[]> {
  return readdir(ws.path('.claude/plans')).catch(() => []);
}

it.each([
  [
    'output.reports_dir naming a file',
    '  reports_dir: out.txt',
    'out.txt',
    'error[CONFIG] gtm.yaml: output.reports_dir "out.txt" is a file, not a folder: the report cannot be written there — set output.reports_dir in gtm.yaml to a folder (it is created when missing), or move out.txt out of the way',
  ],
  [
    'output.reports_dir below a file',
    '  reports_dir: out.txt/reports',
    'out.txt',
    'error[CONFIG] gtm.yaml: output.reports_dir "out.txt/reports": out.txt is a file, not a folder: the report cannot be written under it — set output.reports_dir in gtm.yaml to a folder (it is created when missing), or move out.txt out of the way',
  ],
  [
    'a file at reports/<command> (the default reports_dir)',
    null,
    'reports/track-source',
    'error[CONFIG] gtm.yaml: output.reports_dir "reports": reports/track-source is a file, not a folder: the report cannot be written under it — set output.reports_dir in gtm.yaml to a folder (it is created when missing), or move reports/track-source out of the way',
  ],
])('refuses %s before anything runs', async (_, output, file, line) => {
  const ws = await workspace(output);
  if (file.includes('/')) await mkdir(ws.path(file.split('/')[0]), { recursive: true });
  await writeFile(ws.path(file), 'notes\n');
  const r = await runCli(ARGV, { cwd: ws.dir });
  expect(r.code, r.stderr).toBe(EXIT_CODES.CONFIG);
  expect(r.stderrLines).toEqual([line]);
  expect(r.stdout).toBe('');
  expect(await plans(ws)).toEqual([]);
  expect(await ws.read(file)).toBe('notes\n');
});

it('refuses output.plans_dir naming a file the same way', async () => {
  const ws = await workspace('  plans_dir: plans.txt');
  await writeFile(ws.path('plans.txt'), 'notes\n');
  const r = await runCli(ARGV, { cwd: ws.dir });
  expect(r.code, r.stderr).toBe(EXIT_CODES.CONFIG);
  expect(r.stderrLines).toEqual([
    'error[CONFIG] gtm.yaml: output.plans_dir "plans.txt" is a file, not a folder: the plan JSON cannot be written there — set output.plans_dir in gtm.yaml to a folder (it is created when missing), or move plans.txt out of the way',
  ]);
  expect(await readdir(ws.dir)).not.toContain('reports');
});

it('still runs when the folders are missing (they are created) or are folders', async () => {
  const ws = await workspace('  reports_dir: new/reports');
  const r = await runCli(ARGV, { cwd: ws.dir });
  expect(r.code, r.stderr).toBe(0);
  expect(await readdir(ws.path('new/reports'))).toEqual(['track-source']);
});
