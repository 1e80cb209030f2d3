/**
 * An id reused inside ONE source with other values is said on stderr, once per source: the count,
 * the first example (its id, rows, the column that differs and both values), which row was kept and
 * why, and what to do. summary.md and duplicates.csv listed it before, but a run in CI shows neither.
 * Copies across sources that differ (a partner's report of a CRM deal at 98 % of its value) are
 * normal and not warned about; an exact copy inside a source differs in nothing.
 *
 * The workspace (track-source): the CRM export has O1 twice (rows 2 and 4: 1,000 then 1,200) and O3
 * twice alike (rows 5 and 6); the partner's report has O2 at 1,960 where the CRM says 2,000. By hand:
 * one line, for crm_deals: 1 row, O1's row 4 against row 2 (kept: first in file order), amount.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { describeOnClickHouse, runOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - name: crm_deals
    entity: opportunities
    kind: file
    path: data/crm_deals.csv
    priority: 1
    mapping: { opportunity_id: Opportunity ID, account_id: Account ID, created_at: Created Date, closed_at: Close Date, stage: Stage, amount: Amount }
  - name: partner_deals
    entity: opportunities
    kind: file
    path: data/partner_deals.csv
    priority: 2
    mapping: { opportunity_id: deal_id, account_id: account, created_at: created, stage: stage, amount: amount }
  - { name: web, entity: touchpoints, kind: file, path: data/touches.csv }
currency: { reporting: USD }
campaigns:
  - id: spring
    name: Spring
    start: 2026-03-01
    end: 2026-03-31
    utm_campaigns: [spring]
    lookback_days: 30
output: { snapshot: never }
`;

const FILES: Record<string, string> = {
  'crm_deals.csv': `Opportunity ID,Account ID,Created Date,Close Date,Stage,Amount
O1,acc1,2026-03-10,2026-03-25,Closed Won,1000
O2,acc2,2026-03-11,,Prospecting,2000
O1,acc1,2026-03-10,2026-03-25,Closed Won,1200
O3,acc3,2026-03-12,,Prospecting,500
O3,acc3,2026-03-12,,Prospecting,500
`,
  'partner_deals.csv': 'deal_id,account,created,stage,amount\nO2,acc2,2026-03-11,Prospecting,1960\n',
  'touches.csv': `touch_id,account_id,occurred_at,utm_source,utm_medium,utm_campaign
t1,acc1,2026-03-02T10:00:00Z,google,cpc,spring
t2,acc2,2026-03-03T10:00:00Z,google,cpc,spring
t3,acc3,2026-03-04T10:00:00Z,google,cpc,spring
`,
};

const ARGV = [
  'track-source',
  '--campaign',
  'spring',
  '--window',
  'campaign',
  '--as-of',
  '2026-04-01',
  '--json',
];

const LINE =
  'source crm_deals: 1 row reuses the opportunity_id of another row of this source with other values (amount); ' +
  'first: opportunity_id O1, data/crm_deals.csv row 4 (amount 1200) against row 2 (amount 1000); ' +
  'the row kept is the first in file order (within a source, the file first in name order, then the lowest row), ' +
  'the others are counted deduplicated and their values left out (duplicates.csv lists them). ' +
  'Correct the export so that each opportunity_id names one record, or put corrections in a source of their own with a lower priority so that they win';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-differing-warning-'));
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await writeFile(path.join(dir, 'gtm.yaml'), YAML);
  for (const [f, text] of Object.entries(FILES)) await writeFile(path.join(dir, 'data', f), text);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function expectWarned(cli: CliRun) {
  expect(cli.code, cli.stderr).toBe(0);
  const r = cli.json<TrackSourceResult>();
  // both kinds of differing copies are there: within crm_deals (O1) and across sources (O2)
  expect(r.duplicates).toEqual([
    {
      source: 'crm_deals',
      kept_source: 'crm_deals',
      rows: 2,
      differing: 1,
      differing_columns: { amount: 1 },
    },
    {
      source: 'partner_deals',
      kept_source: 'crm_deals',
      rows: 1,
      differing: 1,
      differing_columns: { amount: 1 },
    },
  ]);
  // one line, for the source that reuses its own id; none for the partner's copy
  expect(cli.stderrLines.filter((l) => l.includes('reuse'))).toEqual([`warning: ${LINE}`]);
  // on stderr only: stdout is the JSON result
  expect(cli.stdout).not.toContain('reuses the opportunity_id');
}

describe('an id reused inside one source with other values (DuckDB)', () => {
  it('is one warning line on stderr, naming the first example; copies across sources are not', async () => {
    expectWarned(await runCli(ARGV, { cwd: dir }));
  }, 120_000);
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it('gives the same line', async () => {
    expectWarned(await runOnClickHouse(ch, dir, YAML, ARGV, 'differing_warning'));
  }, 240_000);
});
