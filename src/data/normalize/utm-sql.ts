/**
 * URL-encoded UTM values and partner lists, on DuckDB and on ClickHouse 18.16 (the same values on
 * both; tests: utm-sql.test.ts).
 *
 * **URL decoding.** UTM values come from URL query strings, and analytics exports often keep them
 * encoded (`Spring+Push`, `spring%20push`). A value (trimmed) is read as URL-encoded when it has no
 * space and holds a `%XX` escape (two hex digits) or a `+` between two characters that are not `+`
 * (`Spring+Push`, not `c++`). An encoded value is decoded as a query string is: every `+` is a
 * space and the `%XX` escapes are UTF-8 bytes. A value whose escapes are not valid UTF-8 (`%C3`
 * alone, an overlong form, a control character `%00`–`%1F`) is left as it is, whole, and counted as
 * such. A value with a space is already decoded and kept as it is (`c++ meetup`, `50% off`).
 * Decoding comes before trimming, lower-casing and aliasing.
 *
 * **Partner lists.** A partner value that is not itself a partner (id, name or alias) but whose
 * parts, separated by `,` `;` `|` or ` & ` (an ampersand between spaces), are all partners names
 * those partners: its canonical value is their ids, sorted and joined by `|` (`acme|beta`). A name
 * or alias that holds a separator itself (`Gamma & Sons`, `Omega | Partners`) is one part where it
 * stands between separators or the ends of the value (`Acme | Gamma & Sons | beta`: acme, gamma,
 * beta), longest such name first; parts are trimmed.
 */
import { literal } from '../sql-text.ts';
import { trimCh } from './parse-clickhouse.ts';

/** The UTM columns of a touch, in the order of their bits in `_utm_decoded`. */
export const UTM_COLUMNS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'] as const;
export type UtmColumn = (typeof UTM_COLUMNS)[number];

/** Bit of column i in `_utm_decoded`: decoded at bit i, left as it is (invalid escape) at bit i + 8. */
export const UNDECODABLE_SHIFT = 8;

/**
 * Bits of `_utm_decoded` set only for a source that maps `landing_url` (touchpoints.ts,
 * entities-clickhouse.ts), so that the report can say where a touch's values came from:
 * `FROM_URL_BIT` when its utm_source, utm_medium or utm_campaign (any of them) is the landing
 * URL's query parameter (its column empty, the parameter not), `FROM_CLICK_ID_BIT` when its
 * source and medium are those of the URL's click id (`CLICK_IDS`). Above the undecodable bits.
 */
export const FROM_URL_BIT = 1 << 16;
export const FROM_CLICK_ID_BIT = 1 << 17;
/** The UTM columns whose value from a landing URL `FROM_URL_BIT` counts. */
export const FROM_URL_COLUMNS = ['utm_source', 'utm_medium', 'utm_campaign'] as const;

/** The joiner of a canonical partner list (`acme|beta`). */
export const PARTNER_LIST_JOINER = '|';

const HEX = '[0-9a-f]';
const CONT = `%[89ab]${HEX}`;
/**
 * One UTF-8 character as escapes (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF),
 * printable ASCII from `%20`; case-insensitive.
 */
const VALID_ESCAPES = [
  `%[2-7]${HEX}`,
  `%(c[2-9a-f]|d${HEX})${CONT}`,
  `%e0%[ab]${HEX}${CONT}`,
  `%e[1-9a-cef]${CONT}${CONT}`,
  `%ed%[89]${HEX}${CONT}`,
  `%f0%(9${HEX}|[ab]${HEX})${CONT}${CONT}`,
  `%f[1-3]${CONT}${CONT}${CONT}`,
  `%f4%8${HEX}${CONT}${CONT}`,
].join('|');
const ESCAPE = `(?i)%${HEX}{2}`;
const ENCODED = `(?i)%${HEX}{2}|[^+][+][^+]`;
/** Separators of a partner list: `,` `;` `|` with any spaces around them, or ` & `. */
const PARTNER_SEPARATORS = String.raw`\s*[,;|]\s*|\s+&\s+`;

/**
 * DuckDB: 0 when `expr` is not URL-encoded, 1 when it is and decodes, 2 when it is but an escape
 * is not valid UTF-8. `expr` is repeated (pass a column).
 */
