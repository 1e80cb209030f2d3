import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from './duckdb-api.ts';
import { spillDirectory } from './duckdb-engine.ts';

// A sort that does not fit in 64 MB: row numbers over 6M rows in a hashed order.
const SPILLING = `SELECT count(*) AS n, sum(x * (rn % 7)) AS s
  FROM (SELECT x, row_number() OVER (ORDER BY hash(x, 'spill')) AS rn FROM range(6000000) t(x))`;

describe('DuckDB spill folders', () => {
  let shared: string;
  beforeAll(async () => {
    shared = await mkdtemp(path.join(tmpdir(), 'gtm-spill-test-'));
  });
  afterAll(() => rm(shared, { recursive: true, force: true }));

  it('gives each in-memory engine a folder of its own (in the system temp folder unless one is given)', () => {
    const a = spillDirectory(':memory:', undefined)!;
    const b = spillDirectory(':memory:', undefined)!;
    expect(path.dirname(a)).toBe(tmpdir());
    expect(path.basename(a)).toMatch(new RegExp(`^gtm-duckdb-${process.pid}-[0-9a-f]{8}$`));
    expect(a).not.toBe(b);
    expect(path.dirname(spillDirectory(':memory:', shared)!)).toBe(shared);
    // a database file keeps DuckDB's default (<file>.tmp) unless a folder is given
    expect(spillDirectory('/data/x.duckdb', undefined)).toBeUndefined();
    expect(path.dirname(spillDirectory('/data/x.duckdb', shared)!)).toBe(shared);
  });

  it('lets two engines spill into one configured folder at once, and leaves it empty', async () => {
    const reference = await openDuckDb({ threads: 1 });
    const [expected] = await reference.query(SPILLING);
    await reference.close();
    const engines = await Promise.all(
      [0, 1].map(() => openDuckDb({ threads: 1, memoryLimit: '64MB', tempDirectory: shared })),
    );
    try {
      // before: both used `shared` itself, and one failed reading the other's spill file
      // (IO Error: Could not read enough bytes from file ".../duckdb_temp_storage_...tmp")
      const results = await Promise.all(engines.map((e) => e.query(SPILLING)));
      expect(results.map((r) => r[0])).toEqual([expected, expected]);
      // they did spill, each into its own folder
      expect((await readdir(shared)).filter((f) => f.startsWith('gtm-duckdb-')).length).toBeGreaterThan(0);
    } finally {
      await Promise.all(engines.map((e) => e.close()));
    }
    expect(await readdir(shared)).toEqual([]);
  }, 120_000);
});
