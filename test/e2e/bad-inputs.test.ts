/**
 * The track-source corpus of bad inputs (test/fixtures/bad-inputs/track-source/<case>/; the other
 * commands' folders run in bad-inputs-commands.test.ts): each case breaks the tiny workspace
 * one way — files in the case folder replace the workspace's, `case.json` lists edits, removals and
 * the expected outcome. Every case must give exactly one line on stderr, `error[CODE] <where>: …`,
 * the documented exit code, and lose nothing: rejected rows are listed in rejects.csv with file,
 * row and reason, and every source's rows still reconcile.
 */
import { chmod, cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { EXIT_CODES, type ErrorCode } from '../../src/errors/index.ts';
import { listPlans } from '../../src/orchestrator/index.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import {
  copyFixtureWorkspace,
  FIXTURES,
  TINY_AS_OF,
  type FixtureWorkspace,
} from '../helpers/fixture-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

interface BadInputCase {
  description: string;
  argv?: string[];
  replace?: { file: string; from: string; to: string }[];
  remove?: string[];
  mkdir?: string[];
  expect: {
    code: ErrorCode;
    /** regex the single stderr line must match */
    stderr: string;
    /** rows that must be in rejects.csv (reason is a regex) */
    rejects?: { source: string; file: string; row: number; reason: string }[];
    /** the plan of a run that failed in a stage */
    plan?: { status: 'failed'; failed_task: string };
  };
}

const CORPUS = path.join(FIXTURES, 'bad-inputs', 'track-source');
const DEFAULT_ARGV = [
  'track-source',
  '--campaign',
  'Spring Launch',
  '--window',
  '30d',
  '--as-of',
  TINY_AS_OF,
];

async function prepare(name: string, c: BadInputCase): Promise<FixtureWorkspace> {
  const ws = await copyFixtureWorkspace();
  const dir = path.join(CORPUS, name);
  for (const entry of await readdir(dir))
    if (entry !== 'case.json') await cp(path.join(dir, entry), ws.path(entry), { recursive: true });
  for (const r of c.replace ?? []) await ws.replace(r.file, r.from, r.to);
  for (const f of c.remove ?? []) await rm(ws.path(f));
  for (const d of c.mkdir ?? []) await mkdir(ws.path(d), { recursive: true });
  return ws;
}

/** Data lines of a source file as written (CSV minus its header; NDJSON lines). */
async function physicalRows(ws: FixtureWorkspace, rel: string): Promise<number> {
  const lines = (await ws.read(rel)).split('\n').filter((l) => l !== '').length;
  return rel.endsWith('.csv') ? lines - 1 : lines;
}

const cases = (await readdir(CORPUS, { withFileTypes: true }))
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('bad-input corpus: track-source', () => {
  it('has the cases the issue asks for', () => {
    expect(cases).toEqual(
      expect.arrayContaining([
        'malformed-csv',
        'missing-mapped-column',
        'unknown-currency',
        'bad-flag',
        'bad-yaml',
        'unreadable-file',
        'missing-file',
        'empty-glob',
      ]),
    );
  });

  it.each(cases)('%s', async (name) => {
    const c = JSON.parse(await readFile(path.join(CORPUS, name, 'case.json'), 'utf8')) as BadInputCase;
    const ws = await prepare(name, c);
    try {
      const r = await runCli(c.argv ?? DEFAULT_ARGV, { cwd: ws.dir });
      // one line, the documented code
      expect(r.stderrLines, r.stderr).toHaveLength(1);
      expect(r.stderr.endsWith('\n')).toBe(true);
      expect(r.stderrLines[0]).toMatch(new RegExp(c.expect.stderr));
      expect(r.stderrLines[0].startsWith(`error[${c.expect.code}] `)).toBe(true);
      expect(r.code).toBe(EXIT_CODES[c.expect.code]);
      expect(r.code).not.toBe(0);

      if (c.expect.rejects) {
        // the run completed: its result is on stdout and nothing is lost
        const result = r.json<TrackSourceResult>();
        for (const a of result.row_accounting)
          expect(a.rows_in, a.source).toBe(a.accepted + a.deduplicated + a.rejected);
        const sources = new Map([
          ['crm_touches', 'data/touches.csv'],
          ['crm_opportunities', 'data/opportunities.csv'],
          ['crm_contacts', 'data/contacts.csv'],
          ['web', 'data/web/events.ndjson'],
        ]);
        for (const [source, file] of sources)
          expect(result.row_accounting.find((a) => a.source === source)!.rows_in, source).toBe(
            await physicalRows(ws, file),
          );
        const listed = parseCsv(await ws.read(result.rejects.file!));
        expect(listed).toHaveLength(c.expect.rejects.length);
        expect(result.rejects.rows).toBe(c.expect.rejects.length);
        expect(result.row_accounting.reduce((s, a) => s + a.rejected, 0)).toBe(c.expect.rejects.length);
        c.expect.rejects.forEach((want, i) => {
          expect(listed[i]).toMatchObject({ source: want.source, file: want.file, row: String(want.row) });
          expect(listed[i].reason).toMatch(new RegExp(want.reason));
        });
        // the reporting package is still written
        for (const f of ['result.json', 'summary.md', 'dashboard.html'])
          expect(await ws.read(path.join(result.reports_dir, f))).not.toBe('');
      } else {
        expect(r.stdout).toBe('');
      }

      const plans = await listPlans(ws.path('.claude/plans'));
      if (c.expect.plan) {
        expect(plans).toHaveLength(1);
        const plan = plans[0].record;
        expect(plan.status).toBe(c.expect.plan.status);
        expect(plan.error?.task_id).toBe(c.expect.plan.failed_task);
        expect(r.stderrLines[0]).toContain(plans[0].path);
      } else if (!c.expect.rejects) {
        expect(plans).toEqual([]); // refused before anything ran
      }
    } finally {
      await ws.remove();
    }
  });

  it.skipIf(process.getuid?.() === 0)(
    'a file without read permission (chmod 000; skipped as root, which reads it anyway)',
    async () => {
      const ws = await copyFixtureWorkspace();
      try {
        await chmod(ws.path('data/touches.csv'), 0o000);
        const r = await runCli(DEFAULT_ARGV, { cwd: ws.dir });
        expect(r.code).toBe(EXIT_CODES.INPUT);
        expect(r.stderrLines).toHaveLength(1);
        expect(r.stderrLines[0]).toMatch(
          /^error\[INPUT\] \/.*\/data\/touches\.csv: cannot read .*data\/touches\.csv: permission denied — make the file readable/,
        );
      } finally {
        await chmod(ws.path('data/touches.csv'), 0o644);
        await ws.remove();
      }
    },
  );

  it('the workspace the corpus breaks is itself clean', async () => {
    const ws = await copyFixtureWorkspace();
    try {
      const r = await runCli(DEFAULT_ARGV, { cwd: ws.dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.json<TrackSourceResult>().rejects.rows).toBe(0);
    } finally {
      await ws.remove();
    }
  });
});