export function urlStateSql(expr: string): string {
  const t = `trim(${expr})`;
  return `(CASE WHEN (contains(${expr}, '%') OR contains(${expr}, '+')) AND NOT contains(${t}, ' ') AND regexp_matches(${t}, ${literal(ENCODED)})
    THEN (CASE WHEN regexp_matches(regexp_replace(${t}, ${literal(`(?i)${VALID_ESCAPES}`)}, '', 'g'), ${literal(ESCAPE)}) THEN 2 ELSE 1 END) ELSE 0 END)`;
}

/**
 * DuckDB: `expr` URL-decoded when `urlStateSql` is 1, else as it is. Not trimmed (the cleaning that
 * follows trims; trimming removes no escape).
 */
export const urlDecodedSql = (expr: string): string =>
  `(CASE WHEN ${urlStateSql(expr)} = 1 THEN url_decode(replace(${expr}, '+', ' ')) ELSE ${expr} END)`;

/** The state (`urlStateSql`) of a trimmed String expression, on ClickHouse. */
function stateOfCh(v: string): string {
  const lit = (x: string) => literal(x, 'clickhouse');
  return `toUInt8(multiIf(position(${v}, ' ') = 0 AND match(${v}, ${lit(ENCODED)}),
    multiIf(match(replaceRegexpAll(${v}, ${lit(`(?i)${VALID_ESCAPES}`)}, ''), ${lit(ESCAPE)}), 2, 1), 0))`;
}

/**
 * ClickHouse 18.16: the states (`urlStateSql`) and decoded values of several String or
 * Nullable(String) expressions, as one tuple (states first, then the decoded values). ClickHouse
 * 18.16 evaluates every branch of `if`/`multiIf` on every row, so the regexes and the decoding run
 * in one lambda over a slice of one element, empty unless one of the values holds a `%` or a `+`
 * (as `timestampHintCh` does); an empty slice gives zeros and empty strings. touchpoints pass one
 * value at a time: the five UTM columns in one lambda cost more (2M rows, one thread, load 12-15:
 * 5.8-7.2 s against 3.6-4.8 s, the plain cleaning 2.0-2.3 s), every column's work being done
 * whenever one of them holds a `%` or a `+`.
 */
export function urlPairsCh(exprs: readonly string[]): string {
  const vals = exprs.map((e) => `ifNull(${e}, '')`);
  const guard = `toUInt8(${vals.map((v) => `position(${v}, '%') > 0 OR position(${v}, '+') > 0`).join(' OR ')})`;
  const at = (i: number) => `tupleElement(v, ${i + 1})`;
  const states = exprs.map((_, i) => stateOfCh(trimCh(at(i))));
  const decoded = exprs.map((_, i) => `decodeURLComponent(replaceAll(${at(i)}, '+', ' '))`);
  const input = exprs.length > 1 ? `tuple(${vals.join(', ')})` : `tuple(${vals[0]}, '')`;
  return `arrayElement(arrayMap(v -> tuple(${[...states, ...decoded].join(', ')}), arraySlice([${input}], 1, ${guard})), 1)`;
}

/** ClickHouse: the state of `exprs[i]` from `urlPairsCh(exprs)`. */
export const urlStateOfCh = (pairs: string, i: number): string => `tupleElement(${pairs}, ${i + 1})`;

/** ClickHouse: `exprs[i]` decoded when its state is 1, from `urlPairsCh(exprs)` (untrimmed, as on DuckDB). */
export const urlDecodedOfCh = (pairs: string, exprs: readonly string[], i: number): string =>
  `multiIf(${urlStateOfCh(pairs, i)} = 1, tupleElement(${pairs}, ${exprs.length + i + 1}), ${exprs[i]})`;

/** ClickHouse 18.16: `urlStateSql` of one expression. */
export const urlStateCh = (expr: string): string => urlStateOfCh(urlPairsCh([expr]), 0);

/** ClickHouse 18.16: `urlDecodedSql` of one expression. */
export const urlDecodedCh = (expr: string): string => urlDecodedOfCh(urlPairsCh([expr]), [expr], 0);

/** The `_utm_decoded` bits of the UTM columns' states (`states[i]` the state of `UTM_COLUMNS[i]`). */
export const utmBitsSql = (states: readonly string[]): string =>
  states
    .map((s, i) => `(CASE ${s} WHEN 1 THEN ${1 << i} WHEN 2 THEN ${1 << (i + UNDECODABLE_SHIFT)} ELSE 0 END)`)
    .join(' + ');

