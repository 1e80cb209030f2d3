/**
 * One parity harness for the commands on ClickHouse: a two-shard cluster on loopback (two
 * clickhouse-server processes) started once per test file, the demo workspace loaded into it with
 * `gtm engine load`, each command run on DuckDB (the files) and on the cluster (`engine:
 * clickhouse`, a second gtm.yaml), and the two result.json compared to 1e-9 — row accounting,
 * rejects and alerts included; what names a run (ids, paths, when an alert was evaluated, the
 * previous run it is compared with) is left out. After each run on the cluster no `_gtm_*` view or
 * table of the run may be left on any server.
 *
 * @example
 * const parity = clickHouseParity({ sources: ['referral_clicks', …] });
 * beforeAll(() => parity.start(), 300_000);
 * afterAll(() => parity.stop());
 * it('optimize-referrals', async () => {
 *   const { duck, ch } = await parity.runBoth(['optimize-referrals', '--as-of', DEMO_AS_OF]);
 *   parity.expectSameResult(ch, duck);
 *   await parity.expectNoRunTables();
 * }, 600_000);
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { openClickHouse, type ClickHouseEngine } from '../../src/data/index.ts';
import {
  findClickHouseServer,
  startClickHouse,
  startClickHouseCluster,
  type ClickHouseServer,
} from './clickhouse-server.ts';
import { makeDemoWorkspace, type DemoWorkspace } from './demo-workspace.ts';
import { runCli, type CliRun } from './run-cli.ts';

/** Whether a ClickHouse server binary is installed (tests skip without one, except on CI). */
export const clickHouseAvailable = findClickHouseServer() !== null;
/** `describe.skipIf(skipClickHouse)`: skipped without a server, except on CI where that is a failure. */
export const skipClickHouse = !clickHouseAvailable && !process.env.CI;

/**
 * One ClickHouse server and an engine on it for the tests of a `describe` (started before them,
 * stopped after): call inside the `describe`, read the engine in the tests.
 *
 * @example
 * describe.skipIf(skipClickHouse)('on ClickHouse', () => {
 *   const click = useClickHouseEngine();
 *   it('…', async () => expect(await click().query('SELECT 1 AS x')).toEqual([{ x: 1 }]));
 * });
 */
export function useClickHouseEngine(): () => ClickHouseEngine {
  let server: ClickHouseServer | undefined;
  let engine: ClickHouseEngine | undefined;
  beforeAll(async () => {
    if (!clickHouseAvailable)
      throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    server = await startClickHouse();
    engine = await openClickHouse({ url: server.url });
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
    await server?.stop();
  });
  return () => {
    if (!engine) throw new Error('the ClickHouse engine is not open yet (use it inside a test)');
    return engine;
  };
}

/** A started server as the tests of `describeOnClickHouse` see it. */
export interface OnClickHouse {
  /** The server's HTTP address (read it in hooks and tests: the server starts before them). */
  readonly url: string;
}

/**
 * A `describe` of tests on one throwaway ClickHouse server: skipped without a server binary, except
 * on CI, where its tests fail instead (`CI needs clickhouse-server`). The server is started before
 * the tests, with each query capped at `maxMemoryUsage` bytes (1 GiB unless given: a runaway query
 * fails instead of taking the shared machine's memory), and stopped after them, after the
 * `afterAll` hooks of `fn`.
 *
 * @example
 * describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
 *   it('gives the same ring', async () => {
 *     const run = await runOnClickHouse(ch, dir, yaml, ['optimize-referrals', '--json'], 'rings');
 *     expect(run.code, run.stderr).toBe(0);
 *   }, 120_000);
 * });
 */
export function describeOnClickHouse(
  title: string,
  fn: (ch: OnClickHouse) => void,
  opts: { maxMemoryUsage?: number } = {},
): void {
  describe.skipIf(skipClickHouse)(title, () => {
    let server: ClickHouseServer | undefined;
    beforeAll(async () => {
      if (!clickHouseAvailable)
        throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
      server = await startClickHouse({ maxMemoryUsage: opts.maxMemoryUsage ?? 2 ** 30 });
    }, 120_000);
    afterAll(async () => server?.stop());
    fn({
      get url() {
        if (!server) throw new Error('the ClickHouse server is not started yet (use it inside a test)');
        return server.url;
      },
    });
  });
}

/**
 * The command `argv` on ClickHouse: `loadOnClickHouse` of the workspace in `dir` (`yaml`, the text
 * of its gtm.yaml) into `database` on the server, then the run with `--config gtm.clickhouse.yaml`.
 * Returns the run; its exit code is the caller's to check.
 */
export async function runOnClickHouse(
  ch: OnClickHouse,
  dir: string,
  yaml: string,
  argv: string[],
  database: string,
): Promise<CliRun> {
  await loadOnClickHouse(dir, ch.url, database, yaml);
  return runCli([...argv, '--config', CLICKHOUSE_CONFIG], { cwd: dir });
}

