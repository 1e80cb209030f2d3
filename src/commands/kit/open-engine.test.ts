import { describe, expect, it } from 'vitest';
import type { WorkspaceConfig } from '../../workspace/index.ts';
import { lazyEngine } from './open-engine.ts';

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
