import { describe, expect, it } from 'vitest';
import { isoTime, percent, requireCount, toEpochMs } from './input-checks.ts';
import { PersonalizationInputError } from './personalization-input-error.ts';

// 2026-03-01T10:00:00Z = 20513 days × 86400 s + 36000 s (20513 = days from 1970-01-01 to 2026-03-01).
const T = (20513 * 86400 + 36000) * 1000;

describe('toEpochMs', () => {
  it.each([
    ['2026-03-01 10:00:00', T],
    ['2026-03-01T10:00:00', T],
    ['2026-03-01T10:00:00Z', T],
    ['2026-03-01 10:00:00.250', T + 250],
    ['2026-03-01 10:00:00.250999', T + 250], // DuckDB microseconds: truncated to ms
    ['2026-03-01T12:00:00+02:00', T],
    ['2026-03-01 12:00:00+02', T], // PostgreSQL / DuckDB short offset
    ['2026-03-01 05:30:00-0430', T],
    ['2026-03-01', T - 36_000_000],
  ])('%s', (text, ms) => {
    expect(toEpochMs(text)).toBe(ms);
  });

  it('numbers and Dates pass through; junk is NaN', () => {
    expect(toEpochMs(T)).toBe(T);
    expect(toEpochMs(new Date(T))).toBe(T);
    expect(toEpochMs('yesterday')).toBeNaN();
    expect(toEpochMs(Number.POSITIVE_INFINITY)).toBeNaN();
  });
});

describe('formatting and checks', () => {
  it('isoTime drops zero milliseconds; percent keeps small shares readable', () => {
    expect(isoTime(T)).toBe('2026-03-01T10:00:00Z');
    expect(isoTime(T + 5)).toBe('2026-03-01T10:00:00.005Z');
    expect(percent(0.05)).toBe('5%');
    expect(percent(0.0123)).toBe('1.23%');
    expect(percent(0.001)).toBe('0.1%');
  });

  it('counts accept BigInt and reject fractions, negatives and NULL', () => {
    expect(requireCount(12n, 0, 'users')).toBe(12);
    for (const bad of [1.5, -1, null, Number.NaN]) {
      expect(() => requireCount(bad, 3, 'users')).toThrow(PersonalizationInputError);
    }
  });
});
