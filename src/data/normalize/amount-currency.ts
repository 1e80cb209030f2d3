/**
 * The currency an amount's own text names (`USD 100`, `$100`, `£100`), on DuckDB and on ClickHouse
 * 18.16 (the same values on both; tests: amount-currency.test.ts).
 *
 * The amount parsers (`parseAmountSql`, `parseAmountTextCh`) drop currency symbols and a leading
 * ISO code to read the number. What they drop must agree with the row's currency, or the amount
 * would be converted as a currency it is not in (`USD 100` on a EUR row read as EUR 100):
 * - a leading ISO code (three letters, any case) must be the row's currency; on a row without a
 *   currency (no column, or an empty cell) it is the row's currency;
 * - a symbol must be one of the currencies written with it (`CURRENCY_SYMBOLS`: `$` is the dollar
 *   of many countries, `€` only the euro); a symbol never sets the currency, since most name
 *   several.
 * A row whose amount disagrees is rejected with both values named (`amountCurrencyReasonSql`).
 */
import { literal } from '../sql-text.ts';

/** The currencies written with each symbol the amount parsers drop. */
export const CURRENCY_SYMBOLS: Readonly<Record<string, readonly string[]>> = {
  $: [
    'USD',
    'CAD',
    'AUD',
    'NZD',
    'SGD',
    'HKD',
    'TWD',
    'MXN',
    'ARS',
    'CLP',
    'COP',
    'UYU',
    'BRL',
    'NIO',
    'DOP',
    'CUP',
    'BSD',
    'BBD',
    'BZD',
    'BMD',
    'BND',
    'KYD',
    'FJD',
    'GYD',
    'JMD',
    'LRD',
    'NAD',
    'SBD',
    'SRD',
    'TTD',
    'XCD',
    'ZWL',
    'TOP',
    'WST',
    'KID',
    'TVD',
  ],
  '€': ['EUR'],
  '£': ['GBP', 'GIP', 'FKP', 'SHP', 'GGP', 'JEP', 'IMP', 'EGP', 'LBP', 'SYP', 'SSP'],
  '¥': ['JPY', 'CNY'],
};

const CODE = '^[A-Za-z]{3}';

/** DuckDB: the ISO code leading an amount's trimmed text (`USD 100` → USD), else NULL. */
export const amountCodeSql = (text: string): string =>
  `(CASE WHEN regexp_matches(${text}, ${literal(CODE)}) THEN upper(left(${text}, 3)) END)`;

/**
 * DuckDB: what the amount's trimmed text `text` names that disagrees with the row's currency
 * `currency` (an upper-case code): its leading code, else a symbol, else NULL (they agree, or the
 * text names none).
 */
export function amountCurrencyConflictSql(text: string, currency: string): string {
  const code = amountCodeSql(text);
  const symbols = Object.entries(CURRENCY_SYMBOLS).map(
    ([sym, codes]) =>
      `WHEN contains(${text}, ${literal(sym)}) AND ${currency} NOT IN (${codes.map((c) => literal(c)).join(', ')}) THEN ${literal(sym)}`,
  );
  return `(CASE WHEN ${code} <> ${currency} THEN ${code} ${symbols.join(' ')} END)`;
}

/**
 * The reject reason of an amount whose text names another currency than the row's, in SQL text
 * from its parts: `column` the amount column's name, `raw` its text, `named` what it names (the
 * conflict), `currency` the row's currency and `fromColumn` a boolean expression, true when the
 * row's currency cell is set (else it is the source's default).
 */
export function amountCurrencyReasonSql(
  column: string,
  raw: string,
  named: string,
  currency: string,
  fromColumn: string,
  dialect: 'duckdb' | 'clickhouse',
): string {
  const lit = (s: string) => literal(s, dialect);
  const tail =
    dialect === 'duckdb'
      ? `CASE WHEN ${fromColumn} THEN ${lit(', but its currency is ')} || ${currency} || ${lit('; correct the amount or the currency')} ELSE ${lit(", but the row has no currency and the source's default is ")} || ${currency} || ${lit("; fill in the row's currency")} END`
      : `if(${fromColumn}, concat(${lit(', but its currency is ')}, ${currency}, ${lit('; correct the amount or the currency')}), concat(${lit(", but the row has no currency and the source's default is ")}, ${currency}, ${lit("; fill in the row's currency")}))`;
  return dialect === 'duckdb'
    ? `${lit(`${column}: `)} || ${raw} || ${lit(' is in ')} || ${named} || ${tail}`
    : `concat(${lit(`${column}: `)}, ${raw}, ${lit(' is in ')}, ${named}, ${tail})`;
}

/** ClickHouse 18.16: `amountCodeSql` as a String, '' when the text names no code (`text` Nullable). */
export const amountCodeCh = (text: string): string =>
  `if(match(ifNull(${text}, ''), ${literal(CODE, 'clickhouse')}), upperUTF8(substring(ifNull(${text}, ''), 1, 3)), '')`;

/** ClickHouse 18.16: `amountCurrencyConflictSql` as a String, '' when they agree. */
export function amountCurrencyConflictCh(text: string, currency: string): string {
  const lit = (s: string) => literal(s, 'clickhouse');
  const t = `ifNull(${text}, '')`;
  const code = amountCodeCh(text);
  const symbols = Object.entries(CURRENCY_SYMBOLS).flatMap(([sym, codes]) => [
    `position(${t}, ${lit(sym)}) > 0 AND NOT has([${codes.map(lit).join(', ')}], ${currency})`,
    lit(sym),
  ]);
  return `multiIf(${code} != '' AND ${code} != ${currency}, ${code}, ${symbols.join(', ')}, '')`;
}
