/**
 * A partner value holding terminal escape sequences (an OSC that sets the window title, a CSI that
 * clears the screen, a C1 CSI) reaches the track-source terminal view (executive summary, Partners
 * table) and its warnings as `\xNN` text: the view printed them raw. The same in summary.md (the
 * Markdown report of every kit command): it copied them raw.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../helpers/fixture-dir.ts';
import { runCli } from '../helpers/run-cli.ts';

const HOSTILE = 'pm\u001b]0;PWNED\u0007\u001b[2J\u009b31m';
/** Any character a terminal acts on, but tab and line feed. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const FILES: Record<string, string> = {
  'gtm.yaml': `version: 1
sources:
  - { name: crm, entity: opportunities, kind: file, path: opps.csv }
  - name: touches
    entity: touchpoints
    kind: file
    path: touches.csv
    mapping: { partner: source, utm_source: source }
currency: { reporting: EUR }
partners:
  - { id: muenchen, name: "Partner München GmbH", aliases: [pm] }
campaigns:
  - { id: herbst, name: Herbst, partners: [muenchen], start: 2026-10-01, end: 2026-12-31, utm_campaigns: [herbst] }
thresholds: { max_reject_rate: 1 }
`,
  'opps.csv': `opportunity_id,account_id,created_at,closed_at,stage,amount,currency
K1,A1,2026-11-02,2026-11-20,Closed Won,1234.56,EUR
K2,A2,2026-11-03,,Closed Won,1000,EUR
`,
  'touches.csv': `account_id,occurred_at,source,utm_medium,utm_campaign
A1,2026-10-20,${HOSTILE},partner,herbst
A2,2026-10-21,pm,partner,herbst
`,
};

let dir: FixtureDir;
beforeAll(async () => {
  dir = await makeFixtureDir(FILES);
});
afterAll(() => dir?.remove());

describe('terminal views escape control characters from the data', () => {
  it('track-source --detail full on a terminal: summary and Partners table show the value as text', async () => {
    const r = await runCli(
      ['track-source', '--campaign', 'herbst', '--as-of', '2026-11-30', '--detail', 'full', '--no-snapshot'],
      { cwd: dir.dir, tty: true },
    );
    expect(r.code, r.stderr).toBe(0);
    // the value is shown (some views lower-case it), escaped
    expect(r.stdout.toLowerCase()).toContain('pm\\x1b]0;pwned\\x07\\x1b[2j\\x9b31m');
    expect(r.stdout).not.toMatch(CONTROL);
    // stderr: only the progress line's own styling and clearing
    expect(r.stderr.replace(/\r\x1b\[2K|\x1b\[2m|\x1b\[0m/g, '')).not.toMatch(CONTROL);
  }, 60_000);

  it('--json stays the same JSON, C1 controls escaped as \\u00NN', async () => {
    const r = await runCli(['track-source', '--campaign', 'herbst', '--as-of', '2026-11-30', '--json'], {
      cwd: dir.dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(CONTROL);
    expect(JSON.stringify(r.json()).toLowerCase()).toContain('\\u001b]0;pwned');
  }, 60_000);

  it('summary.md shows the value as text', async () => {
    const r = await runCli(
      ['track-source', '--campaign', 'herbst', '--as-of', '2026-11-30', '--detail', 'full', '--json'],
      { cwd: dir.dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const md = await readFile(
      path.join(dir.dir, r.json<{ reports_dir: string }>().reports_dir, 'summary.md'),
      'utf8',
    );
    expect(md.toLowerCase()).toContain('pm\\x1b\\]0;pwned\\x07\\x1b\\[2j\\x9b31m');
    expect(md).not.toMatch(CONTROL);
    expect(md).not.toContain('\t');
  }, 60_000);
});
