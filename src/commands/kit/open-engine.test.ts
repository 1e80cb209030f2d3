import { describe, expect, it } from 'vitest';
import type { WorkspaceConfig } from '../../workspace/index.ts';
import { duckDbThreads, lazyEngine } from './open-engine.ts';

/** A workspace whose engine is a ClickHouse server nobody listens on. */
const ws = {
  baseDir: '/tmp',
  engine: { kind: 'clickhouse', url: 'http://127.0.0.1:1', database: 'gtm' },
} as unknown as WorkspaceConfig;

describe('which commands open a ClickHouse engine', () => {
  it('a command without `clickhouse: true` stops with a configuration error, before any connection', async () => {
    const engine = lazyEngine(ws, { name: 'optimize-referrals' });
    await expect(engine.get()).rejects.toMatchObject({
      code: 'CONFIG',
      message: 'optimize-referrals runs on the embedded DuckDB engine in this version',
    });
    await engine.close();
  });

  it('a command that opts in opens the configured server (here: unreachable, so an ENGINE error)', async () => {
    const engine = lazyEngine(ws, { name: 'track-source', clickhouse: true });
    const err = (await engine.get().catch((e: unknown) => e)) as { code?: string };
    expect(err.code).toBe('ENGINE');
    await engine.close();
  });
});

describe('DuckDB threads', () => {
  const duck = (threads?: number) =>
    ({ baseDir: '/tmp', engine: { kind: 'duckdb', threads } }) as unknown as WorkspaceConfig;

  it('takes engine.threads first, then GTM_DUCKDB_THREADS, else leaves DuckDB its default', () => {
    expect(duckDbThreads(duck(3), { GTM_DUCKDB_THREADS: '1' })).toBe(3);
    expect(duckDbThreads(duck(), { GTM_DUCKDB_THREADS: ' 1 ' })).toBe(1);
    expect(duckDbThreads(duck(), {})).toBeUndefined();
    expect(duckDbThreads(duck(), { GTM_DUCKDB_THREADS: '' })).toBeUndefined();
  });

  it.each(['0', '-1', '1.5', 'two', '1e3'])(
    'refuses GTM_DUCKDB_THREADS=%s with a configuration error',
    (v) => {
      expect(() => duckDbThreads(duck(), { GTM_DUCKDB_THREADS: v })).toThrow(
        expect.objectContaining({ code: 'CONFIG', where: 'GTM_DUCKDB_THREADS' }),
      );
    },
  );

  it('opens DuckDB with the threads chosen', async () => {
    const engine = lazyEngine(duck(), { name: 'track-source' }, { GTM_DUCKDB_THREADS: '1' });
    const rows = await (await engine.get()).query<{ t: unknown }>("SELECT current_setting('threads') AS t");
    expect(Number(rows[0].t)).toBe(1);
    await engine.close();
  });
});
