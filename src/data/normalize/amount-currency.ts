/**
 * The currency an amount's own text names (`USD 100`, `100 EUR`, `$100`, `R$ 100`), on DuckDB and
 * on ClickHouse 18.16 (the same values on both; tests: amount-currency.test.ts).
 *
 * The amount parsers (`parseAmountSql`, `parseAmountTextCh`) drop currency symbols and an ISO code
 * before or after the number to read it. What they drop must agree with the row's currency, or the
 * amount would be converted as a currency it is not in (`USD 100` on a EUR row read as EUR 100):
 * - an ISO code (three letters, any case, a word of its own: `USD 100`, `usd100`, `100 USD`,
 *   `1,234.50EUR`) must be the row's currency; on a row without a currency (no column, or an empty
 *   cell) it is the row's currency (the leading one when there are two);
 * - a symbol must be one of the currencies written with it (`CURRENCY_SYMBOLS`: `$` is the dollar
 *   of many countries, `€` only the euro, `R$` the real, `kr` four crowns); a symbol never sets the
 *   currency, as before: most name several, and a row's currency comes from its cell, its code or
 *   the source's `currency`.
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

/**
 * The symbols written with letters, longest first, and the currencies each names: the dollars
 * whose letters say which (`R$` the Brazilian real, `CA$`/`C$` the Canadian dollar, `C$` also the
 * córdoba; upper case, as they are written) and `kr` (also `Kr`, `KR`: the Swedish, Norwegian,
 * Danish and Icelandic crowns). Each dollar's currency is also one of `$`'s in `CURRENCY_SYMBOLS`.
 * They are read only between non-letters (`A$` in `CA$` is not the Australian dollar, `kr` in
 * `krona` is no symbol).
 */
export const LETTER_SYMBOLS: Readonly<Record<string, readonly string[]>> = {
  US$: ['USD'],
  CA$: ['CAD'],
  AU$: ['AUD'],
  NZ$: ['NZD'],
  HK$: ['HKD'],
  MX$: ['MXN'],
  R$: ['BRL'],
  C$: ['CAD', 'NIO'],
  A$: ['AUD'],
  S$: ['SGD'],
  kr: ['SEK', 'NOK', 'DKK', 'ISK'],
};

/** The spellings of `kr` read. */
const KR = ['kr', 'Kr', 'KR'];

/** A letter symbol as a regular expression (`kr` in its spellings). */
const symbolRe = (sym: string) => (sym === 'kr' ? `(?:${KR.join('|')})` : sym.replace('$', '\\$'));

/**
 * The letter symbols as one alternation, longest first (for the amount parsers' strip: at a
 * position, `CA$` is tried before `A$`); `kr` may carry its abbreviation dot (`100 kr.`).
 */
export const LETTER_SYMBOLS_RE = Object.keys(LETTER_SYMBOLS)
  .map((sym) => (sym === 'kr' ? `${symbolRe(sym)}\\.?` : symbolRe(sym)))
  .join('|');

/** A letter symbol where it stands in a text, its text in group 1. */
const LETTER_SYMBOL_AT = `(?:^|[^A-Za-z])(${Object.keys(LETTER_SYMBOLS).map(symbolRe).join('|')})(?:[^A-Za-z]|$)`;
/** `SYMBOL:CODE` for each currency written with each letter symbol (upper case). */
const LETTER_PAIRS = Object.entries(LETTER_SYMBOLS).flatMap(([sym, codes]) =>
  codes.map((c) => `${sym.toUpperCase()}:${c}`),
);

// An ISO code leading or ending the text, a word of its own (`USD 100`, `usd100`, `100 USD`,
// `1,234.50EUR`; not `bananas 100` or `100 bananas`), as whole-text matches (on DuckDB, as fast as
// or faster than a search anchored at one end or a match on the first or last characters cut out).
const LEADING_CODE = '(?s)[A-Za-z]{3}(?:[^A-Za-z].*)?';
const TRAILING_CODE = '(?s)(?:.*[^A-Za-z])?[A-Za-z]{3}';

/** DuckDB: the ISO code leading an amount's trimmed text, else NULL. */
const leadingCodeSql = (text: string): string =>
  `(CASE WHEN regexp_full_match(${text}, ${literal(LEADING_CODE)}) THEN upper(left(${text}, 3)) END)`;
