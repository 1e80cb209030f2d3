/**
 * Tolerant parsing of text columns (all sources are read as text so that a bad value becomes a
 * rejected row with a reason, not a failed load). A value that could be read two ways is never
 * guessed: a comma that is not a thousands separator in valid groups, or a slash date that only a
 * day-first reading makes valid, is unreadable and the reject reason says which source setting
 * reads it (`decimal: ","`, `date_order: dmy`).
 */
import { literal } from '../sql-text.ts';
import { isColumnSql } from './trim-sql.ts';
import { LETTER_SYMBOLS_RE, SYMBOL_CHARS } from './amount-currency.ts';
import { ISO_4217_CODES, ISO_4217_RE } from './iso4217.ts';

/** The decimal mark of a source's amounts (`decimal:` in gtm.yaml; default `.`). */
export type DecimalMark = '.' | ',';
/** The order of day and month in a source's slash dates (`date_order:` in gtm.yaml; default `mdy`). */
export type DateOrder = 'mdy' | 'dmy';

/**
 * The `strptime` date part of slash dates in each order; day-first also reads dotted dates
 * (`30.11.2026`, as European spreadsheets write them; no one writes dots month-first).
 */
const SLASH_DATES: Record<DateOrder, readonly (readonly [sep: string, format: string])[]> = {
  mdy: [['/', '%m/%d/%Y']],
  dmy: [
    ['/', '%d/%m/%Y'],
    ['.', '%d.%m.%Y'],
  ],
};

/**
 * A time after the date: `HH:MM[:SS]`, or a 12-hour clock with AM or PM (any case, with or without
 * a space: `3:04 PM`, `11:59:59pm`, as US exports of CRMs and spreadsheets write them), after a
 * space or a comma and a space (`5/16/2026, 3:04 PM`, JavaScript's and Google Sheets' form).
 */
const CLOCK = '(,? [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?( ?[AaPp][Mm])?)?';
/**
 * The whole text a slash (or, day-first, dotted) date may be: `strptime`'s `%Y` also reads a year
 * of one to three digits, so `11/10/26` would be the year 26 (accepted, and out of every window),
 * as it is not on ClickHouse (`US` in parse-clickhouse.ts).
 */
export const SLASH_DATE_RE: Record<DateOrder, string> = {
  mdy: `[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}${CLOCK}`,
  dmy: `(?:[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]{1,2}[.][0-9]{1,2}[.][0-9]{4})${CLOCK}`,
};
/**
 * How an ISO date starts: four digits of year. DuckDB's casts also read `11/10/26` (the year 11)
 * and `26-11-10` (the year 26), and words (`epoch`, `infinity`); ClickHouse's ISO form needs the
 * four digits.
 */
const ISO_START_RE = '^[0-9]{4}[-/]';
/**
 * An ISO date and time whose zone follows a space, or whose clock has no seconds before the zone:
 * `2026-05-16 15:04:05 -0400` (Shopify's exports), `2026-05-16 15:04:05 +05:30`,
 * `2026-05-16 15:04 -0400`, `2026-05-16 15:04:05 Z`. DuckDB's TIMESTAMPTZ cast reads neither (it
 * wants the zone right after the seconds), ClickHouse's ISO form (parse-clickhouse.ts) reads both;
 * `isoZoneSql` rewrites them to the form the cast reads.
 */
const ISO_ZONE_RE =
  '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? ?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$';
/**
 * English month names, full or in three letters (and `Sept`), lower case: the text is matched in
 * lower case, so any case is read.
 */
const MONTH_NAME =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
/** A weekday before a month-name date (`sat, `, `saturday, `), read and not checked (as Go and Python do). */
const WEEKDAY =
  '(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?),? ';
/**
 * A month-name date in lower case: `may 16, 2026`, `16 may 2026` or `16-may-2026`, after an
 * optional weekday, and an optional clock (`HH:MM[:SS]`, after a space or a comma and a space) with
 * an optional AM/PM or zone (`GMT`, `UT`, `UTC`, `Z`, an offset `+0200` or `+02:00`, as RFC 2822 and
 * HTTP dates write them). Groups: month name 1, 4 or 6, day 2, 3 or 5, year 7, clock 8, AM/PM or
 * zone 9 (ClickHouse's replacements reach `\9` at most).
 */
