/**
 * Money in a report's sentences (`moneyAmount`, `moneyText`): the reporting currency's own decimals
 * (ISO 4217 minor unit: JPY 0, USD 2, KWD 3, CLF 4), as the currency format of the KPI rows shows
 * them. Expected strings are written by hand.
 */
import { describe, expect, it } from 'vitest';
import { MISSING, moneyAmount, moneyText } from './format-number.ts';

describe('moneyAmount / moneyText', () => {
  it.each([
    // 1,234.5678 rounded half away from zero to 0, 2, 3 and 4 decimals
    [1234.5678, 'JPY', '1,235'],
    [1234.5678, 'USD', '1,234.57'],
    [1234.5678, 'KWD', '1,234.568'],
    [1234.5678, 'CLF', '1,234.5678'],
    // 38.68809: 39 / 38.69 / 38.688
    [38.68809, 'JPY', '39'],
    [38.68809, 'USD', '38.69'],
    [38.68809, 'KWD', '38.688'],
    // whole amounts keep their zeros
    [55, 'JPY', '55'],
    [55, 'USD', '55.00'],
    [55, 'KWD', '55.000'],
    [0, 'KWD', '0.000'],
    [-12.3456, 'USD', '-12.35'],
  ])('%d %s is %s', (x, cur, expected) => {
    expect(moneyAmount(x, cur)).toBe(expected);
    expect(moneyText(x, cur)).toBe(`${cur} ${expected}`);
  });

  it('takes the code in any case and prints it as written', () => {
    expect(moneyText(1234.5678, 'jpy')).toBe('jpy 1,235');
    expect(moneyText(1234.5678, 'kwd')).toBe('kwd 1,234.568');
  });

  it('gives whole units from wholeFrom up, the minor units below', () => {
    expect(moneyText(3094.4, 'USD', { wholeFrom: 1000 })).toBe('USD 3,094');
    expect(moneyText(999.994, 'USD', { wholeFrom: 1000 })).toBe('USD 999.99');
    expect(moneyText(-1500.5, 'KWD', { wholeFrom: 1000 })).toBe('KWD -1,501');
    expect(moneyText(5.9, 'KWD', { wholeFrom: 1000 })).toBe('KWD 5.900');
  });

  it('prints an amount that rounds to zero unsigned, and a non-finite one as missing', () => {
    expect(moneyAmount(-0.001, 'USD')).toBe('0.00');
    expect(moneyAmount(-0.4, 'JPY')).toBe('0');
    expect(moneyAmount(-0, 'KWD')).toBe('0.000');
    expect(moneyAmount(Number.NaN, 'USD')).toBe(MISSING);
    expect(moneyAmount(Number.POSITIVE_INFINITY, 'USD')).toBe(MISSING);
  });

  it('falls back to 2 decimals for a code Intl does not know (as currencyMinorUnits does)', () => {
    expect(moneyText(7.5, 'XYZ')).toBe('XYZ 7.50');
  });
});
