/**
 * A source whose export has its header and no rows loads 0 rows (README, "Empty inputs"), and the
 * run and `gtm doctor` now say so, naming the source and the file: before, monitor-loyalty with a
 * header-only points ledger reported "0.0% active (guardrail 25.0% — below it)" and a breached
 * alert with nothing saying why, track-source lost every CRM opportunity without a word, and
 * `gtm doctor` listed such a source as "ok" with 0 rows. One warning line per such source; the
 * sources monitor-personalization reports in its own words (decisions, outcomes) get no second one.
 *
 * One demo workspace (seed 7, as of 2026-11-30, 100 accounts, thinned to about 300 rows a file) is
 * written once; each case works on a copy with one file cut to its header.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemo } from '../../src/demo/index.ts';
import { runCli } from '../helpers/run-cli.ts';

const AS_OF = '2026-11-30';
let root: string;
let base: string;
let n = 0;

async function thin(file: string, rows = 300): Promise<void> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
  const k = Math.floor(lines.length / rows) + 1;
  await writeFile(file, lines.filter((_, i) => i === 0 || i % k === 0).join('\n') + '\n');
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-header-only-'));
  base = path.join(root, 'base');
  await writeDemo(base, { seed: 7, asOf: AS_OF, accounts: 100 });
  for (const folder of ['data/referrals', 'data/loyalty', 'data/personalization'])
    for (const f of await readdir(path.join(base, folder)))
      if (f.endsWith('.csv')) await thin(path.join(base, folder, f));
}, 60_000);
afterAll(() => rm(root, { recursive: true, force: true }));

/** A copy of the demo workspace with each of `files` cut to its header line. */
async function headerOnly(...files: string[]): Promise<string> {
  const dir = path.join(root, `case-${++n}`);
  await cp(base, dir, { recursive: true });
  for (const f of files) {
    const header = (await readFile(path.join(dir, f), 'utf8')).split('\n')[0];
    await writeFile(path.join(dir, f), `${header}\n`);
  }
  return dir;
}

const run = (dir: string, argv: string[]) =>
  runCli([...argv, '--as-of', AS_OF, '--no-snapshot'], { cwd: dir });

const line = (source: string, file: string, entity: string) =>
  `warning: source ${source}: ${file} has no data rows (a header-only export?) — a run reads no ${entity} ` +
  `from it; check the export, or remove sources.${source} from gtm.yaml`;

describe('a source with a header and no rows', () => {
  it('monitor-loyalty: a header-only points ledger is named once, and the run still reports', async () => {
    const dir = await headerOnly('data/loyalty/points_ledger.csv');
    const r = await run(dir, ['monitor-loyalty']);
    expect(r.code, r.stderr).toBe(0);
    const mine = r.stderrLines.filter((l) => l.includes('loyalty_ledger') || l.includes('points_ledger'));
    expect(mine).toEqual([line('loyalty_ledger', 'data/loyalty/points_ledger.csv', 'ledger')]);
    expect(r.stderr).not.toMatch(/error\[|\n\s+at /);
    const result = r.json<{ row_accounting: { source: string; rows_in: number }[]; plan_path: string }>();
    expect(result.row_accounting.find((a) => a.source === 'loyalty_ledger')?.rows_in).toBe(0);
    // the plan records it too, as a note of the normalize task
    const plan = JSON.parse(await readFile(path.join(dir, result.plan_path), 'utf8')) as {
      notes: { task_id: string; message: string }[];
    };
    expect(plan.notes).toContainEqual(
      expect.objectContaining({
        task_id: 'normalize',
        message: line('loyalty_ledger', 'data/loyalty/points_ledger.csv', 'ledger').slice('warning: '.length),
      }),
    );
  });

  it('track-source: each header-only source of the campaign gets its line', async () => {
    const dir = await headerOnly('data/crm/opportunities.csv', 'data/crm/campaign_members.csv');
    const r = await run(dir, ['track-source', '--campaign', 'AI Launch Tour']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderrLines.filter((l) => l.startsWith('warning: source '))).toEqual([
      line('crm_opportunities', 'data/crm/opportunities.csv', 'opportunities'),
      line('crm_campaign_members', 'data/crm/campaign_members.csv', 'touchpoints'),
    ]);
  });

  it('a workspace whose every source has rows says nothing of the kind', async () => {
    const r = await run(base, ['monitor-loyalty']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('has no data rows');
  });

  it('monitor-personalization: a header-only outcomes export keeps its own warning, not a second one', async () => {
    const dir = await headerOnly('data/personalization/product_events.csv');
    const r = await run(dir, ['monitor-personalization']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('warning: source product_events:');
    expect(r.stderr).toContain('no rows in product_events');
  });

  it('gtm doctor: the source is a warning naming the file, not "ok"; doctor still passes', async () => {
    const dir = await headerOnly('data/loyalty/points_ledger.csv');
    const r = await runCli(['doctor'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const report = r.json<{
      ok: boolean;
      checks: { source: string; status: string; rows: number; message: string }[];
    }>();
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.source === 'loyalty_ledger')).toMatchObject({
      status: 'warn',
      rows: 0,
      message: line('loyalty_ledger', 'data/loyalty/points_ledger.csv', 'ledger').replace(
        'warning: source loyalty_ledger: ',
        '',
      ),
    });
    expect(report.checks.filter((c) => c.source !== 'loyalty_ledger').every((c) => c.rows > 0)).toBe(true);
  });
});