export const MONTH_DATE_RE = `^(?:${WEEKDAY})?(?:(${MONTH_NAME}) ([0-9]{1,2}),? |([0-9]{1,2}) (${MONTH_NAME}) |([0-9]{1,2})-(${MONTH_NAME})-)([0-9]{4})(?:,? ([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)(?: ?([ap]m|gmt|utc?|z|[+-][0-9]{2}:?[0-9]{2}))?)?$`;
/** `MONTH_DATE_RE`'s parts as `Y|month name|D|clock|AM/PM or zone`. */
export const MONTH_DATE_PARTS = '\\7|\\1\\4\\6|\\2\\3\\5|\\8|\\9';
/**
 * The one cheap test a value passes before it is read as a month-name date (`MONTH_DATE_RE`): it
 * starts with a letter, or with a day and a space or dash before one (other values fail within
 * three characters), and has no `|`, so that its parts (`MONTH_DATE_PARTS`) are five only when
 * `MONTH_DATE_RE` matched it.
 */
export const MONTH_DATE_START_RE = '^(?:[A-Za-z]|[0-9]{1,2}[ -][A-Za-z])[^|]*$';
/** A month's number is (the position of its first three letters, lower case, here + 2) / 3. */
export const MONTH_ABBREVIATIONS = 'janfebmaraprmayjunjulaugsepoctnovdec';

/**
 * A day, month and two-digit year (`11/10/26`, `30.11.26`, and with a month name `16-May-26`,
 * `May 16, 26`, as Excel's `d-mmm-yy` writes them): the year is not guessed.
 */
export const TWO_DIGIT_YEAR_RE = `^(?:[0-9]{1,2}[/.-][0-9]{1,2}[/.-]|(?i:(?:${WEEKDAY})?(?:(?:${MONTH_NAME}) [0-9]{1,2},? |[0-9]{1,2}(?: (?:${MONTH_NAME}) |-(?:${MONTH_NAME})-))))[0-9]{2}( |$)`;

/**
 * `t` (of the form `SLASH_DATE_RE` checked) read with the one `strptime` format its shape calls
 * for: a comma, a clock, seconds, AM/PM and the space before it are told by cheap tests of the
 * text, since a failed `TRY_STRPTIME` costs about 1 µs a value (trying the formats in turn made
 * a date-only column pay for two failures on every row).
 */
function slashFormSql(t: string, date: string): string {
  const colons = `strlen(${t}) - strlen(replace(${t}, ':', ''))`;
  const clock = (d: string) => {
    const at = (f: string) => `TRY_STRPTIME(${t}, '${d} ${f}')`;
    const twelve = (sp: string) =>
      `CASE WHEN ${colons} = 2 THEN ${at(`%I:%M:%S${sp}%p`)} ELSE ${at(`%I:%M${sp}%p`)} END`;
    return `CASE WHEN right(${t}, 1) NOT IN ('m', 'M') THEN (CASE WHEN ${colons} = 2 THEN ${at('%H:%M:%S')} ELSE ${at('%H:%M')} END)
      WHEN substring(${t}, -3, 1) = ' ' THEN (${twelve(' ')}) ELSE (${twelve('')}) END`;
  };
  return `CASE WHEN NOT contains(${t}, ':') THEN TRY_STRPTIME(${t}, '${date}')
    WHEN contains(${t}, ',') THEN (${clock(`${date},`)}) ELSE (${clock(date)}) END`;
}

/** Slash dates in `order`, NULL unless the text has the form (four-digit year) of `SLASH_DATE_RE`. */
function slashDateSql(t: string, order: DateOrder): string {
  const forms = SLASH_DATES[order];
  const read = forms.reduceRight<string>(
    (rest, [sep, date], i) =>
      i === forms.length - 1
        ? slashFormSql(t, date)
        : `CASE WHEN contains(${t}, '${sep}') THEN (${slashFormSql(t, date)}) ELSE (${rest}) END`,
    '',
  );
  return `CASE WHEN regexp_full_match(${t}, ${literal(SLASH_DATE_RE[order])}) THEN (${read}) END`;
}

