import { parsePathColumns } from './parse-path-columns.ts';
import type { ParsePathSummaryOptions, PathSummaryFormat } from './path-columns-parser.ts';
import { recordsFromColumns } from './records-from-columns.ts';
import type { PathRecord } from './types.ts';

export type {
  ParsePathSummaryOptions,
  PathSummaryColumns,
  PathSummaryFormat,
} from './path-columns-parser.ts';

export interface ParsedPathSummary {
  format: PathSummaryFormat;
  /** Columns actually read (value and nulls are absent when the file has none). */
  columns: { path: string; conversions: string; value?: string; nulls?: string };
  records: PathRecord[];
  /** 1-based line of each record in the text. */
  lines: number[];
}

/**
 * Parses a path summary into path records: ChannelAttribution's
 * `path;total_conversions;total_conversion_value;total_null` (`;`-separated) or fractribution's
 * `path,total_conversions,total_non_conversions` (comma-separated), told apart by the header.
 * Fields may be double-quoted ("" escapes a quote). Errors name the 1-based line and column and say
 * what to do. Large files are better read with `parsePathColumns`, which builds no object per path.
 *
 * @example
 * const { records } = parsePathSummary('path;total_conversions;total_conversion_value;total_null\na > b;2;30;5\n');
 * records[0]; // { path: ['a', 'b'], conversions: 2, value: 30, nulls: 5 }
 */
export function parsePathSummary(text: string, options: ParsePathSummaryOptions = {}): ParsedPathSummary {
  const parsed = parsePathColumns(text, options);
  return {
    format: parsed.format,
    columns: parsed.columns,
    records: recordsFromColumns(parsed.paths),
    lines: Array.from(parsed.lines),
  };
}
