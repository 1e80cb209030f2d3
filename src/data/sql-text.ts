/**
 * The one module that quotes identifiers and escapes values (STYLE.md practice 4). Everything that
 * reaches an engine as text passes through here, so an injection bug has one place to live.
 *
 * DuckDB follows standard SQL: `"ident"` with `""` doubling and `'text'` with `''` doubling;
 * backslashes are ordinary characters. ClickHouse treats the backslash as an escape character
 * inside both quoted identifiers and string literals, so its variant escapes `\` and the quote
 * with a backslash. ClickHouse 18.16 has no query parameters, so escaping is the only option there.
 */
import { GtmError } from '../errors/index.ts';
import type { Dialect } from './engine.ts';

/** A value `literal` can render. Arrays render as a parenthesised list for `IN (...)`. */
export type SqlValue = SqlScalar | readonly SqlScalar[];
/** A single value: text, number, integer, boolean, NULL or a timestamp. */
export type SqlScalar = string | number | bigint | boolean | null | undefined | Date;

type Part =
  | { kind: 'raw'; text: string }
  | { kind: 'ident'; names: readonly string[] }
  | { kind: 'value'; value: SqlValue };

/**
 * A piece of SQL text that renders for a dialect. `toString()` renders DuckDB SQL, so fragments
 * also work in plain template literals.
 *
 * @example
 * const q = sql`SELECT * FROM ${ident('events')} WHERE email = ${"o'brien@x.io"}`;
 * q.render('duckdb');     // SELECT * FROM "events" WHERE email = 'o''brien@x.io'
 * q.render('clickhouse'); // SELECT * FROM "events" WHERE email = 'o\'brien@x.io'
 */
export class Sql {
  /** @internal use `sql`, `raw`, `ident` or `qualified`. */
  constructor(private readonly parts: readonly Part[]) {}

  render(dialect: Dialect = 'duckdb'): string {
    let out = '';
    for (const part of this.parts) {
      if (part.kind === 'raw') out += part.text;
      else if (part.kind === 'ident') out += part.names.map((n) => quoteIdent(n, dialect)).join('.');
      else out += literal(part.value, dialect);
    }
    return out;
  }

  toString(): string {
    return this.render('duckdb');
  }

  /** @internal lets `sql` splice fragments without re-rendering them. */
  get fragments(): readonly Part[] {
    return this.parts;
  }
}

/**
 * Trusted SQL text, spliced verbatim. Never pass user input here.
 *
 * @example
 * sql`SELECT count(*) FROM t ${raw('ORDER BY 1')}`;
 */
export function raw(text: string): Sql {
  return new Sql([{ kind: 'raw', text }]);
}

/**
 * A quoted identifier: `ident('my "col"')` renders `"my ""col"""` on DuckDB and
 * `"my \"col\""` on ClickHouse.
 *
 * @example
 * `SELECT ${ident('Deal Amount')} FROM t`; // SELECT "Deal Amount" FROM t
 */
export function ident(name: string): Sql {
  checkIdent(name);
  return new Sql([{ kind: 'ident', names: [name] }]);
}

/**
 * A qualified name such as `schema.table`, each part quoted.
 *
 * @example
 * `SELECT * FROM ${qualified('crm', 'deals')}`; // SELECT * FROM "crm"."deals"
 */
export function qualified(...names: string[]): Sql {
  if (names.length === 0) throw new GtmError('INTERNAL', 'qualified() needs at least one name');
  names.forEach(checkIdent);
  return new Sql([{ kind: 'ident', names }]);
}

/**
 * A value as a SQL literal. Strings are quoted and escaped, numbers must be finite, `Date` becomes
 * a UTC timestamp, `null`/`undefined` become `NULL`, arrays become `(a, b, c)` for `IN` lists (an
 * empty array becomes `(NULL)`, which matches nothing).
 *
 * @example
 * literal("it's");                       // 'it''s'
 * literal("it's", 'clickhouse');         // 'it\'s'
 * literal(new Date(0));                  // TIMESTAMP '1970-01-01 00:00:00.000'
 * literal(['a', 'b']);                   // ('a', 'b')
 */