/**
 * ISO timestamps and dates, `YYYY-MM-DD HH:MM[:SS]`, slash dates `MM/DD/YYYY[ HH:MM[:SS]]`, the
 * clock also in 12 hours with AM/PM and after a comma (`5/16/2026, 3:04 PM`; `SLASH_DATE_RE`), or
 * `DD/MM/YYYY…` and `DD.MM.YYYY…` with `order` `dmy`, epoch seconds or ms (with a fraction) or µs
 * (`epochSql`), English month names in either order (`May 16, 2026 3:04 PM`, `16-May-2026`,
 * `Sat, 16 May 2026 15:04:05 GMT`; `MONTH_DATE_RE`); years have four digits
 * (`11/10/26` is unreadable, never the year 26). Results are UTC: a UTC offset
 * (`+02:00`) is applied, a naive time is taken as UTC (the engine runs with `TimeZone = 'UTC'`).
 * TIMESTAMPTZ goes first because a plain TIMESTAMP cast silently drops the offset.
 */
export function parseTimestampSql(expr: string, order: DateOrder = 'mdy'): string {
  // the forms' tests name the text a dozen times: a column is read as it is unless a space pads it
  // (two byte tests), so that the common value pays no trim per test; other expressions are trimmed
  if (!isColumnSql(expr)) return parseTrimmedTimestampSql(`trim(${expr})`, order);
  return `CASE WHEN starts_with(${expr}, ' ') OR ends_with(${expr}, ' ') THEN ${parseTrimmedTimestampSql(`trim(${expr})`, order)}
    ELSE ${parseTrimmedTimestampSql(expr, order)} END`;
}

/** `parseTimestampSql` of `t`, text with no space at either end. */
function parseTrimmedTimestampSql(t: string, order: DateOrder): string {
  // a month-name date is tried last, behind one cheap test (a letter first, or after a day) and
  // then its regex: COALESCE reads an argument only on the rows the ones before left NULL, so ISO,
  // slash and epoch values never reach it, and other text pays two regex tests
  return `COALESCE(
    CASE WHEN regexp_matches(${t}, ${literal(ISO_START_RE)}) THEN COALESCE(
      TRY_CAST(TRY_CAST(${t} AS TIMESTAMPTZ) AS TIMESTAMP),
      TRY_CAST(${t} AS TIMESTAMP),
      ${isoZoneSql(t)}) END,
    ${slashDateSql(t, order)},
    ${epochSql(t)},
    CASE WHEN regexp_matches(${t}, ${literal(MONTH_DATE_START_RE)}) AND regexp_full_match(lower(${t}), ${literal(MONTH_DATE_RE)})
      THEN ${monthDateSql(t)} END)`;
}

/**
 * An ISO date and time with its zone after a space or after a clock without seconds
 * (`ISO_ZONE_RE`), read by the TIMESTAMPTZ cast once the seconds are written (`:00`) and the space
 * dropped: `2026-05-16 15:04:05 -0400` is 19:04:05 UTC. Only reached by the text the plain casts
 * did not read (COALESCE), so other ISO values pay nothing for it.
 */
function isoZoneSql(t: string): string {
  const seconds = `regexp_replace(${t}, '^([0-9-]+[T ][0-9]{1,2}:[0-9]{2})( ?[Zz+-])', '\\1:00\\2')`;
  return `CASE WHEN regexp_full_match(${t}, ${literal(ISO_ZONE_RE)})
      THEN TRY_CAST(TRY_CAST(regexp_replace(${seconds}, ' ([Zz+-])', '\\1') AS TIMESTAMPTZ) AS TIMESTAMP) END`;
}

/**
 * A month-name date (`MONTH_DATE_RE`, in any case; `monthDateCh` is the ClickHouse twin) by
 * arithmetic on its parts, with no `strptime` attempt that could fail; NULL for other text, an
 * impossible day, an hour past 23 (or 0 or past 12 with AM/PM), a minute or second past 59, an
 * offset past 23:59.
 */
