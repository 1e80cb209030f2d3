import { literal } from '../sql-text.ts';
import { ISO_4217_CODES } from './iso4217.ts';

export interface RateSpec {
  currency: string;
  from: string;
  rate: number;
}

/**
 * SQL that creates the date-effective rate table: one row per (currency, from) with the rate in
 * reporting currency; the reporting currency itself is 1 from the beginning of time.
 */
export function ratesTableSql(table: string, rates: RateSpec[], reporting: string): string {
  const rows = [
    `(${literal(reporting.toUpperCase())}, DATE '1900-01-01', 1.0::DOUBLE)`,
    ...rates.map(
      (r) => `(${literal(r.currency.toUpperCase())}, DATE ${literal(r.from)}, ${Number(r.rate)}::DOUBLE)`,
    ),
  ];
  return `CREATE OR REPLACE TABLE ${table} AS SELECT * FROM (VALUES ${rows.join(', ')}) t(currency, valid_from, rate)`;
}

/**
 * The rate in force for `currencyExpr` on `dateExpr` (a correlated lookup of the latest rate whose
 * `valid_from` is not after the date); NULL when none, which callers turn into a rejected row.
 * Pass qualified outer columns (`o.currency`): an unqualified name could bind to the rate table.
 */
export function rateLookupSql(ratesTable: string, currencyExpr: string, dateExpr: string): string {
  return `(SELECT fx.rate FROM ${ratesTable} fx WHERE fx.currency = ${currencyExpr} AND fx.valid_from <= CAST(${dateExpr} AS DATE) ORDER BY fx.valid_from DESC LIMIT 1)`;
}

/**
 * The currencies a row may be in: ISO 4217's codes (iso4217.ts), the reporting currency and those
 * gtm.yaml's `currency.rates` define (a code of the user's own, ISO or not, is theirs to use).
 */
export function knownCurrencies(reporting: string, rates: readonly RateSpec[] = []): string[] {
  return [
    ...new Set([...ISO_4217_CODES, reporting.toUpperCase(), ...rates.map((r) => r.currency.toUpperCase())]),
  ];
}

/**
 * The reject reason of a row whose currency has no rate, in SQL text: `noRate` (the "no rate for …"
 * reason) when `currency` (an upper-case code) is a known one (`knownCurrencies`), else that it is
 * not an ISO 4217 code (`100 US Dollars`, `EURO`: a rate would not help). Runs on the rejected rows
 * only (a branch of the reason's CASE).
 */
export function noRateReasonSql(
  currency: string,
  known: readonly string[],
  noRate: string,
  dialect: 'duckdb' | 'clickhouse',
): string {
  const lit = (v: string) => literal(v, dialect);
  const notIso = (c: string) =>
    dialect === 'duckdb'
      ? `'currency: ' || ${c} || ${lit(' is not an ISO 4217 currency code; correct it (USD, EUR, …) or give its rates under currency.rates')}`
      : `concat('currency: ', ${c}, ${lit(' is not an ISO 4217 currency code; correct it (USD, EUR, …) or give its rates under currency.rates')})`;
  return dialect === 'duckdb'
    ? `CASE WHEN ${currency} IN (${known.map(lit).join(', ')}) THEN ${noRate} ELSE ${notIso(currency)} END`
    : `if(has([${known.map(lit).join(', ')}], ${currency}), ${noRate}, ${notIso(currency)})`;
}
