/**
 * The currency an amount's own text names (`USD 100`, `100 EUR`, `$100`, `R$ 100`), on DuckDB and
 * on ClickHouse 18.16 (the same values on both; tests: amount-currency.test.ts).
 *
 * The amount parsers (`parseAmountSql`, `parseAmountTextCh`) drop currency symbols and an ISO code
 * before or after the number to read it. What they drop must agree with the row's currency, or the
 * amount would be converted as a currency it is not in (`USD 100` on a EUR row read as EUR 100):
 * - an ISO code (three letters, any case, a word of its own, one of ISO 4217's codes in
 *   iso4217.ts: `USD 100`, `usd100`, `100 USD`, `1,234.50EUR`; not `100 pcs`, which is no number),
 *   or a code of the user's own with rates (`userCurrencyCodes`: `100 PTS`), must be the row's currency; on a row without a currency (no column, or an empty
 *   cell) it is the row's currency (the leading one when there are two);
 * - a symbol must be one of the currencies written with it (`CURRENCY_SYMBOLS`: `$` is the dollar
 *   of many countries, `€` only the euro, `R$` the real, `kr` four crowns); a symbol never sets the
 *   currency, as before: most name several, and a row's currency comes from its cell, its code or
 *   the source's `currency`.
 * A row whose amount disagrees is rejected with both values named (`amountCurrencyReasonSql`).
 */
import { literal } from '../sql-text.ts';
import { ISO_4217_CODES } from './iso4217.ts';

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
  '₹': ['INR'],
  '₩': ['KRW'],
  '₱': ['PHP'],
  '₺': ['TRY'],
  '₫': ['VND'],
  '₪': ['ILS'],
};

/** The symbols of `CURRENCY_SYMBOLS` as the characters of a regular expression's class (`$€£¥…`). */
export const SYMBOL_CHARS = Object.keys(CURRENCY_SYMBOLS).join('');

/**
 * The symbols written with letters, longest first, and the currencies each names: the dollars
 * whose letters say which (`R$` the Brazilian real, `CA$`/`C$` the Canadian dollar, `C$` also the
 * córdoba; upper case, as they are written) and `kr` (also `Kr`, `KR`: the Swedish, Norwegian,
 * Danish and Icelandic crowns) and `zł` (also `ZŁ`: the złoty). Each dollar's currency is also one
 * of `$`'s in `CURRENCY_SYMBOLS`. They are read only between non-letters (`A$` in `CA$` is not the
 * Australian dollar, `kr` in `krona` is no symbol, nor `zł` in `złoty`).
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
  zł: ['PLN'],
};

/** The spellings of `kr` and `zł` read. */
const KR = ['kr', 'Kr', 'KR'];
const ZL = ['zł', 'ZŁ'];

/** A letter symbol as a regular expression (`kr` and `zł` in their spellings). */
const symbolRe = (sym: string) =>
  sym === 'kr' ? `(?:${KR.join('|')})` : sym === 'zł' ? `(?:${ZL.join('|')})` : sym.replace('$', '\\$');

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

/**
 * The codes of the user's own currencies: those of `currency.rates` that are no ISO 4217 code
 * (`PTS`, points with a rate), upper case, sorted. An amount's text may be written with them as
 * with an ISO code (`100 PTS`, `PTS 100`), under the same rule (`amountCurrencyConflictSql`).
 */
export function userCurrencyCodes(rates: readonly { currency: string }[] = []): string[] {
  const iso = new Set(ISO_4217_CODES);
  return [...new Set(rates.map((r) => r.currency.trim().toUpperCase()))]
    .filter((c) => /^[A-Z]{3}$/.test(c) && !iso.has(c))
    .sort();
}

/** The codes read in an amount's text: ISO 4217's and the user's own (`userCurrencyCodes`). */
const codesOf = (own: readonly string[]) => (own.length ? [...ISO_4217_CODES, ...own] : ISO_4217_CODES);

/** The codes as a DuckDB list (`('AED', …)`) and a ClickHouse string (`' AED AFN … '`). */
const ISO_IN = `(${ISO_4217_CODES.map((c) => literal(c)).join(', ')})`;
const codesIn = (own: readonly string[]) =>
  own.length
    ? `(${codesOf(own)
        .map((c) => literal(c))
        .join(', ')})`
    : ISO_IN;
const ISO_STRING_CH = literal(` ${ISO_4217_CODES.join(' ')} `, 'clickhouse');
const codesStringCh = (own: readonly string[]) =>
  own.length ? literal(` ${codesOf(own).join(' ')} `, 'clickhouse') : ISO_STRING_CH;

/**
 * DuckDB: the three letters `letters` (upper case) when they are an ISO 4217 code or one of `own`,
 * else NULL: the list is looked at only on the texts the whole-text match found three letters in.
 */
const isoOnly = (found: string, letters: string, own: readonly string[]): string =>
  `(CASE WHEN ${found} THEN (CASE WHEN ${letters} IN ${codesIn(own)} THEN ${letters} END) END)`;

/** DuckDB: the code leading an amount's trimmed text, else NULL. */
const leadingCodeSql = (text: string, own: readonly string[]): string =>
  isoOnly(`regexp_full_match(${text}, ${literal(LEADING_CODE)})`, `upper(left(${text}, 3))`, own);