function monthDateSql(t: string): string {
  const parts = `string_split(regexp_replace(lower(${t}), ${literal(MONTH_DATE_RE)}, ${literal(MONTH_DATE_PARTS)}), '|')`;
  const clock = (i: number) => `COALESCE(TRY_CAST(string_split(__p[4], ':')[${i}] AS BIGINT), 0)`;
  const [h12, mi, ss] = [1, 2, 3].map(clock);
  const m = `((strpos('${MONTH_ABBREVIATIONS}', left(__p[2], 3)) + 2) // 3)`;
  const tail = '__p[5]';
  const mer = `(${tail} IN ('am', 'pm'))`;
  const hh = `CASE WHEN ${mer} THEN ${h12} % 12 + CASE WHEN ${tail} = 'pm' THEN 12 ELSE 0 END ELSE ${h12} END`;
  const hourOk = `CASE WHEN ${mer} THEN ${h12} BETWEEN 1 AND 12 ELSE ${h12} <= 23 END`;
  const z = `replace(${tail}, ':', '')`;
  const signed = `(left(${tail}, 1) IN ('+', '-'))`;
  const [oh, om] = [2, 4].map((i) => `CAST(substr(${z}, ${i}, 2) AS BIGINT)`);
  const offMin = `CASE WHEN ${signed} THEN CASE WHEN left(${tail}, 1) = '-' THEN -1 ELSE 1 END * (${oh} * 60 + ${om}) ELSE 0 END`;
  const offOk = `CASE WHEN ${signed} THEN ${oh} <= 23 AND ${om} <= 59 ELSE true END`;
  const day = `TRY_CAST(concat(__p[1], '-', ${m}, '-', __p[3]) AS DATE)`;
  // a text the regex does not match stays whole: one part (`MONTH_DATE_START_RE` let no `|` in)
  return `list_transform([${parts}], lambda __p: CASE WHEN len(__p) = 5 AND ${hourOk} AND ${mi} <= 59 AND ${ss} <= 59 AND ${offOk}
    THEN CAST(${day} AS TIMESTAMP) + to_seconds(${hh} * 3600 + ${mi} * 60 + ${ss} - (${offMin}) * 60) END)[1]`;
}

/**
 * Epoch seconds (10 digits), milliseconds (13) — either with a fraction, as a DOUBLE column or an
 * export writes them (`1790000000.5`) — or microseconds (16, as GA4's BigQuery export writes
 * `event_timestamp`); digits beyond the microsecond are dropped (as ClickHouse drops those beyond
 * the millisecond: the same epoch milliseconds on both engines). NULL for any other text.
 */
function epochSql(t: string): string {
  const whole = `split_part(${t}, '.', 1)`;
  const frac = (digits: number) =>
    `CAST(rpad(left(split_part(${t}, '.', 2), ${digits}), ${digits}, '0') AS BIGINT)`;
  return `CASE WHEN regexp_full_match(${t}, ${literal(EPOCH_RE)}) THEN make_timestamp(CASE strlen(${whole})
      WHEN 10 THEN CAST(${whole} AS BIGINT) * 1000000 + ${frac(6)}
      WHEN 13 THEN CAST(${whole} AS BIGINT) * 1000 + ${frac(3)}
      ELSE CAST(${t} AS BIGINT) END) END`;
}

/** The epochs read: seconds or milliseconds with an optional fraction, microseconds. */
export const EPOCH_RE = '[0-9]{10}([.][0-9]+)?|[0-9]{13}([.][0-9]+)?|[0-9]{16}';

/**
 * Amounts: currency symbols (`$ € £ ¥ ₹ ₩ ₱ ₺ ₫ ₪` and the letter ones, `R$`, `CA$`, `kr`, `zł`, …),
 * an ISO 4217 code before or after the number (`USD 12`, `12 USD`, `12USD`; other letters, as in
 * `100 pcs`, stay and make the value unreadable) and spaces removed, then
 * - `decimal` `.` (the default): a comma is read only as a thousands separator in valid groups
 *   (`1,234`, `-1,234,567.89`); any other comma (`12,50`, `1,5`, `1.000,00`, `1,2345`) makes the
 *   value unreadable (NULL), never a number 100 times off;
 * - `decimal` `,`: `,` is the decimal mark (`12,50`, `-0,5`) and `.`, spaces, `'` and (narrow)
 *   no-break spaces are thousands separators in valid groups (`1.234,56`, `1 234 567,8`); a `.`
 *   elsewhere (`12.50`) makes the value unreadable.
 * `own`: the user's own currency codes (`userCurrencyCodes`), dropped like ISO ones (`100 PTS`).
 * `parseAmountTextCh` is the ClickHouse twin.
 */
