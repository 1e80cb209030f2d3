/**
 * The kit's normalization expressions in ClickHouse SQL (18.16 and later: no `trim`, no window
 * functions, no query parameters — values go through `literal(…, 'clickhouse')`). Each function is
 * the twin of a DuckDB one in this folder and gives the same values:
 *
 * - text is trimmed of the characters DuckDB's `trim` removes (the Unicode space separators, not
 *   tabs), an empty string is NULL, and lower/upper case is Unicode (`lowerUTF8`);
 * - times are `Nullable(Int64)` milliseconds since the epoch (ClickHouse 18.16 has no DateTime64),
 *   parsed from text with the forms `parseTimestampSql` accepts, by integer arithmetic on the
 *   parts (no DateTime range limit, invalid days such as 02-30 rejected as DuckDB rejects them);
 * - amounts drop currency symbols, spaces and thousands separators as `parseAmountSql` does, with
 *   the same decimal mark and the same checks of the groups.
 */
import { literal, quoteIdent } from '../sql-text.ts';
import type { ChannelRuleSpec } from './channel-sql.ts';
import type { RateSpec } from './currency-sql.ts';
import {
  AMOUNT_HINT,
  DATE_SERIAL_HINT,
  PARENTHESES_HINT,
  PARENTHESES_RE,
  PERCENT_HINT,
  DATE_SERIAL_RE,
  amountStrip,
  GROUPS_COMMA,
  GROUPS_DOT,
  SEPARATORS_COMMA,
  TIMESTAMP_HINT,
  TWO_DIGIT_YEAR_HINT,
  TWO_DIGIT_YEAR_RE,
  MONTH_ABBREVIATIONS,
  MONTH_DATE_PARTS,
  MONTH_DATE_RE,
  MONTH_DATE_START_RE,
  type DateOrder,
  type DecimalMark,
} from './parse-sql.ts';

const lit = (v: string | number) => literal(v, 'clickhouse');
export const chIdent = (name: string) => quoteIdent(name, 'clickhouse');

/** The characters DuckDB's `trim` removes: the Unicode space separators (U+0020, U+00A0, …). */
const SPACES = '[ \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]';

/**
 * `COALESCE(a, b, …)` as nested `ifNull`: ClickHouse 18.16's `coalesce` yields a column that a
 * later CAST rejects ("Illegal column for DataTypeNullable").
 */
export const coalesceCh = (...args: string[]) => args.reduceRight((rest, a) => `ifNull(${a}, ${rest})`);

/** `trim(x)` as DuckDB trims (`x` a String expression). */
export const trimCh = (expr: string) => `replaceRegexpAll(${expr}, ${lit(`^${SPACES}+|${SPACES}+$`)}, '')`;

/**
 * The characters `trimmedSql` trims (`TRIM_CHARACTERS`): the space separators above, the tab and
 * the carriage return, and the zero-width space, word joiner and BOM.
 */
const TEXT_EDGES =
  '[ \\x{0009}\\x{000D}\\x{00A0}\\x{1680}\\x{2000}-\\x{200B}\\x{202F}\\x{205F}\\x{2060}\\x{3000}\\x{FEFF}]';

/** `trimSql`: text trimmed of `TEXT_EDGES` (`x` a String or Nullable(String) expression). */
export const trimTextCh = (expr: string) =>
  `replaceRegexpAll(${expr}, ${lit(`^${TEXT_EDGES}+|${TEXT_EDGES}+$`)}, '')`;

/** `trimmedSql`: text trimmed of `TEXT_EDGES`, empty as NULL. */
export const textCh = (expr: string) => `nullIf(${trimTextCh(expr)}, '')`;

/** `cleanTextSql`: `NULLIF(lower(trimSql(x)), '')`. */
export const cleanTextCh = (expr: string) => `nullIf(lowerUTF8(${trimTextCh(expr)}), '')`;

/** Lower-cased, runs of spaces and hyphens as `_` (`tokenSql`). */
export const tokenCh = (expr: string) =>
  `nullIf(replaceRegexpAll(lowerUTF8(${trimTextCh(expr)}), '[\\\\s-]+', '_'), '')`;

let valueMaps = 0;

