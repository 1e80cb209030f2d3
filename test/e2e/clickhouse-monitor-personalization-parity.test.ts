/**
 * monitor-personalization on a two-shard ClickHouse cluster gives the DuckDB run's numbers: the
 * demo's personalization sources (decisions, outcomes, rule changes, consent records, experiments)
 * are loaded with `gtm engine load` into two clickhouse-server processes on loopback (decisions,
 * outcomes and consent records sharded by the user, the small tables copied), and the command with
 * `engine: { kind: clickhouse }` writes the same result.json to 1e-9 — performance vs holdout,
 * governance, experiments, anomalies, backlog, alerts, row accounting — and the same reports, and
 * leaves no table of its run on any server.
 *
 * Before the load, the decision log gets exact copies of some of its lines (retried beacons, which
 * dedupe removes), lines whose time does not parse (rejected) and a personalized decision for a user
 * without any consent record, and the product events copies of their own: the expected accounting
 * is counted here from the files, and because the copies are removed again, the consent violations
 * both find are the demo generator's planted ones plus that user's.
 */
import { existsSync } from 'node:fs';
import { appendFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorPersonalizationResult } from '../../src/commands/monitor-personalization/index.ts';
import {
  CLICKHOUSE_CONFIG,
  clickHouseAvailable,
  clickHouseParity,
  expectClose,
  skipClickHouse,
} from '../helpers/clickhouse-parity.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import { DEMO_AS_OF, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

/** The demo's sources of the command's entities. */
const SOURCES = [
  'decision_log',
  'product_events',
  'billing_events',
  'rule_change_log',
  'consent_platform',
  'experiment_registry',
  'referral_experiments',
  'loyalty_experiments',
];
const ARGV = [
  'monitor-personalization',
  '--initiative',
  'PLG Onboarding',
  '--window',
  '14d',
  '--detail',
  'full',
  '--dimension',
  'cohort',
  '--as-of',
  DEMO_AS_OF,
  '--json',
];
/** Reports compared file by file (numbers in CSVs to 1e-9; the rest name the run or carry charts). */
const CSVS = [
  'performance.csv',
  'rule_health.csv',
  'governance_checklist.csv',
  'experiments.csv',
  'anomalies.csv',
  'backlog.csv',
  'row_accounting.csv',
  'daily_kpis.csv',
  'consent_violations.csv',
  'consent_violation_users.csv',
  'stale_rules.csv',
  'rule_changes.csv',
  'rejects.csv',
];
const DOCS = ['experiment-memo.md', 'governance-checklist.md'];

/** What the test adds to the demo's files before the load. */
const ADDED = { decisionCopies: 7, badDecisions: 2, eventCopies: 5 };
/** A user with a personalized decision in the window and no consent record at all. */
const UNKNOWN_USER = 'u-no-consent-record';
/** The rule of that decision (set when the files are prepared). */
let unknownUserRule = '';

/** Data lines of a CSV (header left out). */
const dataLines = (text: string) => text.split('\n').filter(Boolean).slice(1);

async function addDuplicatesAndRejects(ws: DemoWorkspace): Promise<void> {
  const decisions = 'data/personalization/decisions.csv';
  const lines = dataLines(await ws.read(decisions));
  // copies of decisions inside the window (the last lines of the log), spread over its users
  const copies = lines
    .slice(-400)
    .filter((_, i) => i % 57 === 0)
    .slice(0, ADDED.decisionCopies);
  const bad = lines.slice(0, ADDED.badDecisions).map((l) => {
    const cells = l.split(',');
    cells[0] = `${cells[0]}-bad`;
    cells[2] = 'not a time';
    return cells.join(',');
  });
  // a personalized decision for a user the consent platform has never heard of: a violation whose
  // user only the decisions can name (the decisions are read again for that user)
  const personalized = lines.filter((l) => /,PLG Onboarding,.*,TARGETING_MATCH,,granted$/.test(l)).at(-1);
  if (!personalized) throw new Error('the demo has no personalized decision to copy');
  const cells = personalized.split(',');
  cells[0] = 'd-unknown-user';
  cells[1] = UNKNOWN_USER;
  unknownUserRule = cells[4];
  await appendFile(path.join(ws.dir, decisions), `${[...copies, ...bad, cells.join(',')].join('\n')}\n`);
  const events = 'data/personalization/product_events.csv';
  const eventLines = dataLines(await ws.read(events));
  await appendFile(
    path.join(ws.dir, events),
    `${eventLines
      .slice(-ADDED.eventCopies * 3)
      .filter((_, i) => i % 3 === 0)
      .join('\n')}\n`,
  );
}

interface Run {
  cli: CliRun;
  result: MonitorPersonalizationResult & Record<string, unknown>;
  files: Record<string, string>;
}

