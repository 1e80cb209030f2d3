/**
 * One definition of a currency's minor units (optimize-referrals rounds payouts to them,
 * monitor-loyalty prints money with them). Expected values are ISO 4217 list one's minor units,
 * written out here by hand, not read from Intl.
 */
import { describe, expect, it } from 'vitest';
import { currencyMinorUnits } from '../analyses/text/index.ts';
import { formatValue } from './format-number.ts';

/** ISO 4217 list one, column "Minor unit", for the codes asserted. */
const ISO_4217_MINOR_UNIT: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  USD: 2,
  EUR: 2,
  GBP: 2,
  BHD: 3,
  JOD: 3,
  KWD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
};

describe('currencyMinorUnits', () => {
  it.each(Object.entries(ISO_4217_MINOR_UNIT))('%s has %i decimals (ISO 4217)', (code, digits) => {
    expect(currencyMinorUnits(code)).toBe(digits);
  });

  it('normalizes case, as gtm.yaml does with currency.reporting: jpy is JPY, kwd is KWD', () => {
    expect(currencyMinorUnits('jpy')).toBe(0);
    expect(currencyMinorUnits('Kwd')).toBe(3);
    expect(currencyMinorUnits('clf')).toBe(4);
    expect(currencyMinorUnits('usd')).toBe(2);
  });

  it("falls back to 2 for a well-formed code Intl does not know (Intl's own default)", () => {
    expect(currencyMinorUnits('XYZ')).toBe(2);
    expect(currencyMinorUnits('PTS')).toBe(2);
  });

  it('falls back to 2 for a malformed code, where Intl throws a RangeError', () => {
    expect(() => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'US' })).toThrow(RangeError);
    for (const code of ['US', 'USDX', 'U1D', '', ' USD']) expect(currencyMinorUnits(code)).toBe(2);
  });

  it("agrees with the decimals the reports' currency format shows, for every code Intl supports", () => {
    const codes = Intl.supportedValuesOf('currency');
    expect(codes.length).toBeGreaterThan(100);
    // the decimals after the number's point: 'BHD 1.000' 3, '¥1' 0, 'Cg. 1.00' (XCG, a point in its symbol) 2
    const shown = (code: string) =>
      /\d(?:\.(\d+))?$/.exec(formatValue(1, 'currency', code))?.[1]?.length ?? 0;
    const differ = codes.filter((c) => currencyMinorUnits(c) !== shown(c));
    expect(differ).toEqual([]);
  });
});
