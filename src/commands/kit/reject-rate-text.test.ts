/**
 * The error a run stops with when a source rejects more rows than `thresholds.max_reject_rate`
 * printed the shares with two fixed decimals: 1 rejected row in 23,053 over a limit of 0 read
 * "(0.00%, limit 0.00%)", a rejected share that reads as none. It says "(0.00434%, limit 0.00%)"
 * now, as `gtm doctor` does for the same rows.
 */
import { describe, expect, it } from 'vitest';
import type { NormalizeResult } from '../../data/index.ts';
import type { KitRun } from './command-def.ts';
import { rejectRateProblem } from './source-stages.ts';

const run = (limit: number) =>
  ({
    ws: { thresholds: { max_reject_rate: limit } },
    reportsDir: '/ws/reports/track-source/r1',
    rel: (p: string) => p.replace('/ws/', ''),
  }) as unknown as KitRun<unknown>;

const result = (rejected: number, rowsIn: number) =>
  ({
    accounting: [
      {
        source: 'web',
        entity: 'touchpoints',
        rows_in: rowsIn,
        accepted: rowsIn - rejected,
        deduplicated: 0,
        rejected,
      },
    ],
    rejects: [{ source: 'web', file: 'web.csv', row: 7, reason: 'occurred_at: not a date' }],
    duplicates: [],
    entities: {},
  }) as unknown as NormalizeResult;

describe('the reject-limit error', () => {
  it('keeps three significant digits for a share below 0.01%: 1 row in 23,053', () => {
    expect(rejectRateProblem(run(0), result(1, 23053))?.message).toBe(
      '1 of 23053 rows of source web rejected (0.00434%, limit 0.00%); first: occurred_at: not a date',
    );
  });

  it('prints two decimals otherwise', () => {
    expect(rejectRateProblem(run(0.02), result(60, 2000))?.message).toMatch(
      /^60 of 2000 rows of source web rejected \(3\.00%, limit 2\.00%\);/,
    );
  });
});
