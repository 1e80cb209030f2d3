import { literal } from '../sql-text.ts';

/**
 * The characters trimmed from either end of a text value: DuckDB `trim`'s own (the Unicode space
 * separators, category Zs: U+0020, U+00A0, U+1680, U+2000–U+200A, U+202F, U+205F, U+3000), the
 * tab and the carriage return, and the invisible format characters exports and copy-paste leave
 * around values (U+200B zero-width space, U+2060 word joiner, U+FEFF byte order mark). An id
 * exported as `M100009\t`, `M100009\r` or `u042\u200b` is the id `M100009` or `u042`: before,
 * such a value stayed a different id, matched nothing, and its rows dropped out of every join
 * without a word. The line feed, vertical tab and form feed are data, as every other control: a
 * quoted multi-line note keeps its last line break, and each ASCII control of the set costs every
 * clean value one more test (`nothingToTrim`: ~2 ns, ~1 s of CPU over 50M decisions' columns).
 */
export const TRIM_CHARACTERS: readonly number[] = [
  0x09, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
  0x2009, 0x200a, 0x200b, 0x202f, 0x205f, 0x2060, 0x3000, 0xfeff,
];

// the ASCII controls written with chr(), so that no control character is in the SQL text (DuckDB
// folds the constant once); the other characters as they are
const TRIM_SET = `(${[
  ...TRIM_CHARACTERS.filter((c) => c < 0x20).map((c) => `chr(${c})`),
  literal(String.fromCodePoint(...TRIM_CHARACTERS.filter((c) => c >= 0x20))),
].join(' || ')})`;
/** The ASCII characters of the set, each of which may end a value of the fast path below. */
const ASCII_ENDS = TRIM_CHARACTERS.filter((c) => c < 0x80).map((c) => (c === 0x20 ? "' '" : `chr(${c})`));

/**
 * True (in SQL) of a value with nothing to trim that needs no decoding to show it: its first byte a
 * printable ASCII character other than a space, only ASCII (as many bytes as characters), and no
 * space, tab or carriage return at its end. Three `ends_with` and a length cost ~20 ns a value;
 * `trim(x, TRIM_CHARACTERS)` ~800 ns (DuckDB tests each end character against the 25 of the set),
 * `trim(x)` ~50 ns.
 */
function nothingToTrim(expr: string): string {
  const ends = ASCII_ENDS.map((c) => `NOT ends_with(${expr}, ${c})`).join(' AND ');
  return `${expr} >= '!' AND ${ends} AND strlen(${expr}) = length(${expr})`;
}

/**
 * `trim(x)` of `TRIM_CHARACTERS` (NULL stays NULL, an empty result stays ''), the set's trim only
 * for values that may need it (`nothingToTrim`): on 20M ASCII tokens 0.5 s of CPU against 16 s
 * for the set's trim of every value. An `expr` other than a column is computed once (`once`).
 */
export const trimSql = (expr: string): string =>
  once(expr, (v) => `CASE WHEN ${nothingToTrim(v)} THEN ${v} ELSE trim(${v}, ${TRIM_SET}) END`);

/** A column, bare or quoted, maybe qualified by a table alias. */
const NAME = String.raw`(?:(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"]|"")+")\.)?(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"]|"")+")`;
/** Cheap to repeat: a column, or a column cast to text (a no-op cast on a text column). */
const COLUMN = new RegExp(String.raw`^(?:${NAME}|CAST\(${NAME} AS VARCHAR\))$`, 'i');

/** True of a column (bare, quoted or qualified, maybe cast to text): cheap to name again and again. */
export const isColumnSql = (expr: string): boolean => COLUMN.test(expr.trim());

/**
 * `f(expr)` with `expr` written once: a column as it is, any other expression bound to a lambda
 * parameter (`list_transform([expr], lambda __v: f(__v))[1]`, ~20 ns a value more). The fast paths
 * name their value ten times: a value map over a mapped UTM value (touchpoints' partner) would
 * otherwise bind hundreds of copies of the inner expression. A nested one shadows the parameter.
 */
function once(expr: string, f: (v: string) => string): string {
  return isColumnSql(expr) ? f(expr) : `list_transform([${expr}], lambda __v: ${f('__v')})[1]`;
}

/**
 * `NULLIF(trim(x, TRIM_CHARACTERS), '')` — text trimmed, an empty string as NULL — at a fraction
 * of its cost on millions of rows. Trimming decodes the first and last characters to test them
 * against the set, which costs more than reading the column: a value that starts with a printable
 * ASCII character other than a space (its first byte at least `!`), holds only ASCII (as many
 * bytes as characters) and does not end with a space or an ASCII control of the set has nothing
 * to trim and is kept as it is; any other value (empty, padded, non-ASCII, a control character
 * first) goes through `trim`. An `expr` other than a column is computed once (`once`).
 *
 * @example trimmedSql('"user_agent"') // '\tAna\u200b' → 'Ana', '  ' → NULL
 */
export function trimmedSql(expr: string): string {
  return once(
    expr,
    (v) => `CASE WHEN ${nothingToTrim(v)} THEN ${v} ELSE NULLIF(trim(${v}, ${TRIM_SET}), '') END`,
  );
}