/** DuckDB: the ISO code ending an amount's trimmed text, else NULL. */
const trailingCodeSql = (text: string): string =>
  `(CASE WHEN regexp_full_match(${text}, ${literal(TRAILING_CODE)}) THEN upper(right(${text}, 3)) END)`;

/** DuckDB: the ISO code leading (`USD 100`), else ending (`100 USD`), an amount's trimmed text, else NULL. */
export const amountCodeSql = (text: string): string =>
  `COALESCE(${leadingCodeSql(text)}, ${trailingCodeSql(text)})`;

/**
 * DuckDB: what the amount's trimmed text `text` names that disagrees with the row's currency
 * `currency` (an upper-case code): its leading code, else its trailing one, else a symbol (a
 * letter one first, as written: `R$` on a EUR row is named `R$`, not `$`), else NULL (they agree,
 * or the text names none).
 */
export function amountCurrencyConflictSql(text: string, currency: string): string {
  const notIn = (codes: readonly string[]) =>
    `${currency} NOT IN (${codes.map((c) => literal(c)).join(', ')})`;
  const lead = leadingCodeSql(text);
  const trail = trailingCodeSql(text);
  // one regular expression finds a letter symbol ('' when none), run only on the texts that can
  // hold one: a `$` after the first character, or a `kr` (not on most: `$1,234`, `1234.5`, `EUR 12`)
  const sym = `regexp_extract(${text}, ${literal(LETTER_SYMBOL_AT)}, 1)`;
  const mayHold = [
    `(contains(${text}, '$') AND NOT starts_with(${text}, '$'))`,
    ...KR.map((k) => `contains(${text}, ${literal(k)})`),
  ].join(' OR ');
  const letter = `CASE WHEN ${mayHold} THEN (CASE WHEN (upper(${sym}) || ':' || ${currency}) NOT IN (${LETTER_PAIRS.map((p) => literal(p)).join(', ')}) AND ${sym} <> '' THEN ${sym} END) END`;
  const symbols = Object.entries(CURRENCY_SYMBOLS).map(
    ([s, codes]) => `WHEN contains(${text}, ${literal(s)}) AND ${notIn(codes)} THEN ${literal(s)}`,
  );
  return `COALESCE(CASE WHEN ${lead} <> ${currency} THEN ${lead} WHEN ${trail} <> ${currency} THEN ${trail} END, ${letter}, CASE ${symbols.join(' ')} END)`;
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
export const amountCodeCh = (text: string): string => {
  const t = `ifNull(${text}, '')`;
  return `multiIf(match(${t}, ${literal(`^(?:${LEADING_CODE})$`, 'clickhouse')}), upperUTF8(substring(${t}, 1, 3)), ${trailingCodeCh(text)})`;
};

/** ClickHouse 18.16: the ISO code ending an amount's text, '' when none. */
const trailingCodeCh = (text: string): string =>
  `upperUTF8(extract(ifNull(${text}, ''), ${literal('(?:^|[^A-Za-z])([A-Za-z]{3})$', 'clickhouse')}))`;

/** ClickHouse 18.16: `amountCurrencyConflictSql` as a String, '' when they agree. */
export function amountCurrencyConflictCh(text: string, currency: string): string {
  const lit = (s: string) => literal(s, 'clickhouse');
  const t = `ifNull(${text}, '')`;
  const code = amountCodeCh(text);
  const trailing = trailingCodeCh(text);
  const sym = `extract(${t}, ${lit(LETTER_SYMBOL_AT)})`;
  const symbols = Object.entries(CURRENCY_SYMBOLS).flatMap(([s, codes]) => [
    `position(${t}, ${lit(s)}) > 0 AND NOT has([${codes.map(lit).join(', ')}], ${currency})`,
    lit(s),
  ]);
  return `multiIf(${code} != '' AND ${code} != ${currency}, ${code}, ${trailing} != '' AND ${trailing} != ${currency}, ${trailing}, ${sym} != '' AND NOT has([${LETTER_PAIRS.map(lit).join(', ')}], concat(upperUTF8(${sym}), ':', ${currency})), ${sym}, ${symbols.join(', ')}, '')`;
}