/** ClickHouse: `utmBitsSql`. */
export const utmBitsCh = (states: readonly string[]): string =>
  states
    .map((s, i) => `multiIf(${s} = 1, ${1 << i}, ${s} = 2, ${1 << (i + UNDECODABLE_SHIFT)}, 0)`)
    .join(' + ');

/**
 * The pattern of a query parameter's raw value in a URL (`landing_url`): the first `name=` of the
 * query (after the first `?`, before the first `#`, parameters separated by `&`), the name matched
 * ignoring letter case; the value is taken as written (still encoded), up to the next `&` or `#`.
 * The lazy repetition tries the query's parameters in order, so the first occurrence wins (RE2's
 * leftmost-first matching, on DuckDB and on ClickHouse 18.16 alike). The name's letters are
 * classes (`[uU][tT][mM]_…`), not `(?i)`: ClickHouse 18.16 looks for a pattern's literal part
 * before running it, ignoring `(?i)`, so `UTM_Source=` was not found there.
 */
const urlParamPattern = (name: string) => `^[^?#]*[?](?:[^&#]*&)*?${anyCase(name)}=([^&#]*)`;

/** An RE2 pattern of a parameter name (letters, digits, `_`) in any letter case. */
const anyCase = (name: string) => name.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);

/**
 * DuckDB: the raw (still encoded) value of the URL query parameter `name` (a UTM column's name) in
 * `url`, NULL when the URL has no query, no such parameter, or an empty one.
 */
export const urlParamSql = (url: string, name: UtmColumn): string =>
  `NULLIF(regexp_extract(${url}, ${literal(urlParamPattern(name))}, 1), '')`;

/** ClickHouse 18.16: `urlParamSql` (`extract` returns the first group, '' without a match). */
export const urlParamCh = (url: string, name: UtmColumn): string =>
  `nullIf(extract(ifNull(${url}, ''), ${literal(urlParamPattern(name), 'clickhouse')}), '')`;

/**
 * Ad platforms' click ids, and the source and medium a landing URL holding one stands for when the
 * touch has neither a utm_source nor a utm_medium (touchpoints.ts). `fbclid` is not one of them:
 * Facebook adds it to organic links too, so it says nothing of a paid click.
 */
export const CLICK_IDS: readonly (readonly [id: string, source: string, medium: string])[] = [
  ['gclid', 'google', 'cpc'],
  ['wbraid', 'google', 'cpc'],
  ['gbraid', 'google', 'cpc'],
  ['msclkid', 'bing', 'cpc'],
  ['li_fat_id', 'linkedin', 'paid_social'],
  ['ttclid', 'tiktok', 'paid_social'],
];

/** The first click id of `CLICK_IDS` with a value in a URL's query (as `urlParamPattern` reads it). */
const CLICK_ID_PATTERN = `^[^?#]*[?](?:[^&#]*&)*?(${CLICK_IDS.map(([id]) => anyCase(id)).join('|')})=[^&#]`;

/** DuckDB: the first click id (`CLICK_IDS`, lower-cased) with a value in `url`'s query, else ''. */
export const urlClickIdSql = (url: string): string =>
  `lower(regexp_extract(${url}, ${literal(CLICK_ID_PATTERN)}, 1))`;

/** ClickHouse 18.16: `urlClickIdSql`. */
export const urlClickIdCh = (url: string): string =>
  `lowerUTF8(extract(ifNull(${url}, ''), ${literal(CLICK_ID_PATTERN, 'clickhouse')}))`;

/** DuckDB: the source (`which` 1) or medium (2) a click id (`urlClickIdSql`) stands for, else NULL. */
export const clickIdValueSql = (clickId: string, which: 1 | 2): string =>
  `(CASE ${clickId} ${CLICK_IDS.map((c) => `WHEN ${literal(c[0])} THEN ${literal(c[which])}`).join(' ')} END)`;

/** ClickHouse: `clickIdValueSql`. */
export const clickIdValueCh = (clickId: string, which: 1 | 2): string => {
  const lit = (v: string) => literal(v, 'clickhouse');
  return `nullIf(transform(${clickId}, [${CLICK_IDS.map((c) => lit(c[0])).join(', ')}], [${CLICK_IDS.map((c) => lit(c[which])).join(', ')}], ''), '')`;
};

const aliasLists = (aliases: Record<string, string>, dialect: 'duckdb' | 'clickhouse') => {
  const entries = Object.entries(aliases);
  return {
    keys: entries.map(([k]) => literal(k.trim().toLowerCase(), dialect)).join(', '),
    values: entries.map(([, v]) => literal(v, dialect)).join(', '),
  };
};