/** `valueMapSql`: a cleaned value mapped through a dictionary, unmapped kept or NULL. */
export function valueMapCh(
  expr: string,
  map: Record<string, string>,
  otherwise: 'keep' | 'null' = 'keep',
): string {
  const clean = cleanTextCh(expr);
  const entries = Object.entries(map);
  if (!entries.length) return otherwise === 'keep' ? clean : 'CAST(NULL AS Nullable(String))';
  // not `CASE x WHEN …`: ClickHouse 18.16 turns it into `transform`, which gives NULL for every
  // value when the default is NULL
  const v = `_vm${++valueMaps}`;
  const whens = entries.map(([k, val]) => `${v} = ${lit(k.trim().toLowerCase())}, ${lit(val)}`).join(', ');
  return `multiIf(isNull(${clean} AS ${v}), CAST(NULL AS Nullable(String)), ${whens}, ${otherwise === 'keep' ? v : 'CAST(NULL AS Nullable(String))'})`;
}

/** `channelSql`: the first matching rule's channel (a regular expression must match the whole value). */
export function channelCh(
  rules: ChannelRuleSpec[],
  cols: { source: string; medium: string; campaign: string; touchType: string },
  fallback: string,
): string {
  const inList = (expr: string, values: string[]) => {
    const rest = values.filter((v) => v !== '').map((v) => lit(v.toLowerCase()));
    const parts: string[] = [];
    if (rest.length) parts.push(`ifNull(${expr} IN (${rest.join(', ')}), 0)`);
    if (values.some((v) => v === '')) parts.push(`isNull(${expr})`);
    return parts.length > 1 ? `(${parts.join(' OR ')})` : parts[0];
  };
  const full = (expr: string, re: string) => `match(ifNull(${expr}, ''), ${lit(`^(?:${re})$`)})`;
  const whens = rules.map((r) => {
    const w = r.when;
    const conds: string[] = [];
    if (w.source) conds.push(inList(cols.source, w.source));
    if (w.source_regex) conds.push(full(cols.source, w.source_regex));
    if (w.medium) conds.push(inList(cols.medium, w.medium));
    if (w.medium_regex) conds.push(full(cols.medium, w.medium_regex));
    if (w.campaign_regex) conds.push(full(cols.campaign, w.campaign_regex));
    if (w.touch_type) conds.push(inList(cols.touchType, w.touch_type));
    return `WHEN ${conds.length ? conds.join(' AND ') : '1'} THEN ${lit(r.channel)}`;
  });
  return whens.length ? `(CASE ${whens.join(' ')} ELSE ${lit(fallback)} END)` : lit(fallback);
}

/**
 * `parseAmountSql` over text: a Nullable(Float64). With `decimal` `.` a comma is read only as a
 * thousands separator in valid groups; with `,` it is the decimal mark and `.`, spaces, `'` and
 * no-break spaces separate thousands in valid groups; any other value is NULL.
 */
export function parseAmountTextCh(
  expr: string,
  decimal: DecimalMark = '.',
  own: readonly string[] = [],
): string {
  // the stripped text is written once, under a query-wide alias: the strip holds the ISO 4217
  // codes (~1.7 KB), and ClickHouse caps a query's text at 256 KiB
  const v = `_gtm_amount${++amountAliases}`;
  if (decimal === ',') {
    const def = `(replaceRegexpAll(${trimCh(expr)}, ${lit(amountStrip(',', own))}, '') AS ${v})`;
    return `toFloat64OrNull(${unplus(`multiIf(match(${def}, ${lit(`^(?:${GROUPS_COMMA})$`)}), replaceAll(replaceRegexpAll(${v}, ${lit(SEPARATORS_COMMA)}, ''), ',', '.'),
      match(${v}, ${lit(SEPARATORS_COMMA)}), '', replaceAll(${v}, ',', '.'))`)})`;
  }
  const def = `(replaceRegexpAll(${trimCh(expr)}, ${lit(amountStrip('.', own))}, '') AS ${v})`;
  return `toFloat64OrNull(${unplus(`multiIf(position(${def}, ',') = 0, ${v},
      match(${v}, ${lit(`^(?:${GROUPS_DOT})$`)}), replaceAll(${v}, ',', ''), '')`)})`;
}

/**
 * `text` less one leading `+` before a digit or the decimal point: DuckDB's cast reads `+50.08` as
 * 50.08, ClickHouse 18.16's toFloat64OrNull as NULL (the row was rejected there only).
 */
