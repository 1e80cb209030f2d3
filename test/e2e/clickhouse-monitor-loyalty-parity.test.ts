/**
 * monitor-loyalty on a real two-shard ClickHouse cluster (two clickhouse-server processes on
 * loopback): the demo's loyalty sources loaded with `gtm engine load` (members, ledger, orders,
 * CSAT and assignments sharded by the member; rewards, tier rules and experiments copied to both
 * servers), the command run on DuckDB from the files and with `engine: { kind: clickhouse }` on the
 * cluster, and:
 *
 * - result.json equal to 1e-9 — KPIs by every dimension, tier migration, FIFO liability and
 *   breakage, BG/NBD and Gamma-Gamma fits, churn and CLV, RFM, segments, experiment readouts,
 *   backlog, row accounting and rejects — less what names the run;
 * - each source's rows in equal to its file's data lines (counted here), every row in one bucket;
 * - every report written on both engines (dashboard, summary memo, CSVs), the CSVs equal cell by
 *   cell (numbers to 1e-9);
 * - no table or view of the run left on either server.
 *
 * Skipped (with the reason) when no clickhouse-server is installed; `.ci/run` installs it.
 */
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  CLICKHOUSE_CONFIG,
  clickHouseParity,
  close,
  expectClose,
  skipClickHouse,
  stripRun,
} from '../helpers/clickhouse-parity.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import { DEMO_AS_OF } from '../helpers/demo-workspace.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

/** The sources of monitor-loyalty's entities in the demo's gtm.yaml (experiments and assignments are shared). */
const SOURCES = [
  'loyalty_members',
  'loyalty_ledger',
  'loyalty_orders',
  'loyalty_rewards',
  'loyalty_tier_rules',
  'loyalty_csat',
  'loyalty_experiments',
  'loyalty_assignments',
  'referral_experiments',
  'referral_assignments',
  'experiment_registry',
];
/** Every dimension, so each GROUP BY of the KPIs, CSAT and churn tables runs. */
const ML = [
  'monitor-loyalty',
  '--window',
  '30d',
  '--dimensions',
  'tier,cohort,region,channel',
  '--detail',
  'full',
  '--as-of',
  DEMO_AS_OF,
  '--json',
];

type Result = Record<string, unknown> & {
  reports_dir: string;
  plan_path: string;
  row_accounting: {
    source: string;
    rows_in: number;
    accepted: number;
    deduplicated: number;
    rejected: number;
  }[];
  alerts: { id: string }[];
  members: { members: number; purchasers: number };
};

const parity = clickHouseParity({ sources: SOURCES });

