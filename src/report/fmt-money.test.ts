/**
 * Money in the terminal views (`fmtMoney`, the same rule as `moneyShort` of the report sentences):
 * the currency's decimals below 1,000 and whole units from 1,000 up. It rounded every amount to
 * whole units ('5' for USD 5.30, '8' for 8.44). Counts (`fmtCount`) stay whole. Expected strings
 * are written by hand.
 */
import { describe, expect, it } from 'vitest';
import { fmtCount, fmtMoney, moneyShort } from './index.ts';

describe('fmtMoney', () => {
  it.each([
    [5.3, 'USD', '5.30'],
    [8.444, 'USD', '8.44'],
    [999.994, 'USD', '999.99'],
    // rounds up to 1,000: whole, as 1,000 itself is (not '1,000.00')
    [999.996, 'USD', '1,000'],
    [1000, 'USD', '1,000'],
    [20709.4, 'USD', '20,709'],
    [-12.345, 'EUR', '-12.35'],
    [-0.001, 'USD', '0.00'],
    [0, 'USD', '0.00'],
    // JPY: no minor unit
    [530.4, 'JPY', '530'],
    [8.5, 'JPY', '9'],
    [12345.6, 'JPY', '12,346'],
    // KWD: three decimals
    [5.3, 'KWD', '5.300'],
    [8.4444, 'KWD', '8.444'],
    [999.9996, 'KWD', '1,000'],
    [1234.5678, 'KWD', '1,235'],
    [Number.NaN, 'USD', '—'],
  ])('%s %s → %s', (x, currency, expected) => {
    expect(fmtMoney(x, currency)).toBe(expected);
    expect(moneyShort(x, currency)).toBe(expected);
  });
});

describe('fmtCount', () => {
  it('whole, with thousands separators', () => {
    expect(fmtCount(530)).toBe('530');
    expect(fmtCount(2070940)).toBe('2,070,940');
    expect(fmtCount(1234.6)).toBe('1,235');
  });
});
