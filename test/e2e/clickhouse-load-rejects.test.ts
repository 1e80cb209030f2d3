/**
 * Input lines `gtm engine load` rejects are still rejected on ClickHouse: a Salesforce report
 * exported as CSV (quoted cells, CRLF) whose footer lines (an empty `""`, "Confidential
 * Information…", the copyright) and one short row (7 cells of 8) the CSV reader refuses, and whose
 * "Total" line is read but has no opportunity id. track-source on DuckDB (the files) and on
 * ClickHouse after `gtm engine load` must give the same row accounting, rejects.csv, reject-rate
 * alert and exit code. Before, the ClickHouse run counted only the loaded table: 5 read / 1
 * rejected (20 %, under the 30 % limit: exit 0) where DuckDB said 9 / 5 (exit 5).
 *
 * By hand, sf_opps: lines 2–6 are five data rows, line 7 is blank (no row), 8 is the Total line,
 * 9–11 the footer: 9 rows read. Rejected: line 5 (expected 8 columns, found 7), 8 (opportunity_id:
 * missing), 9, 10, 11 (expected 8 columns, found 1): 5, so 4 accepted; 5 / 9 = 0.5556 > 0.3.
 * web: 4 read, 4 accepted.
 *
 * Then the file is edited after the load: the ClickHouse run stops (INPUT, exit 4) instead of
 * reporting the old file's rows; a reload with --replace reads the fixed row (4 rejected of 9, as
 * DuckDB), and a table made again by other means than the load has no recorded rejects.
 *
 * Skipped (with the reason) when no clickhouse-server is installed.
 */
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { openClickHouse } from '../../src/data/index.ts';
import { CLICKHOUSE_CONFIG, describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - name: sf_opps
    entity: opportunities
    kind: file
    path: data/sf_report.csv
    mapping: { opportunity_id: Opportunity ID, account_id: Account ID, created_at: Created Date, closed_at: Close Date, stage: Stage, amount: Amount, currency: Amount Currency }
  - { name: web, entity: touchpoints, kind: file, path: data/touches.csv }
currency:
  reporting: USD
partners:
  - { id: acme, name: Acme Inc., aliases: [acme] }
campaigns:
  - id: spring
    name: Spring
    partners: [acme]
    start: 2026-03-01
    end: 2026-03-31
    utm_campaigns: [spring]
    lookback_days: 30
thresholds: { max_reject_rate: 0.3 }
`;

const SHORT_ROW = '"Lee Park","A4","O4","Closed Lost","USD","500.00","3/27/2026"';
const REPORT = [
  '"Opportunity Owner","Account ID","Opportunity ID","Stage","Amount Currency","Amount","Close Date","Created Date"',
  '"Dana Ruiz","A1","O1","Prospecting","USD","1,000.00","4/30/2026","3/10/2026"',
  '"Dana Ruiz","A2","O2","Closed Won","USD","2,000.00","3/25/2026","3/11/2026"',
  '"Lee Park","A3","O3","Closed Won","USD","4,000.00","3/26/2026","3/12/2026"',
  SHORT_ROW,
  '"Lee Park","A5","O5","Closed Won","USD","300.00","3/28/2026","3/13/2026"',
  '',
  '"Total","","","","","7,800.00","",""',
  '""',
  '"Confidential Information - Do Not Distribute"',
  '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."',
]
  .map((l) => `${l}\r\n`)
  .join('');

const TOUCHES = `touch_id,account_id,occurred_at,utm_source,utm_medium,utm_campaign,partner
t1,A1,2026-03-02T10:00:00Z,acme,email,spring,Acme Inc.
t2,A2,2026-03-03T10:00:00Z,acme,email,spring,ACME
t3,A3,2026-03-04T10:00:00Z,google,cpc,spring,
t5,A5,2026-03-06T10:00:00Z,google,cpc,spring,
`;

const ARGV = ['track-source', '--campaign', 'spring', '--window', 'campaign', '--as-of', '2026-04-01'];
const DATABASE = 'load_rejects';

/** What the tests compare of one run: exit code, error line, accounting, alert, rejects.csv. */
async function outcome(dir: string, run: CliRun) {
  const r = run.json<TrackSourceResult & { row_accounting: unknown[] }>();
  return {
    code: run.code,
    error: run.stderrLines.filter((l) => l.startsWith('error')).map((l) => l.replace(/reports\/\S+/, '…')),
    accounting: r.row_accounting,
    rejects: { ...r.rejects, file: undefined },
    alert: r.alerts.find((a) => a.id === 'max_reject_rate')?.value,
    csv: r.rejects.file ? await readFile(path.join(dir, r.rejects.file), 'utf8') : null,
  };
}

describeOnClickHouse('engine load: rejected lines counted on ClickHouse as on DuckDB', (ch) => {
  let dir: string;
  const run = (config?: string) =>
    runCli([...ARGV, '--no-snapshot', ...(config ? ['--config', config] : [])], { cwd: dir });
  const load = () =>
    runCli(['engine', 'load', '--clickhouse', ch.url, '--database', DATABASE, '--replace', '--json'], {
      cwd: dir,
    });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gtm-ch-load-rejects-'));
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeFile(path.join(dir, 'gtm.yaml'), YAML);
    await writeFile(path.join(dir, 'data/sf_report.csv'), REPORT);
    await writeFile(path.join(dir, 'data/touches.csv'), TOUCHES);
    await loadOnClickHouse(dir, ch.url, DATABASE, YAML);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gives DuckDB’s accounting, rejects.csv, alert and exit code (by hand: 9 read, 5 rejected)', async () => {
    const duck = await outcome(dir, await run());
    const click = await outcome(dir, await run(CLICKHOUSE_CONFIG));
    expect(duck.accounting).toEqual([
      { source: 'web', entity: 'touchpoints', rows_in: 4, accepted: 4, deduplicated: 0, rejected: 0 },
      { source: 'sf_opps', entity: 'opportunities', rows_in: 9, accepted: 4, deduplicated: 0, rejected: 5 },
    ]);
    expect(duck.alert).toBeCloseTo(5 / 9, 12);
    expect(duck.code).toBe(5);
    expect(duck.error).toEqual([
      expect.stringMatching(/^error\[DATA\] data\/sf_report\.csv:5: 5 of 9 rows of source sf_opps rejected/),
    ]);
    const csv = (duck.csv ?? '').split('\n');
    expect(csv.slice(1, 6).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      'sf_opps,data/sf_report.csv,5',
      'sf_opps,data/sf_report.csv,8',
      'sf_opps,data/sf_report.csv,9',
      'sf_opps,data/sf_report.csv,10',
      'sf_opps,data/sf_report.csv,11',
    ]);
    expect(duck.csv).toContain(`"${SHORT_ROW.replaceAll('"', '""')}"`);
    expect(click).toEqual(duck);
  }, 120_000);

  it('stops when a loaded file changed since the load; a reload reads it; a table made by hand has no record', async () => {
    const file = path.join(dir, 'data/sf_report.csv');
    // the same bytes with a new modification time: hashed, unchanged
    const later = new Date(Date.now() + 5_000);
    await utimes(file, later, later);
    expect((await run(CLICKHOUSE_CONFIG)).code).toBe(5);

    // an amount corrected in place (same size): the bytes are hashed
    await writeFile(file, REPORT.replace('"4,000.00"', '"4,100.00"'));
    const stale = await run(CLICKHOUSE_CONFIG);
    expect(stale.code, stale.stderr).toBe(4);
    expect(stale.stderrLines[0]).toMatch(
      /^error\[INPUT\] sources\.sf_opps: data\/sf_report\.csv changed since gtm engine load read it into table sf_opps \(.*sha256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\): the table's rows and rejected lines are the old file's — load it again: gtm engine load --source sf_opps --replace/,
    );
    // the short row completed: another size, no hash needed
    const fixed = REPORT.replace(SHORT_ROW, `${SHORT_ROW},"3/12/2026"`);
    await writeFile(file, fixed);
    expect((await run(CLICKHOUSE_CONFIG)).stderrLines[0]).toMatch(/\(.*643 bytes then, 655 now\)/);

    const reload = await load();
    expect(reload.code, reload.stderr).toBe(0);
    const duck = await outcome(dir, await run());
    const click = await outcome(dir, await run(CLICKHOUSE_CONFIG));
    // by hand: line 5 now has its 8 cells; Total and the 3 footer lines are rejected: 4 of 9
    expect(duck.accounting).toContainEqual({
      source: 'sf_opps',
      entity: 'opportunities',
      rows_in: 9,
      accepted: 5,
      deduplicated: 0,
      rejected: 4,
    });
    expect(click).toEqual(duck);

    // the table dropped and made again without gtm engine load (a second later: another
    // creation time): a table of its own, with no recorded rejects (6 rows, the Total rejected)
    const engine = await openClickHouse({ url: ch.url, database: DATABASE });
    try {
      await engine.exec(
        'CREATE TABLE sf_opps_copy ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM sf_opps',
      );
      await new Promise((r) => setTimeout(r, 1_100));
      await engine.exec('DROP TABLE sf_opps');
      await engine.exec(
        'CREATE TABLE sf_opps ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM sf_opps_copy',
      );
      await engine.exec('DROP TABLE sf_opps_copy');
    } finally {
      await engine.close();
    }
    const own = await outcome(dir, await run(CLICKHOUSE_CONFIG));
    expect(own.accounting).toContainEqual({
      source: 'sf_opps',
      entity: 'opportunities',
      rows_in: 6,
      accepted: 5,
      deduplicated: 0,
      rejected: 1,
    });
  }, 180_000);
});
