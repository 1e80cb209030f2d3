import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../test/helpers/clickhouse-server.ts';
import { withCancellation } from './cancellation.ts';
import { openClickHouse } from './clickhouse-engine.ts';
import { openDuckDb } from './duckdb-api.ts';

/** A statement that runs for minutes on one thread unless it is interrupted. */
const LONG = 'SELECT sum(hash(i)) AS s FROM range(100000000000) t(i)';

describe('withCancellation on DuckDB', () => {
  it('interrupts the running statement when the signal aborts, and refuses every later one', async () => {
    const ac = new AbortController();
    await withCancellation(ac.signal, async () => {
      const engine = await openDuckDb({ threads: 1 });
      try {
        const started = Date.now();
        const running = engine.query(LONG);
        const waiting = engine.query('SELECT 1 AS one');
        setTimeout(() => ac.abort('cancelled by the test'), 300);
        await expect(running).rejects.toThrow(/run was cancelled/);
        // stopped soon after the abort, not minutes later
        expect(Date.now() - started).toBeLessThan(5_000);
        await expect(waiting).rejects.toThrow(/run was cancelled/);
        await expect(engine.query('SELECT 2 AS two')).rejects.toThrow(/run was cancelled/);
        await expect(engine.exec('CREATE TABLE t (x INT)')).rejects.toThrow(/run was cancelled/);
      } finally {
        await engine.close();
      }
    });
  }, 15_000);

  it('leaves an engine opened outside the scope alone, and one opened inside runs until the abort', async () => {
    const ac = new AbortController();
    const outside = await openDuckDb({ threads: 1 });
    try {
      await withCancellation(ac.signal, async () => {
        const inside = await openDuckDb({ threads: 1 });
        try {
          expect(await inside.query('SELECT 40 + 2 AS n')).toEqual([{ n: 42 }]);
          ac.abort();
          await expect(inside.query('SELECT 1 AS one')).rejects.toThrow(/run was cancelled/);
        } finally {
          await inside.close();
        }
      });
      expect(await outside.query('SELECT 7 AS n')).toEqual([{ n: 7 }]);
    } finally {
      await outside.close();
    }
  }, 15_000);
});

describe.skipIf(findClickHouseServer() === null)(
  'withCancellation on ClickHouse (skipped: no clickhouse-server binary on PATH)',
  () => {
    let ch: ClickHouseServer;
    beforeAll(async () => {
      ch = await startClickHouse();
    }, 60_000);
    afterAll(async () => {
      await ch?.stop();
    });

    it('aborts the running request when the signal aborts, and sends no later statement', async () => {
      const ac = new AbortController();
      await withCancellation(ac.signal, async () => {
        const engine = await openClickHouse({ url: ch.url });
        try {
          const started = Date.now();
          // minutes of work on one thread (18.16: numbers(), cityHash64)
          const running = engine.query(
            'SELECT sum(cityHash64(number)) AS s FROM numbers(100000000000) SETTINGS max_threads = 1',
          );
          setTimeout(() => ac.abort('cancelled by the test'), 300);
          await expect(running).rejects.toThrow(/run was cancelled/);
          expect(Date.now() - started).toBeLessThan(5_000);
          await expect(engine.query('SELECT 1 AS one')).rejects.toThrow(/run was cancelled/);
          await expect(engine.exec('SELECT 1')).rejects.toThrow(/run was cancelled/);
        } finally {
          await engine.close();
        }
      });
      // and the server stopped the query too (18.16 goes on with a SELECT whose client left)
      const outside = await openClickHouse({ url: ch.url });
      try {
        const runningOnServer = async () =>
          (
            await outside.query<{ n: number }>(
              "SELECT count() AS n FROM system.processes WHERE query LIKE '%cityHash64(number)%' AND query NOT LIKE '%system.processes%'",
            )
          )[0].n;
        for (const deadline = Date.now() + 10_000; (await runningOnServer()) > 0 && Date.now() < deadline;)
          await new Promise((r) => setTimeout(r, 100));
        expect(await runningOnServer()).toBe(0);
      } finally {
        await outside.close();
      }
    }, 30_000);
  },
);