export function literal(value: SqlValue, dialect: Dialect = 'duckdb'): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '(NULL)';
    return `(${value.map((v: unknown) => scalarLiteral(v, dialect)).join(', ')})`;
  }
  return scalarLiteral(value, dialect);
}

/**
 * Tagged template for SQL: interpolated values are escaped as literals, `Sql` fragments (`ident`,
 * `qualified`, `raw`, nested `sql`) are spliced. Returns an `Sql`; call `.render(dialect)`.
 *
 * @example
 * const min = 100;
 * sql`SELECT ${ident('partner')} FROM deals WHERE amount >= ${min} AND stage IN ${['won', 'open']}`
 *   .render(); // SELECT "partner" FROM deals WHERE amount >= 100 AND stage IN ('won', 'open')
 */
export function sql(strings: TemplateStringsArray, ...values: readonly (SqlValue | Sql)[]): Sql {
  const parts: Part[] = [];
  strings.forEach((text, i) => {
    if (text !== '') parts.push({ kind: 'raw', text });
    if (i < values.length) {
      const v = values[i];
      if (v instanceof Sql) parts.push(...v.fragments);
      else parts.push({ kind: 'value', value: v });
    }
  });
  return new Sql(parts);
}

/** Joins fragments with a separator (default `, `), e.g. a column list. */
export function joinSql(items: readonly (Sql | SqlValue)[], separator = ', '): Sql {
  const parts: Part[] = [];
  items.forEach((item, i) => {
    if (i > 0) parts.push({ kind: 'raw', text: separator });
    if (item instanceof Sql) parts.push(...item.fragments);
    else parts.push({ kind: 'value', value: item });
  });
  return new Sql(parts);
}

/** Quotes one identifier for a dialect; exported for callers that build names as strings. */
export function quoteIdent(name: string, dialect: Dialect = 'duckdb'): string {
  checkIdent(name);
  if (dialect === 'clickhouse') return `"${backslashEscape(name, '"')}"`;
  return `"${name.replaceAll('"', '""')}"`;
}

/** Escapes a string as a single-quoted literal for a dialect. */
export function quoteString(text: string, dialect: Dialect = 'duckdb'): string {
  if (text.includes('\0')) {
    throw new GtmError('DATA', 'a text value contains a NUL character, which SQL text cannot carry', {
      hint: 'remove NUL bytes from the input',
    });
  }
  if (dialect === 'clickhouse') return `'${backslashEscape(text, "'")}'`;
  return `'${text.replaceAll("'", "''")}'`;
}

function scalarLiteral(value: unknown, dialect: Dialect): string {
  if (value === null || value === undefined) return 'NULL';
  switch (typeof value) {
    case 'string':
      return quoteString(value, dialect);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new GtmError(
          'INTERNAL',
          `cannot write ${value} as a SQL literal: only finite numbers are allowed`,
        );
      }
      // Negative numbers are parenthesised so `a-${x}` can never form a `--` comment.
      return value < 0 || Object.is(value, -0) ? `(${String(value)})` : String(value);
    case 'bigint':
      return value < 0n ? `(${value.toString()})` : value.toString();
    case 'boolean':
      return dialect === 'clickhouse' ? (value ? '1' : '0') : value ? 'TRUE' : 'FALSE';
    case 'object':
      if (value instanceof Date) return timestampLiteral(value, dialect);
      break;
  }
  if (Array.isArray(value)) throw new GtmError('INTERNAL', 'nested arrays cannot be written as SQL literals');
  throw new GtmError('INTERNAL', `cannot write a value of type ${typeof value} as a SQL literal`);
}

function timestampLiteral(date: Date, dialect: Dialect): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new GtmError('INTERNAL', 'cannot write an invalid Date as a SQL literal');
  const text = date.toISOString().replace('T', ' ').replace('Z', '');
  if (dialect === 'clickhouse') return `toDateTime64('${text}', 3, 'UTC')`;
  return `TIMESTAMP '${text}'`;
}

function backslashEscape(text: string, quote: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll(quote, `\\${quote}`);
}

function checkIdent(name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('\0')) {
    throw new GtmError('INTERNAL', `invalid SQL identifier ${JSON.stringify(name)}`);
  }
}