describe.skipIf(skipClickHouse)(
  'monitor-personalization on a two-shard ClickHouse cluster gives the DuckDB numbers',
  () => {
    const parity = clickHouseParity({ sources: SOURCES, prepare: addDuplicatesAndRejects });
    let duck: Run;
    let ch: Run;

    /** One run; its reports read into memory, then its reports and history removed. */
    async function run(config: string[]): Promise<Run> {
      const cli = await runCli([...ARGV, ...config], { cwd: parity.ws.dir });
      expect(
        cli.stderrLines.filter((l) => l.startsWith('error')),
        cli.stderr,
      ).toEqual([]);
      expect(cli.code, cli.stderr).toBe(0);
      const result = cli.json<Run['result']>();
      const dir = path.join(parity.ws.dir, result.reports_dir);
      const files: Record<string, string> = {};
      for (const f of [...CSVS, ...DOCS, 'result.json', 'summary.md', 'dashboard.html'])
        if (existsSync(path.join(dir, f))) files[f] = await readFile(path.join(dir, f), 'utf8');
      for (const p of [result.reports_dir, result.plan_path])
        await rm(path.join(parity.ws.dir, path.dirname(p)), { recursive: true, force: true });
      return { cli, result, files };
    }

    beforeAll(async () => {
      if (!clickHouseAvailable)
        throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
      await parity.start();
      duck = await run([]);
      ch = await run(['--config', CLICKHOUSE_CONFIG]);
    }, 600_000);
    afterAll(() => parity.stop());

    it('loads every row: decisions, outcomes and consent records sharded by the user, the rest copied', () => {
      const byTable = Object.fromEntries(parity.load.tables.map((t) => [t.table, t]));
      for (const name of ['decision_log', 'product_events', 'consent_platform']) {
        const t = byTable[name];
        expect(t.layout, name).toBe('sharded');
        expect(t.shard_key, name).toEqual(['user_id']);
        expect(Math.min(...t.rows.per_server), name).toBeGreaterThan(0);
      }
      for (const name of ['rule_change_log', 'experiment_registry'])
        expect(byTable[name].layout).toBe('copied');
      for (const t of parity.load.tables) expect(t.rows.in_clickhouse, t.table).toBe(t.rows.read);
    });

    it('accounts for every input row as the files count them, duplicates and rejects included', async () => {
      const lines = async (rel: string) => dataLines(await parity.ws.read(rel)).length;
      const acc = Object.fromEntries(ch.result.row_accounting.map((a) => [a.source, a]));
      expect(acc.decision_log).toMatchObject({
        rows_in: await lines('data/personalization/decisions.csv'),
        deduplicated: ADDED.decisionCopies,
        rejected: ADDED.badDecisions,
      });
      expect(acc.product_events).toMatchObject({
        rows_in: await lines('data/personalization/product_events.csv'),
        deduplicated: ADDED.eventCopies,
        rejected: 0,
      });
      expect(acc.consent_platform.rows_in).toBe(await lines('data/personalization/consent.csv'));
      for (const a of ch.result.row_accounting)
        expect(a.accepted + a.deduplicated + a.rejected, a.source).toBe(a.rows_in);
      expect(ch.result.row_accounting).toEqual(duck.result.row_accounting);
      // the rejected rows cite their file lines, as on DuckDB
      const cited = (r: Run) => ({ ...r.result.rejects, file: undefined });
      expect(cited(ch)).toEqual(cited(duck));
      expect(ch.result.rejects.rows).toBe(ADDED.badDecisions);
    });

    it('gives the DuckDB result.json to 1e-9', () => {
      // governance and experiments run in parallel: their alerts (and escalations) are listed in
      // the order the two branches raised them, which differs from run to run on either engine
      const byText = (xs: unknown) =>
        Array.isArray(xs) ? [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) : xs;
      parity.expectSameResult(ch.result, duck.result, (r) => ({
        ...r,
        alerts: byText(r.alerts),
        // an escalation's `at` is when the run raised it (the consent violation escalates on every run)
        escalations: byText(
          (r.escalations as Record<string, unknown>[]).map((e) => ({ ...e, at: undefined })),
        ),
        immediate_escalations: byText(r.immediate_escalations),
      }));
      // not a comparison of two empty results: the planted consent violation, the experiments'
      // readouts and the performance rows are there
      const planted = (
        parity.ws.truth.parts?.personalization as {
          planted: { consent_violation: { rule: string; decisions: number; users: number } };
        }
      ).planted.consent_violation;
      const consent = ch.result.governance.consent as {
        violations: number;
        users: number;
        by_kind: Record<string, number>;
        groups: { rule: string; purpose: string; kind: string; decisions: number; users: number }[];
      };
      // the planted withdrawals, and the decision added for a user without any consent record
      expect(consent.violations).toBe(planted.decisions + 1);
      expect(consent.users).toBe(planted.users + 1);
      expect(consent.by_kind['never-granted']).toBe(1);
      // (listed by name: the analysis refuses a violating row without its user, so the run
      // itself shows the decisions were read again for the name)
      expect(consent.groups.filter((g) => g.kind === 'never-granted')).toEqual([
        { rule: unknownUserRule, purpose: 'personalization', kind: 'never-granted', decisions: 1, users: 1 },
      ]);
      const memos = ch.result.experiments as { readout: unknown }[];
      expect(memos.filter((m) => m.readout !== null).length).toBeGreaterThan(0);
      const dims = new Set(ch.result.performance.rows.map((r) => r.dimension));
      expect([...dims].sort()).toEqual(['all', 'channel', 'cohort', 'profile', 'rule']);
    });

    it('writes the same reports', () => {
      for (const f of ['dashboard.html', 'summary.md', 'result.json', ...CSVS, ...DOCS])
        expect(Object.keys(ch.files), f).toContain(f);
      for (const f of CSVS) {
        const [a, b] = [parseCsv(ch.files[f]), parseCsv(duck.files[f])];
        const numbers = (rows: Record<string, string>[]) =>
          rows.map((r) =>
            Object.fromEntries(
              Object.entries(r).map(([k, v]) => [k, v !== '' && Number.isFinite(Number(v)) ? Number(v) : v]),
            ),
          );
        expectClose(numbers(a), numbers(b), f);
      }
      for (const f of DOCS) expect(ch.files[f], f).toBe(duck.files[f]);
    });

    it('leaves no table or view of the run on any server', async () => {
      await parity.expectNoRunTables();
    });
  },
);
