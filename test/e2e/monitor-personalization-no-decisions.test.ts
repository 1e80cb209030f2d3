/**
 * monitor-personalization on decision sources without a single decision. The problem is the export,
 * so the one error line names the source and its file, whatever the flags; it read
 * "error[DATA] --window: no decisions of any initiative in the 14d window to 2026-11-30 — check the
 * decisions sources" (with --initiative, "--initiative: no decisions of initiative …"), sending the
 * user to a window that had nothing to do with it. Only decisions read outside the window are the
 * window's business: that run goes on with a warning naming --window (as-of-past-data test).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entitySpec } from '../../src/data/entities/registry.ts';
import { expectRefused } from '../hardening/error-policy.ts';
import { runCli } from '../helpers/run-cli.ts';

const OTHER = ['outcomes', 'rule_changes', 'consent_records'];
const header = (e: string) => entitySpec(e)!.columns.join(',');
/** A decision row with the given decided_at (the other columns blank but the user, rule and variant). */
const decision = (at: string) => {
  const v: Record<string, string> = { user_id: 'U1', decided_at: at, rule_id: 'hero', variant: 'a' };
  return entitySpec('decisions')!
    .columns.map((c) => v[c] ?? '')
    .join(',');
};

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-mp-nodec-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A workspace whose decision sources are `logs` (file name → text), with `extra` gtm.yaml lines. */
async function workspace(logs: Record<string, string>, extra = ''): Promise<string> {
  const dir = path.join(root, `ws-${++n}`);
  await mkdir(path.join(dir, 'data'), { recursive: true });
  const sources = [
    ...Object.keys(logs).map(
      (f) => `  - { name: ${f.replace(/\.csv$/, '')}, entity: decisions, kind: file, path: data/${f} }`,
    ),
    ...OTHER.map((e) => `  - { name: ${e}, entity: ${e}, kind: file, path: data/${e}.csv }`),
  ];
  await writeFile(
    path.join(dir, 'gtm.yaml'),
    `version: 1\nsources:\n${sources.join('\n')}\noutput: { snapshot: never }\n${extra}`,
  );
  for (const [f, text] of Object.entries(logs)) await writeFile(path.join(dir, 'data', f), text);
  for (const e of OTHER) await writeFile(path.join(dir, `data/${e}.csv`), `${header(e)}\n`);
  return dir;
}

const run = (dir: string, args: string[] = [], asOf = '2026-11-30') =>
  runCli(['monitor-personalization', '--as-of', asOf, '--json', ...args], { cwd: dir });

describe('monitor-personalization without a decision in its decision sources', () => {
  it('names the header-only log and its file, not --window nor --initiative', async () => {
    const dir = await workspace({ 'decisions.csv': `${header('decisions')}\n` });
    for (const args of [[], ['--window', '7d'], ['--initiative', 'PLG']]) {
      const cli = await run(dir, args);
      const line = expectRefused(cli, 'DATA', 'data/decisions.csv');
      expect(line).toMatch(
        /^error\[DATA\] data\/decisions\.csv: no decisions to monitor: source decisions has no data rows \(a header-only export\?\) — export the decision log again, or point sources\.decisions in gtm\.yaml at a log with rows/,
      );
      expect(line).not.toMatch(/--window|--initiative|window to/);
      expect(cli.stdout).toBe('');
    }
  }, 120_000);

  it('names every decision source with its file when there are several', async () => {
    const dir = await workspace({
      'web_log.csv': `${header('decisions')}\n`,
      'email_log.csv': `${header('decisions')}\n`,
    });
    const line = expectRefused(await run(dir), 'DATA', 'data/web_log.csv');
    expect(line).toContain(
      ': no decisions to monitor: source web_log (data/web_log.csv) has no data rows (a header-only export?); source email_log (data/email_log.csv) has no data rows (a header-only export?) — ',
    );
  }, 120_000);

  it('says the rows were read and every one rejected when the reject limit lets them through', async () => {
    const dir = await workspace(
      { 'decisions.csv': `${header('decisions')}\n${decision('not a time')}\n${decision('nor this')}\n` },
      'thresholds: { max_reject_rate: 1 }\n',
    );
    const line = expectRefused(await run(dir), 'DATA', 'data/decisions.csv');
    expect(line).toMatch(
      /: no decisions to monitor: source decisions: 2 rows read, every one rejected — fix the rows of decisions \(gtm doctor names them\) and run again/,
    );
  }, 120_000);

  it('still runs, with the warning naming the window, when the decisions lie outside it', async () => {
    const dir = await workspace({
      'decisions.csv': `${header('decisions')}\n${decision('2026-11-29T10:00:00Z')}\n`,
    });
    const cli = await run(dir, ['--window', '7d'], '2026-11-01');
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderrLines).toContain(
      'warning: no decisions of any initiative in the 7d window to 2026-11-01 (1 outside it): the report describes an empty window; check --window and --as-of',
    );
  }, 120_000);
});