const unplus = (text: string) => `replaceRegexpOne(${text}, ${lit('^\\+([0-9.])')}, ${lit('\\1')})`;

let amountAliases = 0;

/** `amountHintSql`: the hint to append to an amount's "cannot read" reason ('' when none applies). */
export function amountHintCh(raw: string, decimal: DecimalMark = '.'): string {
  const h = AMOUNT_HINT[decimal];
  const v = `ifNull(${raw}, '')`;
  return `multiIf(match(${v}, ${lit(PARENTHESES_RE)}), ${lit(PARENTHESES_HINT)},
    match(${v}, '%$'), ${lit(PERCENT_HINT)},
    position(${v}, ${lit(h.when)}) > 0, ${lit(h.text)}, '')`;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (integer expressions; Hinnant's algorithm). */
function daysFromCivil(y: string, m: string, d: string): string {
  const yy = `(${y} - (${m} <= 2))`;
  const era = `intDiv(${yy} - if(${yy} < 0, 399, 0), 400)`;
  const yoe = `(${yy} - ${era} * 400)`;
  const doy = `(intDiv(153 * (${m} + if(${m} > 2, -3, 9)) + 2, 5) + ${d} - 1)`;
  const doe = `(${yoe} * 365 + intDiv(${yoe}, 4) - intDiv(${yoe}, 100) + ${doy})`;
  return `(${era} * 146097 + ${doe} - 719468)`;
}

/** Whether y-m-d is a real day. */
function validDay(y: string, m: string, d: string): string {
  const leap = `((${y} % 4 = 0 AND ${y} % 100 != 0) OR ${y} % 400 = 0)`;
  const last = `arrayElement([31, if(${leap}, 29, 28), 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], ${m})`;
  return `(${m} >= 1 AND ${m} <= 12 AND ${d} >= 1 AND ${d} <= ${last})`;
}

/**
 * ISO dates and times: Y, M, D, h, m, s, fraction and offset in groups 1-8. After seconds, a space
 * and `UTC` or `GMT` (any case, not captured: offset 0) as BigQuery and many database exports write it
 * (`2026-05-16 15:04:05 UTC`): DuckDB's TIMESTAMPTZ cast reads it, and this form must read what
 * DuckDB reads (parse-sql.ts; other zone names, which DuckDB reads from its time-zone database, are
 * not read here).
 */
const ISO =
  '^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\\.([0-9]+))?(?: (?i:utc|gmt))?)?)? ?([Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?$';
/**
 * The clock after a slash or dotted date, as `CLOCK` in parse-sql.ts: `HH:MM[:SS]`, or 12 hours with
 * AM/PM (group 7, its first letter), after a space or a comma and a space.
 */
const SLASH_CLOCK = '(?:,? ([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?(?: ?([AaPp])[Mm])?)?$';
const US = `^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})${SLASH_CLOCK}`;
/** A dotted day-first date (`30.11.2026[ 14:05[:00]]`), read with `date_order: dmy` only. */
const DOTTED = `^([0-9]{1,2})[.]([0-9]{1,2})[.]([0-9]{4})${SLASH_CLOCK}`;
/** `US` or `DOTTED`'s parts (the test that one of them matches comes first: no mixed separators). */
const US_OR_DOTTED = `^([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})${SLASH_CLOCK}`;
/**
 * The day-and-month forms an order reads (`test`, on the text `s`) and the regex whose groups are
 * their D, M (or M, D), Y, h, m, s (`re`): slash dates, and dotted ones day-first.
 */
function dayMonthForms(s: string, order: DateOrder): { test: string; re: string } {
  return order === 'dmy'
    ? { test: `(match(${s}, ${lit(US)}) OR match(${s}, ${lit(DOTTED)}))`, re: lit(US_OR_DOTTED) }
    : { test: `match(${s}, ${lit(US)})`, re: lit(US) };
}

/**
 * `parseTimestampSql` over text, as Nullable(Int64) epoch milliseconds: ISO dates and times with
 * an optional UTC offset (applied), `MM/DD/YYYY[ HH:MM[:SS]]`, the clock also in 12 hours with AM/PM
 * and after a comma (`5/16/2026, 3:04 PM`) (`DD/MM/YYYY…` and `DD.MM.YYYY…`
 * with `order` `dmy`), 13-digit epoch milliseconds and 10-digit epoch seconds (either with a
 * fraction, cut to the millisecond) and 16-digit epoch microseconds; anything else (or an
 * impossible date) is NULL. `alias` names the parts
 * in the query (ClickHouse aliases are query-wide): one distinct alias per parsed column.
 */
export function parseTimestampTextCh(expr: string, alias: string, order: DateOrder = 'mdy'): string {
  const s = `_${alias}_s`;
  const p = `_${alias}_p`;
  const part = (i: number) => `toInt64OrZero(${p}[${i}])`;
  const iso = `match(${s}, ${lit(ISO)})`;
  const dm = dayMonthForms(s, order);
  const us = dm.test;
  // the parts as text: Y|M|D|h|m|s|fraction|offset|meridiem, from ISO's groups, the slash date's
  // (M|D|Y or D|M|Y, h|m|s, AM/PM's first letter) or a month-name date's, missing ones empty; ''
  // (one part) for any other text
  const parts = `(splitByChar('|', multiIf(${iso}, replaceRegexpOne(${s}, ${lit(ISO)}, '\\\\1|\\\\2|\\\\3|\\\\4|\\\\5|\\\\6|\\\\7|\\\\8|'), ${us}, replaceRegexpOne(${s}, ${dm.re}, ${order === 'dmy' ? `'\\\\3|\\\\2|\\\\1|\\\\4|\\\\5|\\\\6|||\\\\7'` : `'\\\\3|\\\\1|\\\\2|\\\\4|\\\\5|\\\\6|||\\\\7'`}), ${monthDateCh(s)})) AS ${p})`;
  const [y, m, d, h12, mi, ss] = [1, 2, 3, 4, 5, 6].map(part);
  // a 12-hour clock: 12 AM is 0 h, 1-11 PM 13-23 h; its hours run 1-12
  const mer = `upper(${p}[9])`;
  const hh = `if(${mer} = '', ${h12}, ${h12} % 12 + if(${mer} = 'P', 12, 0))`;
  const hourOk = `if(${mer} = '', ${h12} <= 23, ${h12} >= 1 AND ${h12} <= 12)`;
  const frac = `toInt64OrZero(substring(concat(${p}[7], '000'), 1, 3))`;
  const off = `${p}[8]`;
  const offMs = `if(length(${off}) >= 3, if(substring(${off}, 1, 1) = '-', -1, 1) * (toInt64OrZero(substring(${off}, 2, 2)) * 3600000 + toInt64OrZero(substring(replaceAll(${off}, ':', ''), 4, 2)) * 60000), 0)`;
  const ms = `(${daysFromCivil(y, m, d)} * 86400000 + ${hh} * 3600000 + ${mi} * 60000 + ${ss} * 1000 + ${frac} - ${offMs})`;
  const ok = `(${validDay(y, m, d)} AND ${hourOk} AND ${mi} <= 59 AND ${ss} <= 59)`;
  return `(multiIf((ifNull(${trimCh(expr)}, '') AS ${s}) = '', CAST(NULL AS Nullable(Int64)),
    length(${parts}) = 9, if(${ok}, toNullable(toInt64(${ms})), CAST(NULL AS Nullable(Int64))),
    match(${s}, '^[0-9]{13}([.][0-9]+)?$'), toNullable(toInt64OrZero(splitByChar('.', ${s})[1])),
    match(${s}, '^[0-9]{10}([.][0-9]+)?$'), toNullable(toInt64OrZero(splitByChar('.', ${s})[1]) * 1000 + toInt64OrZero(substring(concat(splitByChar('.', ${s})[2], '000'), 1, 3))),
    match(${s}, '^[0-9]{16}$'), toNullable(intDiv(toInt64OrZero(${s}), 1000)),
    CAST(NULL AS Nullable(Int64))))`;
}

/**
 * A month-name date (`MONTH_DATE_RE`, any case; `monthDateSql` of parse-sql.ts on DuckDB) as the
 * parts `parseTimestampTextCh` reads, `Y|M|D|h|m|s||offset|meridiem`; '' for any other text or an
 * offset past 23:59. ClickHouse before 21.x evaluates every branch of `multiIf` on every row, so
 * the parts are a lambda's, over an array that holds the value only where one cheap test
 * (`MONTH_DATE_START_RE`) passes: the other rows pay that test and an empty array.
 */
function monthDateCh(s: string): string {
  // lambdas take nothing but their argument (18.16 does not read from a subquery the columns only
  // a lambda uses): the text → Y|month|D|clock|AM/PM or zone → the parts
  const [x, a] = ['_gtm_month_text', '_gtm_month_parts'];
  const split = `arrayMap(${x} -> splitByChar('|', replaceRegexpOne(lower(${x}), ${lit(MONTH_DATE_RE)}, ${lit(MONTH_DATE_PARTS)})), arraySlice([${s}], 1, match(${s}, ${lit(MONTH_DATE_START_RE)})))`;
  const month = `toString(intDiv(position('${MONTH_ABBREVIATIONS}', substring(${a}[2], 1, 3)) + 2, 3))`;
  const clock = (i: number) => `splitByChar(':', ${a}[4])[${i}]`;
  const tail = `${a}[5]`;
  const sign = `substring(${tail}, 1, 1)`;
  const signed = `(${sign} = '+' OR ${sign} = '-')`;
  const z = `replaceAll(${tail}, ':', '')`;
  const offOk = `(NOT ${signed} OR (toInt64OrZero(substring(${z}, 2, 2)) <= 23 AND toInt64OrZero(substring(${z}, 4, 2)) <= 59))`;
  const mer = `if(${tail} = 'am' OR ${tail} = 'pm', substring(${tail}, 1, 1), '')`;
  // a text the regex does not match stays whole: one part, and no parts out
  const text = `concat(${a}[1], '|', ${month}, '|', ${a}[3], '|', ${clock(1)}, '|', ${clock(2)}, '|', ${clock(3)}, '||', if(${signed}, ${tail}, ''), '|', ${mer})`;
  return `arrayElement(arrayMap(${a} -> if(length(${a}) = 5 AND ${offOk}, ${text}, ''), ${split}), 1)`;
}

/**
 * `timestampHintSql`: the hint to append to a timestamp's "cannot read" reason (`raw` its trimmed
 * text, Nullable(String)): when the other slash order reads the value, to set (or check)
 * `date_order`; else, for a day, month and two-digit year, to write the year in full; else, for a
 * spreadsheet's date serial, to export the column as dates; else, when the value has a digit, the
 * forms read; else ''.
 *
 * With `when` (a condition true on the rows whose reason takes the hint, such as
 * `isNull(occurred_at)`), the hint is worked out on those rows only and is '' on the others.
 * ClickHouse before 21.x evaluates every branch of `multiIf`/`if` on every row of a block, so a
 * hint inside a reject reason ran its regular expressions, splits and calendar check on every
 * valid row too: about as much CPU as parsing the timestamp (10M text timestamps on 18.16, parsed
 * and given their reason: 21-23 s CPU with the hint, 10-11.5 s without it or with it here; see
 * docs/scale-out.md). A lambda runs on the elements of its array only: here an array of the value
 * where `when` holds, empty elsewhere.
 */
export function timestampHintCh(raw: string, order: DateOrder = 'mdy', when?: string): string {
  if (when !== undefined) {
    const x = '_gtm_hint_raw';
    // arraySlice, not arrayFilter(x -> when, …): 18.16 does not read from a subquery the columns
    // only a lambda uses ("Unknown identifier"), so the lambda takes nothing but its argument
    return `arrayStringConcat(arrayMap(${x} -> ${timestampHintCh(x, order)}, arraySlice([ifNull(${raw}, '')], 1, ${when})))`;
  }
  const r = `ifNull(${raw}, '')`;
  // the parts in the other order: Y|M|D|h|m|s
  const swapped =
    order === 'mdy' ? `'\\\\3|\\\\2|\\\\1|\\\\4|\\\\5|\\\\6'` : `'\\\\3|\\\\1|\\\\2|\\\\4|\\\\5|\\\\6'`;
  const dm = dayMonthForms(r, order === 'mdy' ? 'dmy' : 'mdy');
  const p = (i: number) =>
    `toInt64OrZero(splitByChar('|', replaceRegexpOne(${r}, ${dm.re}, ${swapped}))[${i}])`;
  const [y, m, d, hh, mi, ss] = [1, 2, 3, 4, 5, 6].map(p);
  const other = `${dm.test} AND ${validDay(y, m, d)} AND ${hh} <= 23 AND ${mi} <= 59 AND ${ss} <= 59`;
  const h = TIMESTAMP_HINT[order];
  return `multiIf(${other}, ${lit(h.other)}, match(${r}, ${lit(TWO_DIGIT_YEAR_RE)}), ${lit(TWO_DIGIT_YEAR_HINT)}, match(${r}, ${lit(DATE_SERIAL_RE)}), ${lit(DATE_SERIAL_HINT)}, match(${r}, '[0-9]'), ${lit(h.forms)}, '')`;
}

/**
 * A time column of a ClickHouse table as epoch milliseconds: `DateTime` in seconds, `Date` in days,
 * integers as `gtm engine load` writes sub-second times (milliseconds; 10-digit values are epoch
 * seconds and 16-digit ones microseconds, as the text parser reads them), text parsed.
 */
export function timestampCh(column: string, type: string, alias: string, order: DateOrder = 'mdy'): string {
  const t = baseType(type);
  if (t === 'DateTime' || t.startsWith('DateTime(')) return `toInt64(${column}) * 1000`;
  if (t === 'Date') return `toInt64(toUInt16(${column})) * 86400000`;
  if (/^U?Int(8|16|32|64)$/.test(t))
    return `multiIf(${column} >= 1000000000 AND ${column} < 10000000000, toInt64(${column}) * 1000, ${column} >= 1000000000000000 AND ${column} < 10000000000000000, intDiv(toInt64(${column}), 1000), toInt64(${column}))`;
  return parseTimestampTextCh(`toString(${column})`, alias, order);
}

/** A ClickHouse numeric type (integers, floats, decimals; `Nullable(…)` and `LowCardinality(…)` too). */
export const isNumericCh = (type: string): boolean =>
  /^(U?Int(8|16|32|64)|Float(32|64)|Decimal.*)$/.test(baseType(type));

/** An amount column: numbers as they are, text parsed. */
export function amountCh(
  column: string,
  type: string,
  decimal: DecimalMark = '.',
  own: readonly string[] = [],
): string {
  if (isNumericCh(type)) return `toFloat64(${column})`;
  return parseAmountTextCh(`toString(${column})`, decimal, own);
}

/** A ClickHouse type without `Nullable(…)`/`LowCardinality(…)`. */
export function baseType(type: string): string {
  let t = type.trim();
  for (;;) {
    const m = /^(Nullable|LowCardinality)\((.*)\)$/.exec(t);
    if (!m) return t;
    t = m[2];
  }
}

/** Days since the epoch of a `YYYY-MM-DD` date. */
const epochDay = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

/**
 * The rate in force for a currency on a day (`ratesTableSql` + the lookup of `rateLookupSql`): the
 * latest rate whose first day is not after `dayExpr` (days since the epoch), NULL when none; the
 * reporting currency is 1 from the beginning of time. The rates are a small local table: they travel
 * inside the query as arrays.
 */
export function rateCh(
  rates: readonly RateSpec[],
  reporting: string,
  currencyExpr: string,
  dayExpr: string,
): string {
  const byCurrency = new Map<string, { day: number; rate: number }[]>();
  const add = (c: string, day: number, rate: number) => {
    const list = byCurrency.get(c) ?? [];
    list.push({ day, rate });
    byCurrency.set(c, list);
  };
  add(reporting.toUpperCase(), epochDay('1900-01-01'), 1);
  for (const r of rates) add(r.currency.toUpperCase(), epochDay(r.from), Number(r.rate));
  const branches = [...byCurrency.entries()].flatMap(([c, list]) => {
    list.sort((a, b) => a.day - b.day);
    const days = `[${list.map((x) => `toInt64(${x.day})`).join(', ')}]`;
    const values = `[${list.map((x) => `toFloat64(${x.rate})`).join(', ')}]`;
    const idx = `arrayCount(x -> x <= assumeNotNull(${dayExpr}), ${days})`;
    return [
      `${currencyExpr} = ${lit(c)}`,
      `if(${idx} = 0, CAST(NULL AS Nullable(Float64)), toNullable(arrayElement(${values}, ${idx})))`,
    ];
  });
  return `multiIf(isNull(${dayExpr}), CAST(NULL AS Nullable(Float64)), ${branches.join(', ')}, CAST(NULL AS Nullable(Float64)))`;
}

/** Days since the epoch of epoch milliseconds (floor, as a cast to DATE). */
export const epochDayCh = (ms: string) => `toInt64(floor(${ms} / 86400000))`;