export function parseAmountSql(
  expr: string,
  decimal: DecimalMark = '.',
  own: readonly string[] = [],
): string {
  if (decimal === ',') {
    const v = `regexp_replace(trim(${expr}), ${literal(amountStrip(',', own))}, '', 'g')`;
    return `TRY_CAST(CASE WHEN regexp_full_match(${v}, ${literal(GROUPS_COMMA)}) THEN replace(regexp_replace(${v}, ${literal(SEPARATORS_COMMA)}, '', 'g'), ',', '.')
      WHEN NOT regexp_matches(${v}, ${literal(SEPARATORS_COMMA)}) THEN replace(${v}, ',', '.') END AS DOUBLE)`;
  }
  const v = `regexp_replace(trim(${expr}), ${literal(amountStrip('.', own))}, '', 'g')`;
  // a comma is rare: the common value is stripped once, as before
  return `TRY_CAST(CASE WHEN NOT contains(${expr}, ',') THEN ${v}
      WHEN regexp_full_match(${v}, ${literal(GROUPS_DOT)}) THEN replace(${v}, ',', '') END AS DOUBLE)`;
}

/**
 * What a `.`-decimal amount loses before it is read: an ISO 4217 code at either end (iso4217.ts),
 * currency symbols (the letter ones of `LETTER_SYMBOLS`, longest first), spaces. The codes go first:
 * `KRW 100` is a code, not `kr`. (Letters left over, as in `100 bananas` or `100 pcs`, make the
 * value unreadable.)
 */
export const AMOUNT_STRIP = `^${ISO_4217_RE}|${ISO_4217_RE}$|${LETTER_SYMBOLS_RE}|[\\s${SYMBOL_CHARS}]`;

/**
 * The codes an amount's strip drops: ISO 4217's, and the user's own (`userCurrencyCodes`, three
 * upper-case letters each: `100 PTS` reads as 100 with the user's `PTS` rate).
 */
const codesRe = (own: readonly string[]) =>
  own.length
    ? `(?i:${[...ISO_4217_CODES, ...own.filter((c) => /^[A-Z]{3}$/.test(c))].join('|')})`
    : ISO_4217_RE;

/** `AMOUNT_STRIP` (`decimal` `.`) or `AMOUNT_STRIP_COMMA` (`,`) with the user's own codes too. */
export function amountStrip(decimal: DecimalMark = '.', own: readonly string[] = []): string {
  if (!own.length) return decimal === ',' ? AMOUNT_STRIP_COMMA : AMOUNT_STRIP;
  const re = codesRe(own);
  return decimal === ','
    ? `^${re}${SPACES_COMMA}|${SPACES_COMMA}${re}$|${SPACES_COMMA}(?:${LETTER_SYMBOLS_RE}|[${SYMBOL_CHARS}])${SPACES_COMMA}|^[\\s\\x{00A0}\\x{202F}]+|[\\s\\x{00A0}\\x{202F}]+$`
    : `^${re}|${re}$|${LETTER_SYMBOLS_RE}|[\\s${SYMBOL_CHARS}]`;
}
/** A `.`-decimal amount with comma thousands separators in valid groups. */
export const GROUPS_DOT = '[+-]?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]*)?';
/** Thousands separators of a `,`-decimal amount: `.`, space, `'`, no-break and narrow no-break space. */
export const SEPARATORS_COMMA = "[. '\\x{00A0}\\x{202F}]";
/** Spaces beside a `,`-decimal amount's code or symbol: also (narrow) no-break ones (`12,50 €`). */
const SPACES_COMMA = '[\\s\\x{00A0}\\x{202F}]*';
/**
 * What a `,`-decimal amount loses before it is read: an ISO 4217 code at either end and currency symbols,
 * with the spaces beside them, and the spaces around the number (spaces inside it are separators).
 */
export const AMOUNT_STRIP_COMMA = `^${ISO_4217_RE}${SPACES_COMMA}|${SPACES_COMMA}${ISO_4217_RE}$|${SPACES_COMMA}(?:${LETTER_SYMBOLS_RE}|[${SYMBOL_CHARS}])${SPACES_COMMA}|^[\\s\\x{00A0}\\x{202F}]+|[\\s\\x{00A0}\\x{202F}]+$`;
/** A `,`-decimal amount with thousands separators in valid groups. */
export const GROUPS_COMMA = `[+-]?[0-9]{1,3}(${SEPARATORS_COMMA}[0-9]{3})+(,[0-9]*)?`;

/** The reject hint of an unreadable amount (`raw` its trimmed text), as in `amountHintCh`. */
export const AMOUNT_HINT: Record<DecimalMark, { when: string; text: string }> = {
  '.': { when: ',', text: ' (a decimal comma? set decimal: "," on the source)' },
  ',': { when: '.', text: ' (the source has decimal: ",", which reads 1.234,56 and 12,50)' },
};

