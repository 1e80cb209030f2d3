import { literal, quoteIdent as ident } from '../sql-text.ts';
import { cleanTextSql, trimmedSql, trimSql, valueMapSql } from '../normalize/index.ts';
import type { DateOrder } from '../normalize/parse-sql.ts';
import { toSalesforceId18Sql } from '../normalize/salesforce-id.ts';
import type { NormalizeSettings, SourceBinding } from './entity-spec.ts';

/** A canonical column of the source as VARCHAR (NULL when the source has none). */
export const col = (b: SourceBinding, name: string): string => {
  const c = b.columns[name];
  return c ? `CAST(${ident(c)} AS VARCHAR)` : 'CAST(NULL AS VARCHAR)';
};

/**
 * The order of day and month a canonical column's slash dates are read in: the source's
 * `date_order`, else the one inferred for the column from its values (`dateOrders`), else `mdy`.
 */
export const dateOrderOf = (b: SourceBinding, name: string): DateOrder =>
  b.dateOrder ?? b.dateOrders?.[name] ?? 'mdy';

/**
 * Engine types that hold no text (DuckDB's names): a column of one cannot hold its own name, and
 * its text form has nothing to trim and is never empty.
 */
export const NON_TEXT_TYPE =
  /^(TIMESTAMP.*|DATE|TIME.*|INTERVAL|DOUBLE|FLOAT|REAL|DECIMAL.*|U?(BIG|SMALL|TINY|HUGE)?INT(EGER)?|BOOLEAN)$/;

/**
 * Trimmed text with empty strings as NULL (`trimmedSql`: spaces, tabs, zero-width characters). A
 * typed column (a Parquet timestamp, a number) is only cast: its text has nothing to trim, and the
 * shortcut's tests cost ~25 ns a value (~1.2 s of CPU over 50M decisions' times).
 */
export const text = (b: SourceBinding, name: string): string => {
  const c = b.columns[name];
  const type = c === undefined ? undefined : b.columnTypes?.[c]?.toUpperCase().trim();
  return type !== undefined && NON_TEXT_TYPE.test(type) ? col(b, name) : trimmedSql(col(b, name));
};

/**
 * A CRM id column as text (`text`), its 15-character values in their Salesforce 18-character form
 * when the binding says so (`salesforceIds`, salesforce-ids.ts); otherwise the very SQL of `text`.
 */
export const idText = (b: SourceBinding, name: string): string =>
  b.salesforceIds?.includes(name) ? toSalesforceId18Sql(text(b, name), 'duckdb') : text(b, name);

/** A value that is its own token: lower-case ASCII letters, digits and `_`, at least one. */
export const TOKEN_PATTERN = '[a-z0-9_]+';

/**
 * Trimmed (`trimSql`), lower-cased, spaces and hyphens turned into `_` ("Deal Registration" →
 * deal_registration; `paid\t` → paid).
 *
 * A value already in that form (`TOKEN_PATTERN`: the common case, an export's `email` or
 * `granted`) is taken as it is: `regexp_replace(lower(trim(…)))` builds a new string per row,
 * ~10 ns a row more than the pattern's test (50M decisions: 0.3 s a token column, each pass).
 */
export const tokenSql = (expr: string): string =>
  `CASE WHEN regexp_full_match(${expr}, '${TOKEN_PATTERN}') THEN ${expr} ELSE NULLIF(regexp_replace(lower(${trimSql(expr)}), '[\\s-]+', '_', 'g'), '') END`;

/** The bookkeeping columns every normalized row carries, for citing its source and row. */
export const bookkeeping = (b: SourceBinding): string =>
  `${literal(b.source)} AS _source, ${Number(b.priority)} AS _priority, source_file AS _file, source_row AS _row`;

/** Resolves a partner from the explicit value, then utm_source, then the source's default. */
export function partnerSql(b: SourceBinding, s: NormalizeSettings, utmSource: string | null): string {
  const candidates = [valueMapSql(col(b, 'partner'), s.partnerAliases, 'null')];
  if (utmSource) candidates.push(valueMapSql(utmSource, s.partnerAliases, 'null'));
  if (b.defaultPartner)
    candidates.push(literal(s.partnerAliases[b.defaultPartner.trim().toLowerCase()] ?? b.defaultPartner));
  // an explicit partner name we do not know stays visible (lower-cased) rather than vanishing
  candidates.push(cleanTextSql(col(b, 'partner')));
  return `COALESCE(${candidates.join(', ')})`;
}
