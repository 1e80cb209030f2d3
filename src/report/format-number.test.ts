import { describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { currencySymbol, formatDelta, formatValue, MISSING, percentText } from './format-number.ts';
import { fmtPct, textTable } from './text-table.ts';

describe('formatValue', () => {
  it.each([
    [1234.567, 'number', undefined, '1,234.57'],
    [0.00042, 'number', undefined, '0.00042'],
    [-0.004, 'number', undefined, '-0.004'],
    [1234.5, 'integer', undefined, '1,235'],
    [-0.4, 'integer', undefined, '0'],
    [1234.5, 'currency', 'USD', '$1,234.50'],
    [1234.5, 'currency', 'eur', '€1,234.50'],
    [1234.5, 'currency', 'JPY', '¥1,235'],
    [1234.5, 'currency', 'CAD', 'CA$1,234.50'],
    [-1234.5, 'currency', 'USD', '-$1,234.50'],
    [-0.001, 'currency', 'USD', '$0.00'],
    [0.1234, 'percent', undefined, '12.3%'],
    [1.5, 'percent', undefined, '150.0%'],
    [-0.00001, 'percent', undefined, '0.0%'],
    [0.0004, 'percent', undefined, '0.04%'],
    [1 / 23053, 'percent', undefined, '0.00434%'],
    [0.000499, 'percent', undefined, '0.0499%'],
    [0.0005, 'percent', undefined, '0.1%'],
    [0, 'percent', undefined, '0.0%'],
    [0.9996, 'percent', undefined, '>99.9%'],
    [0.9994, 'percent', undefined, '99.9%'],
    [1, 'percent', undefined, '100.0%'],
    [12.3456, 'percent', undefined, '1,234.6%'],
    [42, 'text', undefined, '42'],
    [12345678901234567890n, 'integer', undefined, '12,345,678,901,234,567,890'],
  ] as const)('%s as %s %s → %s', (value, format, currency, expected) => {
    expect(formatValue(value, format, currency)).toBe(expected);
  });

  it('shows missing and non-finite values as a dash', () => {
    for (const v of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(formatValue(v, 'currency')).toBe(MISSING);
    }
    expect(formatValue(new Date('nope'))).toBe(MISSING);
  });

  it('leaves strings alone whatever the format', () => {
    expect(formatValue('n/a', 'currency')).toBe('n/a');
    expect(formatValue('=1+1', 'number')).toBe('=1+1');
  });

  it('is independent of the process locale and time zone', () => {
    expect(formatValue(1234567.891)).toBe('1,234,567.89');
    expect(formatValue(new Date(Date.UTC(2025, 0, 2)))).toBe('2025-01-02T00:00:00.000Z');
  });

  it('rejects a malformed currency code with a DATA error that says what to use', () => {
    const err = (() => {
      try {
        formatValue(1, 'currency', 'dollars');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(GtmError);
    expect((err as GtmError).code).toBe('DATA');
    expect((err as GtmError).hint).toMatch(/ISO 4217/);
  });
});

describe('percentText / fmtPct: a share that is not zero never reads 0.0%', () => {
  it.each([
    [0.0004, '0.04%'],
    [1 / 23053, '0.00434%'],
    [1e-9, '0.0000001%'],
    [0.00049, '0.049%'],
    [0.0005, '0.1%'],
    [0, '0.0%'],
    [0.123, '12.3%'],
    [0.99951, '>99.9%'],
    [0.9994, '99.9%'],
    [1, '100.0%'],
    [1.5, '150.0%'],
    [-0.034, '-3.4%'],
  ])('%s → %s', (x, text) => {
    expect(percentText(x)).toBe(text);
    expect(fmtPct(x)).toBe(text);
  });

  it('keeps a terminal column of such shares right-aligned', () => {
    const t = textTable(
      ['source', 'share'],
      [
        ['a', fmtPct(0.0004)],
        ['b', fmtPct(0.99951)],
        ['c', fmtPct(0.25)],
      ],
    );
    expect(t.split('\n').slice(2)).toEqual(['a        0.04%', 'b       >99.9%', 'c        25.0%']);
    expect(fmtPct(null)).toBe('—');
  });
});

describe('formatDelta / currencySymbol', () => {
  it('signs deltas with a true minus and no sign at zero', () => {
    expect(formatDelta(0.124)).toBe('+12.4%');
    expect(formatDelta(-0.034)).toBe('−3.4%');
    expect(formatDelta(0)).toBe('0.0%');
    expect(formatDelta(-0.0001)).toBe('0.0%');
    expect(formatDelta(Number.NaN)).toBe(MISSING);
  });

  it('gives the en-US symbol of a currency', () => {
    expect(currencySymbol('USD')).toBe('$');
    expect(currencySymbol('EUR')).toBe('€');
    expect(currencySymbol('GBP')).toBe('£');
  });
});
