import { AttributionInputError } from './attribution-input-error.ts';
import { DEFAULT_PATH_SEPARATOR } from './format-path.ts';
import type { PathRecord } from './types.ts';

export type PathSummaryFormat = 'channelattribution' | 'fractribution';

export interface PathSummaryColumns {
  path?: string;
  conversions?: string;
  value?: string;
  nulls?: string;
}

export interface ParsePathSummaryOptions {
  /** `auto` (default) decides from the header line. */
  format?: 'auto' | PathSummaryFormat;
  /** Between channels inside the path field (default ' > '); channel names are trimmed. */
  separator?: string;
  /** Column names, when they differ from the format's defaults. */
  columns?: PathSummaryColumns;
}

export interface ParsedPathSummary {
  format: PathSummaryFormat;
  /** Columns actually read (value and nulls are absent when the file has none). */
  columns: { path: string; conversions: string; value?: string; nulls?: string };
  records: PathRecord[];
  /** 1-based line of each record in the text. */
  lines: number[];
}

const DEFAULTS: Record<PathSummaryFormat, Required<PathSummaryColumns> & { delimiter: string }> = {
  // ChannelAttribution's Data/PathData
  channelattribution: {
    delimiter: ';',
    path: 'path',
    conversions: 'total_conversions',
    value: 'total_conversion_value',
    nulls: 'total_null',
  },
  // google/fractribution's path summary (revenue appears in its later versions)
  fractribution: {
    delimiter: ',',
    path: 'path',
    conversions: 'total_conversions',
    value: 'revenue',
    nulls: 'total_non_conversions',
  },
};

/**
 * Parses a path summary: ChannelAttribution's `path;total_conversions;total_conversion_value;total_null`
 * (`;`-separated) or fractribution's `path,total_conversions,total_non_conversions` (comma-separated),
 * told apart by the header. Fields may be double-quoted ("" escapes a quote). Errors name the 1-based
 * line and column and say what to do.
 *
 * @example
 * const { records } = parsePathSummary('path;total_conversions;total_conversion_value;total_null\na > b;2;30;5\n');
 * records[0]; // { path: ['a', 'b'], conversions: 2, value: 30, nulls: 5 }
 */
export function parsePathSummary(text: string, options: ParsePathSummaryOptions = {}): ParsedPathSummary {
  const separator = options.separator ?? DEFAULT_PATH_SEPARATOR;
  if (separator.length === 0) {
    throw new AttributionInputError('the channel separator is empty', {
      option: 'separator',
      hint: "use e.g. ' > '",
    });
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) {
    throw new AttributionInputError('the file is empty', {
      line: 1,
      hint: 'give a header line (path;total_conversions;… or path,total_conversions,…) and one line per path',
    });
  }
  const header = lines[headerAt];
  const format =
    options.format && options.format !== 'auto' ? options.format : detectFormat(header, headerAt + 1);
  const defaults = DEFAULTS[format];
  const delimiter = defaults.delimiter;
  const names = splitFields(header, delimiter, headerAt + 1).map((h) => h.trim().toLowerCase());

  const wanted = { ...options.columns };
  const find = (key: keyof PathSummaryColumns, required: boolean): number => {
    const name = (wanted[key] ?? defaults[key]).trim().toLowerCase();
    const i = names.indexOf(name);
    if (i < 0 && (required || wanted[key] !== undefined)) {
      throw new AttributionInputError(`no column "${name}" in the header (${names.join(', ')})`, {
        line: headerAt + 1,
        hint: `rename the column, or name it with the ${key} column option`,
      });
    }
    return i;
  };
  const iPath = find('path', true);
  const iConv = find('conversions', true);
  const iValue = find('value', false);
  const iNulls = find('nulls', false);

  const records: PathRecord[] = [];
  const recordLines: number[] = [];
  for (let l = headerAt + 1; l < lines.length; l++) {
    const line = lines[l];
    if (line.trim() === '') continue;
    const lineNo = l + 1;
    const fields = splitFields(line, delimiter, lineNo);
    if (fields.length !== names.length) {
      throw new AttributionInputError(
        `expected ${names.length} fields separated by "${delimiter}", found ${fields.length}`,
        {
          line: lineNo,
          column: Math.min(fields.length, names.length) + 1,
          hint: `quote fields that contain "${delimiter}", or check the line for a missing or extra separator`,
        },
      );
    }
    const num = (i: number, what: string, allowNegative: boolean): number => {
      const raw = fields[i].trim();
      const x = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(x) || (!allowNegative && x < 0)) {
        throw new AttributionInputError(
          `${names[i]} "${raw}" is not a ${allowNegative ? '' : 'non-negative '}number`,
          { line: lineNo, column: i + 1, hint: `write the ${what} as a plain number like 3 or 12.5` },
        );
      }
      return x;
    };
    records.push({
      path: splitPath(fields[iPath], separator, lineNo, iPath + 1),
      conversions: num(iConv, 'conversions', false),
      value: iValue >= 0 ? num(iValue, 'conversion value', true) : 0,
      nulls: iNulls >= 0 ? num(iNulls, 'non-converting journeys', false) : 0,
    });
    recordLines.push(lineNo);
  }
  return {
    format,
    columns: {
      path: names[iPath],
      conversions: names[iConv],
      ...(iValue >= 0 ? { value: names[iValue] } : {}),
      ...(iNulls >= 0 ? { nulls: names[iNulls] } : {}),
    },
    records,
    lines: recordLines,
  };
}

function detectFormat(header: string, lineNo: number): PathSummaryFormat {
  if (header.includes(';')) return 'channelattribution';
  if (header.includes(',')) return 'fractribution';
  throw new AttributionInputError('cannot tell the format from the header: it has neither ";" nor ","', {
    line: lineNo,
    hint: 'use path;total_conversions;total_conversion_value;total_null (ChannelAttribution) or path,total_conversions,total_non_conversions (fractribution)',
  });
}

/** Splits one line on the delimiter, honouring double quotes ("" inside quotes is a quote). */
function splitFields(line: string, delimiter: string, lineNo: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) {
          throw new AttributionInputError('a quoted field is not closed', {
            line: lineNo,
            column: out.length + 1,
            hint: 'close the quote on the same line (fields cannot span lines); write "" for a quote inside',
          });
        }
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      out.push(value);
      if (j >= line.length) return out;
      if (line[j] !== delimiter) {
        throw new AttributionInputError(`unexpected text after a closing quote`, {
          line: lineNo,
          column: out.length,
          hint: `put "${delimiter}" right after the closing quote`,
        });
      }
      i = j + 1;
      continue;
    }
    const d = line.indexOf(delimiter, i);
    if (d < 0) {
      out.push(line.slice(i));
      return out;
    }
    out.push(line.slice(i, d));
    i = d + 1;
  }
}

function splitPath(field: string, separator: string, lineNo: number, column: number): string[] {
  if (field.trim() === '') return [];
  const parts = field.split(separator);
  for (let i = 0; i < parts.length; i++) {
    parts[i] = parts[i].trim();
    if (parts[i] === '') {
      throw new AttributionInputError(`touch ${i + 1} of the path has no channel name`, {
        line: lineNo,
        column,
        hint: `remove the doubled or trailing "${separator.trim() || separator}", or set the separator the file uses`,
      });
    }
  }
  return parts;
}