/**
/** An RE2 pattern matching `s` literally. */
const reLiteral = (s: string) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/**
 * The names and aliases (lower-cased) that hold a separator, longest first, each with its id
 * lower-cased (a key of `aliases` too, and without a separator: gtm.yaml's id pattern).
 */
function namesWithSeparators(aliases: Record<string, string>): [string, string][] {
  const sep = new RegExp(PARTNER_SEPARATORS);
  return Object.entries(aliases)
    .map(([k, id]): [string, string] => [k.trim().toLowerCase(), id.toLowerCase()])
    .filter(([k, id]) => sep.test(k) && !sep.test(id) && aliases[id] === aliases[k])
    .sort(([a], [b]) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `lowered` (a trimmed, lower-cased value) with every name or alias that holds a separator, where
 * it is a whole part (after the start or a separator, before a separator or the end), replaced by
 * its id, so that splitting on the separators leaves it one part. Each name is replaced in two
 * passes: a match takes the separator after it, so a repeated name (`gamma & sons, gamma & sons`)
 * is replaced at every other place in the first pass and at the others in the second.
 */
function protectNames(
  lowered: string,
  aliases: Record<string, string>,
  replace: (v: string, re: string, by: string) => string,
): string {
  let v = lowered;
  for (const [name, id] of namesWithSeparators(aliases)) {
    const re = `(^|${PARTNER_SEPARATORS})${reLiteral(name)}(${PARTNER_SEPARATORS}|$)`;
    for (let pass = 0; pass < 2; pass++) v = replace(v, re, `\\1${id}\\2`);
  }
  return v;
}

/**
 * DuckDB: the canonical partner list a value names (`acme|beta`), or NULL when it does not name
 * two or more partners, each part an id, name or alias (`aliases`: lower-cased alias → id).
 */
export function partnerListSql(expr: string, aliases: Record<string, string>): string {
  if (!Object.keys(aliases).length) return 'CAST(NULL AS VARCHAR)';
  const { keys, values } = aliasLists(aliases, 'duckdb');
  const lowered = protectNames(
    `lower(trim(${expr}))`,
    aliases,
    (v, re, by) => `regexp_replace(${v}, ${literal(re)}, ${literal(by)}, 'g')`,
  );
  const parts = `string_split_regex(${lowered}, ${literal(PARTNER_SEPARATORS)})`;
  const ids = `list_transform(${parts}, lambda x: [${values}][list_position([${keys}], trim(x))])`;
  return `(CASE WHEN regexp_matches(${expr}, ${literal(PARTNER_SEPARATORS)}) AND list_count(${ids}) = len(${parts}) AND len(list_distinct(${ids})) > 1
    THEN array_to_string(list_sort(list_distinct(${ids})), ${literal(PARTNER_LIST_JOINER)}) END)`;
}

/** ClickHouse 18.16: `partnerListSql`, worked out only on values holding a separator (`urlStateCh`). */
export function partnerListCh(expr: string, aliases: Record<string, string>): string {
  if (!Object.keys(aliases).length) return 'CAST(NULL AS Nullable(String))';
  const { keys, values } = aliasLists(aliases, 'clickhouse');
  const lit = (v: string) => literal(v, 'clickhouse');
  const lowered = protectNames(
    `lowerUTF8(${trimCh('v')})`,
    aliases,
    (x, re, by) => `replaceRegexpAll(${x}, ${lit(re)}, ${lit(by)})`,
  );
  const parts = `splitByChar(',', replaceRegexpAll(${lowered}, ${lit(PARTNER_SEPARATORS)}, ','))`;
  const ids = `arrayMap(x -> transform(${trimCh('x')}, [${keys}], [${values}], ''), ${parts})`;
  const list = `if(NOT has(${ids}, '') AND length(arrayDistinct(${ids})) > 1, arrayStringConcat(arraySort(arrayDistinct(${ids})), ${lit(PARTNER_LIST_JOINER)}), '')`;
  // a cheap superset of the separators (any `&`): the split and the lookup decide
  const guard = `toUInt8(${[',', ';', '|', '&'].map((c) => `position(ifNull(${expr}, ''), '${c}') > 0`).join(' OR ')})`;
  return `nullIf(arrayElement(arrayMap(v -> ${list}, arraySlice([ifNull(${expr}, '')], 1, ${guard})), 1), '')`;
}
