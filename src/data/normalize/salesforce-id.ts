/**
 * Salesforce record ids in their two forms. A record's id is 15 characters of `[0-9A-Za-z]`,
 * case-sensitive (reports, the UI, URLs: `0013k00002crTPa`), or the same 15 followed by 3
 * characters that spell the letter case of the 15, case-insensitive (the API, Data Loader, most
 * integrations and warehouse syncs: `0013k00002crTPaAAM`).
 *
 * The 3 characters: the 15 are read as 3 chunks of 5; in each chunk the i-th character (from 0)
 * adds 2^i when it is an upper-case letter `A`–`Z`; the chunk's sum (0–31) is the character at that
 * position of `ABCDEFGHIJKLMNOPQRSTUVWXYZ012345`. (Salesforce's CASESAFEID() gives this form.)
 */
import { literal } from '../sql-text.ts';

/** The 32 characters of the suffix, by the value of a chunk's case bits. */
export const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

const ID15 = /^[0-9A-Za-z]{15}$/;
const ID18 = /^[0-9A-Za-z]{18}$/;

/** The 3-character suffix of a 15-character id (`ID15`): the case bits of its three chunks. */
export function salesforceIdSuffix(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i];
      if (c >= 'A' && c <= 'Z') bits += 1 << i;
    }
    out += SUFFIX_ALPHABET[bits];
  }
  return out;
}

/** Whether a value is 15 characters of `[0-9A-Za-z]` (the case-sensitive form). */
export const isSalesforceId15 = (v: string): boolean => ID15.test(v);

/**
 * Whether a value is an 18-character Salesforce id as the API writes it: 18 characters of
 * `[0-9A-Za-z]` whose last 3 are the suffix of the first 15 (letter case as written).
 */
export const isSalesforceId18 = (v: string): boolean =>
  ID18.test(v) && v.slice(15) === salesforceIdSuffix(v.slice(0, 15));

/**
 * The 18-character form of a 15-character id (an 18-character id as the API writes it is returned
 * as it is); anything else is returned unchanged: it is no Salesforce id.
 */
export function salesforceId18(v: string): string {
  return isSalesforceId15(v) ? v + salesforceIdSuffix(v) : v;
}

type Dialect = 'duckdb' | 'clickhouse';

/** The suffix of a 15-character text expression `v`, as a DuckDB or ClickHouse expression. */
export function salesforceIdSuffixSql(v: string, dialect: Dialect): string {
  const ch = dialect === 'clickhouse';
  const at = (p: number) => (ch ? `substring(${v}, ${p}, 1)` : `substr(${v}, ${p}, 1)`);
  const chunk = (k: number) =>
    [0, 1, 2, 3, 4]
      .map((i) => {
        const c = at(k * 5 + i + 1);
        return ch
          ? `if(${c} >= 'A' AND ${c} <= 'Z', ${1 << i}, 0)`
          : `(CASE WHEN ${c} BETWEEN 'A' AND 'Z' THEN ${1 << i} ELSE 0 END)`;
      })
      .join(' + ');
  // ClickHouse 18.16 takes a non-constant index into a constant array (its substring's offset
  // must be constant there); DuckDB indexes a list the same way (1-based)
  const alphabet = `[${[...SUFFIX_ALPHABET].map((c) => literal(c, dialect)).join(', ')}]`;
  const char = (k: number) => `${alphabet}[1 + ${chunk(k)}]`;
  return ch ? `concat(${[0, 1, 2].map(char).join(', ')})` : [0, 1, 2].map(char).join(' || ');
}

/** Whether the text expression `v` is 15 characters of `[0-9A-Za-z]`. */
export const isSalesforceId15Sql = (v: string, dialect: Dialect): string =>
  dialect === 'clickhouse'
    ? `match(ifNull(${v}, ''), '^[0-9A-Za-z]{15}$')`
    : `regexp_full_match(${v}, '[0-9A-Za-z]{15}')`;

/** Whether the text expression `v` is an 18-character id as the API writes it (`isSalesforceId18`). */
export function isSalesforceId18Sql(v: string, dialect: Dialect): string {
  if (dialect === 'clickhouse') {
    const s = `ifNull(${v}, '')`;
    return `(match(${s}, '^[0-9A-Za-z]{18}$') AND substring(${s}, 16, 3) = ${salesforceIdSuffixSql(s, dialect)})`;
  }
  return `(regexp_full_match(${v}, '[0-9A-Za-z]{18}') AND substr(${v}, 16, 3) = ${salesforceIdSuffixSql(v, dialect)})`;
}

/**
 * `salesforceId18` in SQL: the text expression `v` (trimmed, NULL when empty) with its suffix when
 * it is 15 characters of `[0-9A-Za-z]`, else as it is (NULL stays NULL).
 */
export function toSalesforceId18Sql(v: string, dialect: Dialect): string {
  if (dialect === 'clickhouse') {
    const s = `ifNull(${v}, '')`;
    // (NULL as '' and back: ClickHouse 18.16 refuses an if() of a String and a Nullable(String))
    return `nullIf(if(${isSalesforceId15Sql(v, dialect)}, concat(${s}, ${salesforceIdSuffixSql(s, dialect)}), ${s}), '')`;
  }
  return `(CASE WHEN ${isSalesforceId15Sql(v, dialect)} THEN ${v} || ${salesforceIdSuffixSql(v, dialect)} ELSE ${v} END)`;
}