/** The cluster's config next to the workspace's gtm.yaml: the same workspace, sources on the cluster. */
export const CLICKHOUSE_CONFIG = 'gtm.clickhouse.yaml';

/** What `gtm engine load --json` reports (the parts the tests read). */
export interface EngineLoadJson {
  tables: {
    table: string;
    source: string;
    entity: string;
    layout: string;
    shard_key: string[];
    rows: { read: number; loaded: number; rejected: number; in_clickhouse: number; per_server: number[] };
  }[];
}

export interface ParityOptions {
  /** Sources of gtm.yaml loaded into the cluster (default: every source of the demo). */
  sources?: string[];
  /** Runs on the demo workspace before the load (derived files, edited sources). */
  prepare?: (ws: DemoWorkspace) => Promise<void>;
  /** The database the tables go in (default `gtm`). */
  database?: string;
}

export interface ParityRun {
  duck: Record<string, unknown>;
  ch: Record<string, unknown>;
  duckRun: CliRun;
  chRun: CliRun;
}

export interface ClickHouseParity {
  /** Starts the cluster, makes the demo workspace, runs `prepare`, loads it; returns the load report. */
  start(): Promise<EngineLoadJson>;
  stop(): Promise<void>;
  readonly ws: DemoWorkspace;
  readonly cluster: Awaited<ReturnType<typeof startClickHouseCluster>>;
  readonly load: EngineLoadJson;
  readonly database: string;
  /** `gtm engine load` of more sources into the same cluster (`--replace` with `replace`). */
  loadSources(sources: string[], opts?: { replace?: boolean }): Promise<EngineLoadJson>;
  /**
   * The command (argv without `--json`) on DuckDB, then on the cluster (`--config
   * gtm.clickhouse.yaml`); both must exit 0 with no error line. Each run's reports and history are
   * removed after it, so the second run does not compare itself with the first.
   */
  runBoth(argv: string[]): Promise<ParityRun>;
  /** The command on the cluster only (argv without `--json`), exit code not checked. */
  runOnCluster(argv: string[]): Promise<CliRun>;
  /** result.json of both engines equal to 1e-9, less what names the run (and `strip`'s keys). */
  expectSameResult(ch: unknown, duck: unknown, strip?: (r: Record<string, unknown>) => unknown): void;
  /** No view or table named `_gtm_*` on any server of the cluster, in any database. */
  expectNoRunTables(): Promise<void>;
}

