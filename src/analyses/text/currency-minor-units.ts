/**
 * Decimals of a currency's minor unit, one definition for every command: payouts are rounded to
 * them (optimize-referrals) and money in a report's sentences is printed with them
 * (monitor-loyalty), the same decimals the reports' currency format (`formatValue`, en-US Intl)
 * shows, so a rounded amount and its display agree.
 */

const cache = new Map<string, number>();

/**
 * The number of decimals of `currency`'s minor unit as the runtime's Intl reports it
 * (`resolvedOptions().maximumFractionDigits` of an en-US currency format): ISO 4217's minor unit
 * for USD, EUR (2), JPY, KRW (0), BHD, JOD, KWD, OMR, TND (3) and CLF (4).
 *
 * - Case: the code is normalized to upper case (`'jpy'` is JPY), as gtm.yaml's `currency.reporting`
 *   and `currency.rates` are (the schema takes `^[A-Za-z]{3}$`).
 * - Fallback: 2. A well-formed code Intl does not know (`'PTS'`, `'XYZ'`) gets 2 from Intl itself;
 *   a code Intl rejects as malformed (`'US'`, `'U1D'`, `''`) also gets 2, where Intl throws a
 *   RangeError. This is monitor-loyalty's previous behaviour; optimize-referrals' previous code threw
 *   the RangeError (unreachable there: gtm.yaml's schema rejects such a reporting currency).
 * - Intl's data is ICU's (CLDR), which differs from ISO 4217 list one for some currencies: with
 *   Node 20's ICU 78 (CLDR 48), 0 for AFN, ALL, COP, HUF, IDR, IQD (ISO 3), IRR, KPW, LAK, LBP, MGA,
 *   MMK, PKR, SOS, SYP and YER (ISO 2 unless said). Intl's value is kept, so that an amount rounded
 *   with it matches how the reports display it; another Node/ICU version may differ for these codes.
 *
 * @example
 * currencyMinorUnits('USD'); // 2
 * currencyMinorUnits('jpy'); // 0
 * currencyMinorUnits('KWD'); // 3
 * currencyMinorUnits('XYZ'); // 2 (unknown: Intl's default)
 * currencyMinorUnits('US');  // 2 (malformed: same fallback)
 */
export function currencyMinorUnits(currency: string): number {
  const code = currency.toUpperCase();
  let digits = cache.get(code);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    cache.set(code, digits);
  }
  return digits;
}