describe.skipIf(skipClickHouse)('monitor-loyalty on a two-shard ClickHouse cluster', () => {
  let duck: CliRun;
  let ch: CliRun;
  let duckReports: string;
  let keep: string;

  beforeAll(async () => {
    await parity.start();
    const dir = parity.ws.dir;
    duck = await runCli(ML, { cwd: dir });
    // the DuckDB run's reports are kept aside, and its history removed: the cluster's run must not
    // compare its liability with the DuckDB run's (nor count its alerts as a second breach)
    keep = await mkdtemp(path.join(tmpdir(), 'gtm-ml-duck-'));
    const d = duck.json<Result>();
    duckReports = path.join(keep, 'reports');
    await cp(path.join(dir, d.reports_dir), duckReports, { recursive: true });
    await rm(path.join(dir, path.dirname(d.plan_path)), { recursive: true, force: true });
    await rm(path.join(dir, path.dirname(d.reports_dir)), { recursive: true, force: true });
    ch = await runCli([...ML, '--config', CLICKHOUSE_CONFIG], { cwd: dir });
  }, 600_000);
  afterAll(async () => {
    await parity.stop();
    if (keep) await rm(keep, { recursive: true, force: true });
  });

  it('loads the loyalty sources sharded by the member, reference tables on both servers', () => {
    const tables = new Map(parity.load.tables.map((t) => [t.source, t]));
    expect([...tables.keys()].sort()).toEqual([...SOURCES].sort());
    for (const source of ['loyalty_members', 'loyalty_ledger', 'loyalty_orders', 'loyalty_csat']) {
      const t = tables.get(source)!;
      expect(t.layout, source).toBe('sharded');
      // both shards hold rows, and together every row once
      expect(
        t.rows.per_server.every((n) => n > 0),
        source,
      ).toBe(true);
      expect(
        t.rows.per_server.reduce((a, b) => a + b, 0),
        source,
      ).toBe(t.rows.loaded);
    }
    for (const source of ['loyalty_rewards', 'loyalty_tier_rules', 'loyalty_experiments']) {
      const t = tables.get(source)!;
      expect(t.layout, source).toBe('copied');
      // a copy on each server
      expect(t.rows.per_server, source).toEqual(t.rows.per_server.map(() => t.rows.loaded));
    }
  });

  it('gives the DuckDB result.json to 1e-9, row accounting included', async () => {
    for (const [name, r] of [
      ['DuckDB', duck],
      ['ClickHouse', ch],
    ] as const) {
      expect(
        r.stderrLines.filter((l) => l.startsWith('error')),
        name,
      ).toEqual([]);
      expect([0, 10], `${name}: ${r.stderr}`).toContain(r.code);
    }
    expect(ch.code).toBe(duck.code);
    const c = ch.json<Result>();
    const d = duck.json<Result>();
    // independent truth: each source's rows in are its file's data lines, each in one bucket
    const yaml = parseYaml(await parity.ws.read('gtm.yaml')) as { sources: { name: string; path: string }[] };
    for (const a of c.row_accounting) {
      const file = yaml.sources.find((s) => s.name === a.source)!.path;
      const lines = (await parity.ws.read(file)).split('\n').filter(Boolean).length - 1;
      expect(a.rows_in, a.source).toBe(lines);
      expect(a.accepted + a.deduplicated + a.rejected, a.source).toBe(a.rows_in);
    }
    expect(c.row_accounting.map((a) => a.source).sort()).toEqual([...SOURCES].sort());
    // the demo's loyalty sources have duplicates and rejected rows: both paths are exercised
    expect(c.row_accounting.some((a) => a.deduplicated > 0)).toBe(true);
    expect(c.row_accounting.some((a) => a.rejected > 0)).toBe(true);
    expect(c.members.purchasers).toBeGreaterThan(1000);
    // the stages run in parallel, so alerts come in the order they finish: compared by id; the
    // segment members' file names the run
    const strip = (r: Record<string, unknown>) => {
      const s = stripRun(r) as Result & {
        segment_members: Record<string, unknown>;
        member_scores: Record<string, unknown> | null;
      };
      return {
        ...s,
        alerts: [...s.alerts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
        segment_members: { ...s.segment_members, file: undefined },
        member_scores: s.member_scores && { ...s.member_scores, file: undefined },
      };
    };
    expectClose(strip(c), strip(d), 'result');
  });

  it('writes every report on the cluster as on DuckDB, the CSVs equal cell by cell', async () => {
    const chReports = path.join(parity.ws.dir, ch.json<Result>().reports_dir);
    const files = (await readdir(duckReports)).sort();
    expect((await readdir(chReports)).sort()).toEqual(files);
    for (const f of [
      'dashboard.html',
      'summary.md',
      'result.json',
      'kpis.csv',
      'liability_cohorts.csv',
      'segments.csv',
      'segment_members.csv',
      'member_scores.csv',
      'backlog.csv',
      'tier_migration.csv',
      'experiments.csv',
    ])
      expect(files, f).toContain(f);
    for (const f of files) expect((await stat(path.join(chReports, f))).size, f).toBeGreaterThan(0);
    for (const f of files.filter((x) => x.endsWith('.csv'))) {
      const a = parseCsv(await readFile(path.join(chReports, f), 'utf8'));
      const b = parseCsv(await readFile(path.join(duckReports, f), 'utf8'));
      expect(a.length, f).toBe(b.length);
      b.forEach((row, i) => {
        expect(Object.keys(a[i]), `${f}:${i + 2}`).toEqual(Object.keys(row));
        for (const [k, v] of Object.entries(row)) {
          const x = a[i][k];
          const numeric = v !== '' && Number.isFinite(Number(v)) && Number.isFinite(Number(x));
          if (numeric && close(Number(x), Number(v))) continue;
          // the rejects' file column names the run's folder on both
          if (f === 'rejects.csv' && k === 'rejects_file') continue;
          expect(x, `${f}:${i + 2} ${k}`).toBe(v);
        }
      });
    }
    // the memo: the same lines but for what names the run (its id, plan and generation time); the
    // guardrail lines follow the alerts, which come in the order the parallel stages finish
    const memo = async (dir: string) =>
      (await readFile(path.join(dir, 'summary.md'), 'utf8'))
        .split('\n')
        .filter((l) => !l.startsWith('Data as of'))
        .map((l) => l.replace(/plan-\d{8}T\d{9}Z\.json/g, 'plan-….json'))
        .sort();
    expect(await memo(chReports)).toEqual(await memo(duckReports));
  });

  it('leaves no table or view of the run on either server', async () => {
    await parity.expectNoRunTables();
  });

  it('gives the DuckDB result.json with anniversary periods on points and points that never expire', async () => {
    // the other branches of the member summary: qualification periods from each member's
    // enrolment (month arithmetic per member), tiers measured in points, no default expiry
    const rules = path.join(parity.ws.dir, 'data/loyalty/tier_rules.csv');
    const text = await readFile(rules, 'utf8');
    expect(text).toContain(',spend,12,calendar,');
    await writeFile(rules, text.replaceAll(',spend,12,calendar,', ',points,6,anniversary,'));
    for (const config of ['gtm.yaml', CLICKHOUSE_CONFIG]) {
      const file = path.join(parity.ws.dir, config);
      const yaml = await readFile(file, 'utf8');
      expect(yaml).toContain('points_expire_months: 12');
      await writeFile(file, yaml.replace('points_expire_months: 12', 'points_expire_months: 0'));
    }
    await parity.loadSources(['loyalty_tier_rules'], { replace: true });
    // no history: the first run on the cluster must not be this DuckDB run's previous liability
    const first = ch.json<Result>();
    for (const p of [first.plan_path, first.reports_dir])
      await rm(path.join(parity.ws.dir, path.dirname(p)), { recursive: true, force: true });
    const run = await parity.runBoth(ML.filter((a) => a !== '--json'));
    const c = run.ch as Result & { segments: { segment: string; size: number }[] };
    const d = run.duck as Result & { segments: { segment: string; size: number }[] };
    // the tier segments now follow the points earned in each member's own period
    const size = (r: typeof d, segment: string) => r.segments.find((x) => x.segment === segment)?.size;
    const before = duck.json<typeof d>();
    expect(size(d, 'upgrade-opportunity')).toBeGreaterThan(0);
    expect(size(d, 'downgrade-risk')).not.toBe(size(before, 'downgrade-risk'));
    const strip = (r: Record<string, unknown>) => {
      const s = r as Result & {
        segment_members: Record<string, unknown>;
        member_scores: Record<string, unknown> | null;
      };
      return {
        ...s,
        alerts: [...s.alerts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
        segment_members: { ...s.segment_members, file: undefined },
        member_scores: s.member_scores && { ...s.member_scores, file: undefined },
      };
    };
    parity.expectSameResult(c, d, strip);
    await parity.expectNoRunTables();
  }, 600_000);
});