/** DuckDB: the code ending an amount's trimmed text, else NULL. */
const trailingCodeSql = (text: string, own: readonly string[]): string =>
  isoOnly(`regexp_full_match(${text}, ${literal(TRAILING_CODE)})`, `upper(right(${text}, 3))`, own);

/**
 * DuckDB: the code leading (`USD 100`), else ending (`100 USD`), an amount's trimmed text, else
 * NULL: an ISO 4217 code, or one of `own` (the user's, `userCurrencyCodes`).
 */
export const amountCodeSql = (text: string, own: readonly string[] = []): string =>
  `COALESCE(${leadingCodeSql(text, own)}, ${trailingCodeSql(text, own)})`;

/**
 * DuckDB: what the amount's trimmed text `text` names that disagrees with the row's currency
 * `currency` (an upper-case code): its leading code, else its trailing one, else a symbol (a
 * letter one first, as written: `R$` on a EUR row is named `R$`, not `$`), else NULL (they agree,
 * or the text names none).
 */
export function amountCurrencyConflictSql(
  text: string,
  currency: string,
  own: readonly string[] = [],
): string {
  const notIn = (codes: readonly string[]) =>
    `${currency} NOT IN (${codes.map((c) => literal(c)).join(', ')})`;
  const lead = leadingCodeSql(text, own);
  const trail = trailingCodeSql(text, own);
  // one regular expression finds a letter symbol ('' when none), run only on the texts that can
  // hold one: a `$` after the first character, or a `kr` or `zł` (not on most: `$1,234`, `1234.5`,
  // `EUR 12`)
  const sym = `regexp_extract(${text}, ${literal(LETTER_SYMBOL_AT)}, 1)`;
  const mayHold = [
    `(contains(${text}, '$') AND NOT starts_with(${text}, '$'))`,
    ...[...KR, ...ZL].map((k) => `contains(${text}, ${literal(k)})`),
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

/**
 * ClickHouse 18.16: whether `letters` (three upper-case letters, or '') are an ISO 4217 code: a
 * search in one string of the codes, shorter than an array literal (a text amount's code is
 * looked for in several places of a query, which ClickHouse caps at 256 KiB).
 */
const isIsoCh = (letters: string, own: readonly string[]) =>
  `position(${codesStringCh(own)}, concat(' ', ${letters}, ' ')) > 0`;

let aliases = 0;

/**
 * ClickHouse 18.16: the three letters leading and ending an amount's text as words of their own
 * ('' when none), named by query-wide aliases (ClickHouse computes an alias once; its first use
 * defines it, `lead` and `trail` refer to it).
 */
function codeLettersCh(text: string): { lead: string; trail: string; leadDef: string; trailDef: string } {
  const t = `ifNull(${text}, '')`;
  const n = ++aliases;
  const lead = `_gtm_code_lead${n}`;
  const trail = `_gtm_code_trail${n}`;
  return {
    lead,
    trail,
    leadDef: `(if(match(${t}, ${literal(`^(?:${LEADING_CODE})$`, 'clickhouse')}), upperUTF8(substring(${t}, 1, 3)), '') AS ${lead})`,
    trailDef: `(upperUTF8(extract(${t}, ${literal('(?:^|[^A-Za-z])([A-Za-z]{3})$', 'clickhouse')})) AS ${trail})`,
  };
}

/** ClickHouse 18.16: the code of `codeLettersCh`'s letters, the leading else the trailing one (ISO or `own`). */
const codeOfCh = (l: ReturnType<typeof codeLettersCh>, own: readonly string[]) =>
  `multiIf(${isIsoCh(l.leadDef, own)}, ${l.lead}, ${isIsoCh(l.trailDef, own)}, ${l.trail}, '')`;

/** ClickHouse 18.16: `amountCodeSql` as a String, '' when the text names no code (`text` Nullable). */
export const amountCodeCh = (text: string, own: readonly string[] = []): string =>
  codeOfCh(codeLettersCh(text), own);

/** ClickHouse 18.16: `amountCurrencyConflictSql` as a String, '' when they agree. */
export function amountCurrencyConflictCh(
  text: string,
  currency: string,
  own: readonly string[] = [],
): string {
  const lit = (s: string) => literal(s, 'clickhouse');
  const t = `ifNull(${text}, '')`;
  const letters = codeLettersCh(text);
  const code = `_gtm_code${aliases}`;
  // the ending code, when the leading one is the row's (`USD 100 EUR` on a USD row)
  const trailing = `_gtm_code_ending${aliases}`;
  const trailingDef = `(if(${isIsoCh(letters.trail, own)}, ${letters.trail}, '') AS ${trailing})`;
  const sym = `extract(${t}, ${lit(LETTER_SYMBOL_AT)})`;
  const symbols = Object.entries(CURRENCY_SYMBOLS).flatMap(([s, codes]) => [
    `position(${t}, ${lit(s)}) > 0 AND NOT has([${codes.map(lit).join(', ')}], ${currency})`,
    lit(s),
  ]);
  return `multiIf((${codeOfCh(letters, own)} AS ${code}) != '' AND ${code} != ${currency}, ${code}, ${trailingDef} != '' AND ${trailing} != ${currency}, ${trailing}, ${sym} != '' AND NOT has([${LETTER_PAIRS.map(lit).join(', ')}], concat(upperUTF8(${sym}), ':', ${currency})), ${sym}, ${symbols.join(', ')}, '')`;
}
