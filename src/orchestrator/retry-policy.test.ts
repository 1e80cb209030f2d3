import { describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { reconcile } from './reconcile.ts';
import { backoffDelay, shouldRetry, sleep } from './retry-policy.ts';

describe('retry policy', () => {
  it('doubles the wait from the base', () => {
    expect([1, 2, 3, 4].map((r) => backoffDelay(200, r))).toEqual([200, 400, 800, 1600]);
  });

  it('retries only retriable errors, while retries remain', () => {
    const flaky = new GtmError('INPUT', 'timeout', { retriable: true });
    expect(shouldRetry(flaky, 1, 2)).toBe(true);
    expect(shouldRetry(flaky, 2, 2)).toBe(true);
    expect(shouldRetry(flaky, 3, 2)).toBe(false);
    expect(shouldRetry(new GtmError('INPUT', 'bad file'), 1, 2)).toBe(false);
    expect(shouldRetry(Object.assign(new Error('x'), { retriable: true }), 1, 2)).toBe(false);
  });

  it('sleep ends early on abort', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const done = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    await done;
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('reconcile', () => {
  it('passes within tolerance, float sums included', () => {
    expect(() => reconcile([{ what: 'revenue', expected: 0.3, actual: 0.1 + 0.2 }])).not.toThrow();
    expect(() => reconcile([{ what: 'rows', expected: 100, actual: 101, tolerance: 1 }])).not.toThrow();
  });

  it('throws a retriable DATA error listing every mismatch', () => {
    let caught: unknown;
    try {
      reconcile(
        [
          { what: 'revenue', expected: 1000, actual: 990 },
          { what: 'rows', expected: 10, actual: 10 },
          { what: 'leads', expected: 5, actual: Number.NaN },
        ],
        'merge',
      );
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GtmError);
    expect(caught).toMatchObject({ code: 'DATA', retriable: true, where: 'merge' });
    expect((caught as Error).message).toMatch(/revenue: expected 1000, got 990; leads: expected 5, got NaN/);
    expect((caught as Error).message).not.toMatch(/rows/);
  });
});
