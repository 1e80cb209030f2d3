/**
 * Amounts written in the currency's minor unit (`amount_unit: minor` on a source): Stripe's API and
 * Sigma, Adyen, Braintree and Checkout.com exports and many warehouse syncs give `1999` for
 * $19.99. Such a value must be a whole number; it is divided by 10^d, d the ISO 4217 minor digits
 * of the row's currency (0: ¥1,999 is 1999; 3: 12345 KWD is 12.345).
 *
 * The division is of two doubles that are exact (a whole number up to 2^53, and 1, 100, 1000 or
 * 10000), which IEEE 754 rounds correctly: the result is the double nearest the exact decimal
 * quotient, the same double the text `19.99` is read as in major units (no multiplication by 0.01,
 * whose own rounding would add an error).
 */
import { literal } from '../sql-text.ts';

/** How a source's amounts are written: in major units (`19.99`, the default) or minor ones (`1999`). */
export type AmountUnit = 'major' | 'minor';

/** The values `amount_unit` takes in gtm.yaml. */
export const AMOUNT_UNITS: readonly AmountUnit[] = ['major', 'minor'];

/**
 * The ISO 4217 (list one) currencies whose minor unit is not a hundredth: the others have 2 digits.
 * 0: no minor unit in use; 3: thousandths (fils, baisa, dirham, millime); 4: the unidades de fomento
 * and the Uruguayan wage index unit.
 */
export const MINOR_DIGITS: Readonly<Record<0 | 3 | 4, readonly string[]>> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF'.split(' '),
  3: 'BHD IQD JOD KWD LYD OMR TND'.split(' '),
  4: 'CLF UYW'.split(' '),
};

/**
 * The ISO 4217 minor digits of a currency code (any case): 2 unless `MINOR_DIGITS` says otherwise.
 * For reading amounts only (the SQL above uses the same table). Rounding and display use
 * `currencyMinorUnits` (analyses/text/currency-minor-units.ts, the runtime's Intl data), which
 * differs from ISO for a few codes (IQD: 0 there, 3 here): a payment processor writes ISO's units.
 */
export function minorDigits(currency: string): number {
  const code = currency.trim().toUpperCase();
  for (const d of [0, 3, 4] as const) if (MINOR_DIGITS[d].includes(code)) return d;
  return 2;
}

/** The words of a value that is not a whole number of minor units, after `<column>: <value>`. */
export const NOT_MINOR_UNITS = ' is not a whole number of minor units (amount_unit: minor)';

/** 10^d of the currency (an upper-case code expression), as a DuckDB or ClickHouse expression. */
export function minorDivisorSql(currency: string, dialect: 'duckdb' | 'clickhouse'): string {
  if (dialect === 'clickhouse') {
    const list = (d: 0 | 3 | 4) => literal([...MINOR_DIGITS[d]], dialect);
    const c = `ifNull(${currency}, '')`;
    return `multiIf(${c} IN ${list(0)}, 1., ${c} IN ${list(3)}, 1000., ${c} IN ${list(4)}, 10000., 100.)`;
  }
  const has = (d: 0 | 3 | 4) =>
    `list_contains([${MINOR_DIGITS[d].map((c) => literal(c)).join(', ')}], ${currency})`;
  return `CASE WHEN ${has(0)} THEN 1.0::DOUBLE WHEN ${has(3)} THEN 1000.0::DOUBLE WHEN ${has(4)} THEN 10000.0::DOUBLE ELSE 100.0::DOUBLE END`;
}

/**
 * Whether a parsed amount (a double) is finite and not a whole number: rejected under `minor`
 * (an infinity or NaN keeps its own reason, not a finite number).
 */
export function notWholeSql(value: string, dialect: 'duckdb' | 'clickhouse'): string {
  return dialect === 'clickhouse'
    ? `ifNull(isFinite(assumeNotNull(${value})) AND ${value} != floor(${value}), 0)`
    : `COALESCE(isfinite(${value}) AND ${value} <> trunc(${value}), false)`;
}

/**
 * A parsed amount in minor units as major ones: NULL when it is not whole (the row is rejected for
 * that, see `notWholeSql`), else divided by 10^d of `currency`.
 */
export function fromMinorSql(value: string, currency: string, dialect: 'duckdb' | 'clickhouse'): string {
  return dialect === 'clickhouse'
    ? `if(${notWholeSql(value, dialect)}, CAST(NULL AS Nullable(Float64)), ${value} / ${minorDivisorSql(currency, dialect)})`
    : `CASE WHEN ${notWholeSql(value, dialect)} THEN NULL ELSE ${value} / ${minorDivisorSql(currency, dialect)} END`;
}
