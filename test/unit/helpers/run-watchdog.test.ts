import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDuckDb } from '../../../src/data/index.ts';
import { inFlight, tracked } from '../../../src/data/sql-profile.ts';
import { copyFixtureWorkspace, TINY_AS_OF } from '../../helpers/fixture-workspace.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { stallReport, watchRun } from '../../helpers/run-watchdog.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DuckDB calls in flight', () => {
  it('lists a statement while DuckDB runs it, and not once it settled or failed', async () => {
    const engine = await openDuckDb();
    try {
      const sql = 'SELECT sum(i) AS s FROM range(300000000) t(i)';
      let settled = false;
      const query = engine.query(sql).finally(() => (settled = true));
      let seen: { what: string; ms: number }[] = [];
      while (!settled && seen.length === 0) {
        seen = inFlight().filter((c) => c.what === sql);
        await new Promise((r) => setImmediate(r));
      }
      expect(seen, 'the statement was never listed while it ran').toHaveLength(1);
      expect(seen[0].ms).toBeGreaterThanOrEqual(0);
      await query;
      expect(inFlight()).toEqual([]);

      await expect(engine.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
      expect(inFlight()).toEqual([]);
    } finally {
      await engine.close();
    }
  });
});

describe('stallReport', () => {
  it('names a DuckDB call that has not returned, with its age', async () => {
    let release!: () => void;
    const call = tracked('SELECT\n  count(*)   FROM raw_0', () => new Promise<void>((r) => (release = r)));
    await sleep(30);
    const report = stallReport('gtm track-source', 41_234);
    release();
    await call;
    expect(report.split('\n')[0]).toBe('[watchdog] gtm track-source: still running after 41.2 s');
    expect(report).toMatch(/\n {2}DuckDB call running for 0\.\d s: SELECT count\(\*\) FROM raw_0$/);
    expect(stallReport('x', 0)).toContain('  no DuckDB call running');
  });

  it('lists a file-system call the thread pool has not answered yet', async () => {
    const pending = stat(fileURLToPath(import.meta.url));
    const report = stallReport('x', 0);
    await pending;
    expect(report).toMatch(/^ {2}active resources: .*FSReqPromise/m);
  });
});

describe('watchRun', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('reports once when the run outlives its limit, and never when it ends in time', async () => {
    const late: string[] = [];
    const stopLate = watchRun('slow run', { afterMs: 10, write: (t) => late.push(t) });
    await sleep(60);
    stopLate();
    expect(late).toHaveLength(1);
    expect(late[0]).toMatch(/^\[watchdog\] slow run: still running after 0\.\d s\n/);

    const early: string[] = [];
    const stopEarly = watchRun('quick run', { afterMs: 50, write: (t) => early.push(t) });
    stopEarly();
    await sleep(80);
    expect(early).toEqual([]);
  });

  it('watches every runCli run (GTM_TEST_WATCHDOG_MS sets the limit)', async () => {
    vi.stubEnv('GTM_TEST_WATCHDOG_MS', '1');
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const ws = await copyFixtureWorkspace();
    try {
      const argv = ['track-source', '--campaign', 'Spring Launch', '--window', '30d', '--as-of', TINY_AS_OF];
      const r = await runCli(argv, { cwd: ws.dir });
      expect(r.code, r.stderr).toBe(0);
      const reports = printed.mock.calls.map((c) => String(c[0])).filter((t) => t.startsWith('[watchdog]'));
      expect(reports).toHaveLength(1);
      expect(reports[0].split('\n')[0]).toMatch(
        /^\[watchdog\] gtm track-source --campaign Spring Launch .* \(in .*\): still running after \d+\.\d s$/,
      );
    } finally {
      await ws.remove();
    }
  });
});
