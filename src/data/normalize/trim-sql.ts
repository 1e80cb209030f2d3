/**
 * `NULLIF(trim(x), '')` — text trimmed, an empty string as NULL — at a fraction of its cost on
 * millions of rows. DuckDB's `trim` decodes the first and last characters to test them against the
 * Unicode space separators, which costs more than reading the column: a value that starts with a
 * printable ASCII character other than a space (its first byte at least `!`), holds only ASCII
 * (as many bytes as characters) and does not end with a space has nothing to trim and is kept as
 * it is; any other value (empty, padded, non-ASCII, a control character first) goes through `trim`.
 * `expr` is repeated: pass a column or a cheap expression (common subexpressions are computed once).
 *
 * @example trimmedSql('"user_agent"') // same values as NULLIF(trim("user_agent"), '')
 */
export function trimmedSql(expr: string): string {
  return `CASE WHEN ${expr} >= '!' AND NOT ends_with(${expr}, ' ') AND strlen(${expr}) = length(${expr}) THEN ${expr} ELSE NULLIF(trim(${expr}), '') END`;
}