/**
 * An accounting negative, `(12.50)`: never read (as 12.50 it would be a sign lost), and named. The
 * whole value in parentheses, currency or code included (`($1,200.00)`).
 */
export const PARENTHESES_RE = '^\\(.*\\)$';
export const PARENTHESES_HINT =
  ' (a negative in parentheses? write it with a minus sign, -12.50 for (12.50))';
/** A percentage, `12.5%`: never read (12.5 or 0.125?), and named. */
export const PERCENT_HINT = ' (a percentage? write the number the column means, without the % sign)';

/** SQL text: the hint to append to an amount's "cannot read" reason ('' when none applies). */
export function amountHintSql(raw: string, decimal: DecimalMark = '.'): string {
  const h = AMOUNT_HINT[decimal];
  const v = `COALESCE(${raw}, '')`;
  return `CASE WHEN regexp_matches(${v}, ${literal(PARENTHESES_RE)}) THEN ${literal(PARENTHESES_HINT)}
    WHEN ends_with(${v}, '%') THEN ${literal(PERCENT_HINT)}
    WHEN contains(${v}, ${literal(h.when)}) THEN ${literal(h.text)} ELSE '' END`;
}

/** The hints of an unreadable timestamp, by the source's date order. */
export const TIMESTAMP_HINT: Record<DateOrder, { other: string; forms: string }> = {
  mdy: {
    other: ' (a day-first date? set date_order: dmy on the source)',
    forms:
      ' (forms read: 2026-12-31[ 23:59[:59]][+01:00], MM/DD/YYYY[ HH:MM[:SS][ AM|PM]], Dec 31, 2026 or 31 Dec 2026[ HH:MM[:SS][ AM|PM]], epoch seconds, milliseconds or microseconds)',
  },
  dmy: {
    other: ' (a month-first date? the source has date_order: dmy)',
    forms:
      ' (forms read: 2026-12-31[ 23:59[:59]][+01:00], DD/MM/YYYY or DD.MM.YYYY[ HH:MM[:SS][ AM|PM]], Dec 31, 2026 or 31 Dec 2026[ HH:MM[:SS][ AM|PM]], epoch seconds, milliseconds or microseconds)',
  },
};

/**
 * A spreadsheet's date serial (days since 1899-12-30: `46356` is 2026-11-30, `46356.5` its noon), as
 * a date column exports when it is formatted as a number: five digits, an optional fraction.
 */
export const DATE_SERIAL_RE = '^[0-9]{5}([.,][0-9]+)?$';
/** The hint of a spreadsheet date serial (`46356`), whatever the date order. */
export const DATE_SERIAL_HINT =
  ' (a spreadsheet date serial? format the column as a date with the full year, such as 2026-12-31, before exporting)';

/** The hint of a date with a two-digit year (`11/10/26`), whatever the date order. */
export const TWO_DIGIT_YEAR_HINT =
  ' (a two-digit year? years are read with four digits only: format the column as a date with the full year, such as 2026-12-31, before exporting)';

/**
 * SQL text: the hint to append to a timestamp's "cannot read" reason (`raw` its trimmed text):
 * when the other slash order reads the value, to set (or check) `date_order`; else, for a day,
 * month and two-digit year, to write the year in full; else, for a spreadsheet's date serial, to
 * export the column as dates; else, when the value has a digit (an attempt at a date, not a word),
 * the forms read; else ''.
 */
export function timestampHintSql(raw: string, order: DateOrder = 'mdy'): string {
  const h = TIMESTAMP_HINT[order];
  return `CASE WHEN ${slashDateSql(raw, order === 'mdy' ? 'dmy' : 'mdy')} IS NOT NULL THEN ${literal(h.other)}
    WHEN regexp_matches(COALESCE(${raw}, ''), ${literal(TWO_DIGIT_YEAR_RE)}) THEN ${literal(TWO_DIGIT_YEAR_HINT)}
    WHEN regexp_matches(COALESCE(${raw}, ''), ${literal(DATE_SERIAL_RE)}) THEN ${literal(DATE_SERIAL_HINT)}
    WHEN regexp_matches(COALESCE(${raw}, ''), '[0-9]') THEN ${literal(h.forms)} ELSE '' END`;
}
