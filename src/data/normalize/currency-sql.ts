import { literal } from '../sql-text.ts';

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
