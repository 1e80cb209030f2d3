import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDuckDb } from './index.ts';

describe('GTM_PROFILE_SQL', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  const linesOf = (spy: { mock: { calls: unknown[][] } }) =>
    spy.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('[sql]'));

  it('prints each statement with its wall and CPU time on stderr, and nothing when off', async () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const engine = await openDuckDb();
    try {
      vi.stubEnv('GTM_PROFILE_SQL', '');
      await engine.query('SELECT 1 AS one');
      expect(linesOf(spy)).toEqual([]);

      vi.stubEnv('GTM_PROFILE_SQL', '1');
      const long = `SELECT ${Array.from({ length: 80 }, (_, i) => `${i} AS c${i}`).join(',\n  ')}`;
      const rows = await engine.query<{ c0: number }>(long);
      expect(rows[0].c0).toBe(0); // the result is untouched
      const [line] = linesOf(spy);
      expect(line).toMatch(
        /^\[sql\] \d+\.\d ms wall, \d+\.\d ms cpu \(\d+\.\d ms system, \d+ page faults, peak \d+ MB\): SELECT 0 AS c0, 1 AS c1, /,
      );
      // whitespace folded, cut at 160 characters of SQL
      expect(line.slice(line.indexOf(': ') + 2).trimEnd()).toHaveLength(160);

      vi.stubEnv('GTM_PROFILE_SQL', 'full');
      await engine.query(long);
      expect(linesOf(spy)[1]).toContain('79 AS c79\n');

      // a failing statement is reported too, and its error still reaches the caller
      await expect(engine.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
      expect(linesOf(spy)[2]).toContain('no_such_table');
    } finally {
      await engine.close();
    }
  });
});
