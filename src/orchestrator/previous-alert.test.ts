import { describe, expect, it } from 'vitest';
import type { AlertRecord, PlanRecord } from './plan-record.ts';
import { previousAlert } from './previous-alert.ts';

type Stored = { record: Pick<PlanRecord, 'plan_id' | 'as_of' | 'alerts'> };

/** A finished plan for `asOf` whose alert `roas` was breached `streak` times in a row (0: not breached). */
const plan = (n: number, asOf: string | undefined, streak: number | null): Stored => ({
  record: {
    plan_id: `plan-2024060${n}T000000000Z`,
    as_of: asOf as string,
    alerts:
      streak === null
        ? []
        : [{ id: 'roas', value: 1, breached: streak > 0, consecutive_breaches: streak } as AlertRecord],
  },
});
/** The history newest first, as `planHistory` yields it, from plans listed oldest first. */
const history = (...oldestFirst: Stored[]) => [...oldestFirst].reverse();
const previousId = (h: Stored[], asOf: string | undefined) => previousAlert(h, 'roas', asOf)?.plan_id ?? null;

describe('previousAlert', () => {
  const may20 = plan(1, '2024-05-20', 1);
  const may20rerun = plan(2, '2024-05-20', 1);
  const may21 = plan(3, '2024-05-21', 2);
  const may19backfill = plan(4, '2024-05-19', 1);

  it('is the latest run of the latest as-of before this one', () => {
    const h = history(may20, may20rerun, may21);
    expect(previousId(h, '2024-05-22')).toBe(may21.record.plan_id);
    expect(previousId(h, '2024-05-21')).toBe(may20rerun.record.plan_id);
    expect(previousId(h, '2024-05-20')).toBeNull();
    // an as-of with a time compares by its day
    expect(previousId(h, '2024-05-21T18:00:00Z')).toBe(may20rerun.record.plan_id);
  });

  it('passes over later as-ofs and backfills made after them', () => {
    const h = history(may20, may21, may19backfill);
    expect(previousId(h, '2024-05-19')).toBeNull();
    expect(previousId(h, '2024-05-22')).toBe(may21.record.plan_id);
    expect(previousId(h, '2024-05-20')).toBe(may19backfill.record.plan_id);
  });

  it('skips runs that did not evaluate the alert', () => {
    expect(previousId(history(may20, plan(5, '2024-05-21', null)), '2024-05-22')).toBe(may20.record.plan_id);
  });

  it('is the latest run when this run or a record has no as-of', () => {
    const undated = plan(6, undefined, 1);
    expect(previousId(history(may21, may20), undefined)).toBe(may20.record.plan_id);
    expect(previousId(history(may20, undated), '2024-05-21')).toBe(undated.record.plan_id);
    // a dated earlier-as-of run met first is kept over an older undated one
    expect(previousId(history(undated, may21, may20rerun), '2024-05-21')).toBe(may20rerun.record.plan_id);
    expect(previousId(history(undated, may21), '2024-05-21')).toBe(undated.record.plan_id);
  });
});