/** Equal to 1e-9, relative to the size of the numbers (credits run to millions). */
export function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Deep equality with numbers equal to 1e-9 (relative); `where` names the path in failures. */
export function expectClose(actual: unknown, expected: unknown, where = ''): void {
  if (typeof expected === 'number') {
    expect(typeof actual, where).toBe('number');
    if (!close(actual as number, expected)) expect(actual, where).toBe(expected);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), where).toBe(true);
    expect((actual as unknown[]).length, where).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, `${where}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), where).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected))
      expectClose((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
    return;
  }
  expect(actual, where).toEqual(expected);
}

/**
 * A result.json less what names the run: its id, plan and reports paths, the snapshot, the
 * rejects file's path, and each alert's evaluation time and previous run.
 */
export function stripRun(r: Record<string, unknown>): Record<string, unknown> {
  const { run_id: _a, plan_path: _b, reports_dir: _c, snapshot: _d, ...rest } = r;
  const out: Record<string, unknown> = { ...rest };
  if (r.rejects && typeof r.rejects === 'object' && !Array.isArray(r.rejects))
    out.rejects = { ...(r.rejects as object), file: undefined };
  if (Array.isArray(r.alerts))
    out.alerts = (r.alerts as Record<string, unknown>[]).map(
      ({ evaluated_at: _e, previous: _f, ...alert }) => alert,
    );
  return out;
}

/** Every row of every source in exactly one bucket (accepted, deduplicated, rejected). */
export function expectRowsReconcile(result: Record<string, unknown>): void {
  const lines = (result.row_accounting ?? []) as {
    source: string;
    rows_in: number;
    accepted: number;
    deduplicated: number;
    rejected: number;
  }[];
  for (const a of lines) expect(a.accepted + a.deduplicated + a.rejected, a.source).toBe(a.rows_in);
}

/** The cluster; started again when a port it picked was taken meanwhile by another process. */
export async function startCluster(
  shards = 2,
  opts: { maxMemoryUsage?: number } = {},
): Promise<Awaited<ReturnType<typeof startClickHouseCluster>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startClickHouseCluster(shards, opts);
    } catch (err) {
      if (attempt === 3 || !/Address already in use/.test(String(err))) throw err;
    }
  }
}

export function clickHouseParity(opts: ParityOptions = {}): ClickHouseParity {
  const database = opts.database ?? 'gtm';
  let ws: DemoWorkspace | undefined;
  let cluster: Awaited<ReturnType<typeof startClickHouseCluster>> | undefined;
  let load: EngineLoadJson | undefined;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`clickHouseParity: ${what} before start()`);
    return v;
  };

  const loadSources = async (sources: string[] | undefined, replace = false): Promise<EngineLoadJson> => {
    const c = need(cluster, 'load');
    const run = await runCli(
      [
        'engine',
        'load',
        '--clickhouse',
        c.urls.join(','),
        '--cluster',
        c.cluster,
        '--database',
        database,
        ...(sources ? ['--source', sources.join(',')] : []),
        ...(replace ? ['--replace'] : []),
        '--json',
      ],
      { cwd: need(ws, 'load').dir },
    );
    expect(run.stderr, 'gtm engine load').toBe('');
    expect(run.code, 'gtm engine load').toBe(0);
    return run.json<EngineLoadJson>();
  };

  /** Runs one command and removes its reports and history (plans) afterwards. */
  const runOne = async (argv: string[], extra: string[]): Promise<CliRun> => {
    const w = need(ws, 'run');
    const res = await runCli([...argv, ...extra, '--json'], { cwd: w.dir });
    try {
      const r = res.json<{ reports_dir?: string; plan_path?: string }>();
      for (const p of [r.reports_dir, r.plan_path])
        if (typeof p === 'string')
          await rm(path.join(w.dir, path.dirname(p)), { recursive: true, force: true });
    } catch {
      // no JSON: the caller's expectations on the exit code and stderr say why
    }
    return res;
  };

  return {
    get ws() {
      return need(ws, 'ws');
    },
    get cluster() {
      return need(cluster, 'cluster');
    },
    get load() {
      return need(load, 'load');
    },
    database,
    async start() {
      if (!clickHouseAvailable)
        throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
      // the demo needs far less; a runaway query fails instead of taking the shared machine's memory
      [ws, cluster] = await Promise.all([makeDemoWorkspace(), startCluster(2, { maxMemoryUsage: 2 ** 31 })]);
      await opts.prepare?.(ws);
      load = await loadSources(opts.sources);
      const yaml = await ws.read('gtm.yaml');
      await writeFile(
        path.join(ws.dir, CLICKHOUSE_CONFIG),
        yaml.replace(
          /^version: 1$/m,
          `version: 1\nengine: { kind: clickhouse, url: "${cluster.urls[0]}", database: ${database} }`,
        ),
      );
      return load;
    },
    async stop() {
      await cluster?.stop();
      await ws?.remove();
    },
    loadSources: (sources, o) => loadSources(sources, o?.replace ?? false),
    async runBoth(argv) {
      const duckRun = await runOne(argv, []);
      const chRun = await runOne(argv, ['--config', CLICKHOUSE_CONFIG]);
      for (const [name, r] of [
        ['DuckDB', duckRun],
        ['ClickHouse', chRun],
      ] as const) {
        expect(
          r.stderrLines.filter((l) => l.startsWith('error')),
          `${name}: ${argv.join(' ')}`,
        ).toEqual([]);
        expect(r.code, `${name}: ${argv.join(' ')}\n${r.stderr}`).toBe(0);
      }
      return { duck: duckRun.json(), ch: chRun.json(), duckRun, chRun };
    },
    runOnCluster: (argv) => runOne(argv, ['--config', CLICKHOUSE_CONFIG]),
    expectSameResult(ch, duck, strip) {
      const s = (r: unknown) => {
        const base = stripRun(r as Record<string, unknown>);
        return strip ? strip(base) : base;
      };
      expectClose(s(ch), s(duck), 'result');
    },
    async expectNoRunTables() {
      const servers = await Promise.all(need(cluster, 'check').urls.map((url) => openClickHouse({ url })));
      try {
        for (const [i, e] of servers.entries())
          expect(
            await e.query(`SELECT database, name FROM system.tables WHERE startsWith(name, '_gtm_')`),
            `server ${i + 1}`,
          ).toEqual([]);
      } finally {
        await Promise.all(servers.map((e) => e.close()));
      }
    },
  };
}

/**
 * Loads a small test workspace's sources into a ClickHouse server (`gtm engine load`, which must
 * exit 0) and writes `gtm.clickhouse.yaml` beside its gtm.yaml: `yaml` (that gtm.yaml's text) with
 * the server as its engine. Returns the text written.
 */
export async function loadOnClickHouse(
  dir: string,
  url: string,
  database: string,
  yaml: string,
): Promise<string> {
  const load = await runCli(['engine', 'load', '--clickhouse', url, '--database', database, '--json'], {
    cwd: dir,
  });
  expect(load.code, load.stderr).toBe(0);
  const onServer = yaml.replace(
    /^version: 1$/m,
    `version: 1\nengine: { kind: clickhouse, url: "${url}", database: ${database} }`,
  );
  await writeFile(path.join(dir, CLICKHOUSE_CONFIG), onServer);
  return onServer;
}
