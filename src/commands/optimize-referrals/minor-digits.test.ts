/**
 * Payouts are rounded to the reporting currency's minor units with report's `currencyMinorUnits`,
 * the definition monitor-loyalty's money uses. A malformed code threw Intl's RangeError here
 * ("Invalid currency code : US") while monitor-loyalty fell back to 2; both fall back to 2 now.
 */
import { describe, expect, it } from 'vitest';
import { currencyMinorUnits } from '../../report/index.ts';
import { minorDigits, roundMinor } from './query-numbers.ts';

describe("optimize-referrals' minor digits", () => {
  it("are report's currencyMinorUnits", () => {
    expect(minorDigits).toBe(currencyMinorUnits);
  });

  it('fall back to 2 for a malformed code instead of throwing a RangeError', () => {
    expect(minorDigits('US')).toBe(2);
    expect(minorDigits('')).toBe(2);
  });

  it('round a converted payout to the currency: 38.68809 is KWD 38.688, USD 38.69, JPY 39', () => {
    // by hand: the digit after the kept ones is 0 (KWD), 8 (USD), 6 (JPY)
    expect(roundMinor(38.68809, minorDigits('KWD'))).toBe(38.688);
    expect(roundMinor(38.68809, minorDigits('usd'))).toBe(38.69);
    expect(roundMinor(38.68809, minorDigits('JPY'))).toBe(39);
  });
});
