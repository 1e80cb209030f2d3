/**
 * What a blank channel is, in one place for every engine path of `attribute --touchpoints`: a text
 * made only of Unicode space separators (category Zs: the space, the no-break space U+00A0, U+1680,
 * U+2000–U+200A, U+202F, U+205F, U+3000). That is what DuckDB's `trim()` removes, so the check scan's
 * `trim(channel) = ''` (`distinctChannelsSql`) is the reference; a tab, a zero-width space or a BOM
 * (U+FEFF) is not a space separator and stays a channel of its own, as there. The Parquet statistics
 * proof (`parquetTouchChecks`) declines when a channel could start with one of these characters, and
 * ClickHouse matches the same list (`blankChannel`).
 */
export const BLANK_CHANNEL_CODE_POINTS: readonly number[] = [
  0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x202f, 0x205f, 0x3000,
];

/**
 * A regular expression matching a text made only of those characters (or empty). Written as an
 * alternation of the characters themselves, never as a class or `\x` escapes, so that it matches
 * the same whether the engine reads the pattern as UTF-8 or as bytes (ClickHouse's re2).
 */
export const BLANK_CHANNEL_PATTERN = `^(?:${BLANK_CHANNEL_CODE_POINTS.map((c) => String.fromCodePoint(c)).join('|')})*$`;
