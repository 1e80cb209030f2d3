import {
  PathColumnsParser,
  type ParsedPathColumns,
  type ParsePathSummaryOptions,
} from './path-columns-parser.ts';

const ENCODER = new TextEncoder();

/**
 * Parses a path summary into columns (`PathColumns`): ChannelAttribution's
 * `path;total_conversions;total_conversion_value;total_null` (`;`-separated) or fractribution's
 * `path,total_conversions,total_non_conversions` (comma-separated), told apart by the header.
 * Fields may be double-quoted ("" escapes a quote). Errors name the 1-based line and column and say
 * what to do.
 *
 * One pass over the UTF-8 bytes: channel names are interned to integer codes as they are met (a
 * name becomes a string once, the first time), paths go to one Int32Array of codes with row
 * offsets and the counts to Float64Arrays, so there is no string or array per path or per line.
 * Plain decimals are read from the bytes (giving the double `Number` gives); anything else (quoted
 * fields, exponents, hex, Unicode whitespace) takes the string route for that field or line, with
 * the same result. Input: text, UTF-8 bytes, or chunks of bytes (see `PathColumnsParser` to push
 * them one at a time). O(bytes).
 *
 * @example
 * const { paths } = parsePathColumns('path;total_conversions;total_conversion_value;total_null\na > b;2;30;5\n');
 * paths.channels; // ['a', 'b']
 * [...paths.codes]; // [0, 1]
 */
export function parsePathColumns(
  input: Uint8Array | string | Iterable<Uint8Array>,
  options: ParsePathSummaryOptions = {},
): ParsedPathColumns {
  const bytes = typeof input === 'string' ? ENCODER.encode(input) : input;
  const single = bytes instanceof Uint8Array;
  const parser = new PathColumnsParser(single ? { ...options, sizeHint: bytes.length } : options);
  if (single) parser.push(bytes);
  else for (const chunk of bytes) parser.push(chunk);
  return parser.finish();
}
