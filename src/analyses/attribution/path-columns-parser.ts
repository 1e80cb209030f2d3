import { AttributionInputError } from './attribution-input-error.ts';
import { ChannelInterner, FNV_OFFSET, FNV_PRIME } from './channel-interner.ts';
import { DEFAULT_PATH_SEPARATOR } from './format-path.ts';
import type { PathColumns } from './types.ts';

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
  /**
   * Total input size in bytes when the input comes in chunks (e.g. the file size), so the columns
   * are allocated once at about the right size instead of grown.
   */
  sizeHint?: number;
}

export interface ParsedPathColumns {
  format: PathSummaryFormat;
  /** Columns actually read (value and nulls are absent when the file has none). */
  columns: { path: string; conversions: string; value?: string; nulls?: string };
  paths: PathColumns;
  /** 1-based line of each row in the text. */
  lines: Int32Array;
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

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder('utf-8', { ignoreBOM: true });
const NEWLINE = 10;
const CR = 13;
const QUOTE = 34;
/** 10^k, exact as doubles up to k = 22. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * A path-summary parser fed chunk by chunk (e.g. a file read into one reused buffer), so the
 * whole input never has to sit in memory; `parsePathColumns` is the one-call form and documents the
 * format. A line may run across chunks; a chunk may be reused by the caller once `push` returns.
 *
 * @example
 * const parser = new PathColumnsParser({ sizeHint: 55 });
 * parser.push(new TextEncoder().encode('path;total_conversions;total_conversion_value;total_null\na > '));
 * parser.push(new TextEncoder().encode('b;2;30;5\n'));
 * parser.finish().paths.rows; // 1
 */
export class PathColumnsParser {
  private readonly reader: SummaryReader;
  /** A line that runs across chunks is gathered here; every other line is read in place. */
  private carry = new Uint8Array(256);
  private carryLen = 0;

  constructor(options: ParsePathSummaryOptions = {}) {
    const separator = options.separator ?? DEFAULT_PATH_SEPARATOR;
    if (separator.length === 0) {
      throw new AttributionInputError('the channel separator is empty', {
        option: 'separator',
        hint: "use e.g. ' > '",
      });
    }
    this.reader = new SummaryReader(options, separator, options.sizeHint ?? 0);
  }

  push(raw: Uint8Array): void {
    const reader = this.reader;
    // One array class at the hot sites (a Buffer is a Uint8Array subclass).
    const chunk =
      raw.constructor === Uint8Array ? raw : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, pos);
      const stop = nl < 0 ? chunk.length : nl;
      if (this.carryLen > 0 || nl < 0) {
        const len = this.carryLen + stop - pos;
        if (len > this.carry.length) {
          const bigger = new Uint8Array(Math.max(this.carry.length * 2, len));
          bigger.set(this.carry.subarray(0, this.carryLen));
          this.carry = bigger;
        }
        this.carry.set(chunk.subarray(pos, stop), this.carryLen);
        this.carryLen = len;
        if (nl < 0) return;
        reader.line(this.carry, 0, len, true);
        this.carryLen = 0;
      } else {
        reader.line(chunk, pos, stop, true);
      }
      pos = nl + 1;
    }
  }

  /** Reads the last line and returns the columns; throws when there was no header. */
  finish(): ParsedPathColumns {
    this.reader.line(this.carry, 0, this.carryLen, false);
    this.carryLen = 0;
    return this.reader.finish();
  }
}

/** Splits lines into the header and the data rows (`line` sees each line once, terminator excluded). */
class SummaryReader {
  private lineNo = 0;
  private rows: RowParser | null = null;
  private format: PathSummaryFormat = 'channelattribution';
  private layout: Layout | null = null;

  constructor(
    private readonly options: ParsePathSummaryOptions,
    private readonly separator: string,
    private readonly size: number,
  ) {}

  line(bytes: Uint8Array, from: number, to: number, newline: boolean): void {
    const lineNo = ++this.lineNo;
    // As /\r?\n/ splits: a CR belongs to the terminator only right before a LF.
    if (newline && to > from && bytes[to - 1] === CR) to--;
    if (
      lineNo === 1 &&
      to - from >= 3 &&
      bytes[from] === 0xef &&
      bytes[from + 1] === 0xbb &&
      bytes[from + 2] === 0xbf
    )
      from += 3;
    if (this.rows) {
      this.rows.line(bytes, from, to, lineNo);
      return;
    }
    if (isBlank(bytes, from, to)) return;
    this.header(DECODER.decode(bytes.subarray(from, to)), lineNo);
  }

  finish(): ParsedPathColumns {
    if (!this.rows || !this.layout) {
      throw new AttributionInputError('the file is empty', {
        line: 1,
        hint: 'give a header line (path;total_conversions;… or path,total_conversions,…) and one line per path',
      });
    }
    const { names, iPath, iConv, iValue, iNulls } = this.layout;
    return {
      format: this.format,
      columns: {
        path: names[iPath],
        conversions: names[iConv],
        ...(iValue >= 0 ? { value: names[iValue] } : {}),
        ...(iNulls >= 0 ? { nulls: names[iNulls] } : {}),
      },
      ...this.rows.finish(),
    };
  }

  private header(header: string, headerLine: number): void {
    const options = this.options;
    const format =
      options.format && options.format !== 'auto' ? options.format : detectFormat(header, headerLine);
    const defaults = DEFAULTS[format];
    const delimiter = defaults.delimiter;
    const names = splitFields(header, delimiter, headerLine).map((h) => h.trim().toLowerCase());
    const wanted = { ...options.columns };
    const find = (key: keyof PathSummaryColumns, required: boolean): number => {
      const name = (wanted[key] ?? defaults[key]).trim().toLowerCase();
      const i = names.indexOf(name);
      if (i < 0 && (required || wanted[key] !== undefined)) {
        throw new AttributionInputError(`no column "${name}" in the header (${names.join(', ')})`, {
          line: headerLine,
          hint: `rename the column, or name it with the ${key} column option`,
        });
      }
      return i;
    };
    const iPath = find('path', true);
    const iConv = find('conversions', true);
    const iValue = find('value', false);
    const iNulls = find('nulls', false);
    this.format = format;
    this.layout = { names, delimiter, separator: this.separator, iPath, iConv, iValue, iNulls };
    this.rows = new RowParser(this.layout, this.size);
  }
}

interface Layout {
  names: string[];
  delimiter: string;
  separator: string;
  iPath: number;
  iConv: number;
  iValue: number;
  iNulls: number;
}

/** Reads data lines into the columns: the fast byte route, or the string route for odd lines. */
class RowParser {
  private readonly interner = new ChannelInterner();
  private readonly delim: number;
  private readonly sep: Uint8Array;
  private readonly fieldStart: Int32Array;
  private readonly fieldEnd: Int32Array;
  /**
   * Whether the path field is read in the same pass that finds its end (see `scanPath`): not when
   * the separator holds the delimiter or is all whitespace, where splitting first is what decides.
   */
  private readonly fused: boolean;
  /** The first blank touch `scanPath` met on this line (1-based), or 0. */
  private blankTouch = 0;
  /**
   * The separator's symbol when the separator is spaced (`>` of ' > '), else ''. Channel names are
   * trimmed, so a name that starts or ends with it, or has it next to a space, is an empty step
   * whose separator was spaced differently (`a > > b`, `a >> b`, `> a`, `a >`).
   */
  private readonly core: string;
  private readonly strayCore: RegExp | null;
  /** Channel names already checked for a stray separator symbol (names are only ever appended). */
  private checkedNames = 0;
  private rows = 0;
  private touches = 0;
  private offsets: Int32Array;
  private codes: Int32Array;
  private conv: Float64Array;
  private value: Float64Array;
  private nulls: Float64Array;
  private lines: Int32Array;

  /** The line being read (a chunk of the input, or the carry buffer). */
  private bytes: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly layout: Layout,
    size: number,
  ) {
    this.delim = layout.delimiter.charCodeAt(0);
    this.sep = ENCODER.encode(layout.separator);
    this.fused = !this.sep.includes(this.delim) && layout.separator.trim() !== '';
    const core = layout.separator.trim();
    this.core = core !== '' && core !== layout.separator ? core : '';
    const esc = this.core.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.strayCore = this.core ? new RegExp(`(?:^|\\s)${esc}|${esc}(?:\\s|$)`) : null;
    this.fieldStart = new Int32Array(layout.names.length);
    this.fieldEnd = new Int32Array(layout.names.length);
    // Sized from the input once (summaries run ~40-100 bytes per line and ≥ 6 bytes per touch),
    // since every copy on growth writes fresh pages, the main cost at this size; unwritten pages of
    // a generous estimate cost nothing.
    const rows = Math.max(1024, Math.ceil(size / 40));
    this.offsets = new Int32Array(rows + 1);
    this.codes = new Int32Array(Math.max(8192, Math.ceil(size / 6)));
    this.conv = new Float64Array(rows);
    this.value = new Float64Array(rows);
    this.nulls = new Float64Array(rows);
    this.lines = new Int32Array(rows);
  }

  /** One line `bytes[from..to)` (line terminator excluded). */
  line(bytes: Uint8Array, from: number, to: number, lineNo: number): void {
    this.bytes = bytes;
    const delim = this.delim;
    if (from === to) return;
    const first = bytes[from];
    if ((first <= 32 || first >= 0x80) && isBlank(bytes, from, to)) return;
    const { names, iPath, iConv, iValue, iNulls } = this.layout;
    const nFields = names.length;
    // Field boundaries; a field opening with a quote, or a field count that is off, goes the exact
    // string route (which also words the error), taking back any touch this route already stored.
    const fused = this.fused;
    const touches = this.touches;
    this.blankTouch = 0;
    let f = 0;
    let p = from;
    for (;;) {
      if (p < to && bytes[p] === QUOTE) return this.slowLine(from, to, lineNo, touches);
      let q: number;
      if (f === iPath && fused) {
        q = this.scanPath(bytes, p, to);
      } else {
        q = p;
        while (q < to && bytes[q] !== delim) q++;
      }
      if (f === nFields) return this.slowLine(from, to, lineNo, touches);
      this.fieldStart[f] = p;
      this.fieldEnd[f++] = q;
      if (q >= to) break;
      p = q + 1;
    }
    if (f !== nFields) return this.slowLine(from, to, lineNo, touches);
    if (this.blankTouch > 0) throw this.emptyTouch(this.blankTouch, lineNo, iPath + 1);

    const row = this.beginRow(lineNo);
    if (!fused) this.pathFromBytes(this.fieldStart[iPath], this.fieldEnd[iPath], lineNo, iPath + 1);
    if (this.touches === touches || this.interner.names.length > this.checkedNames)
      this.checkPath(
        () => DECODER.decode(bytes.subarray(this.fieldStart[iPath], this.fieldEnd[iPath])),
        touches,
        lineNo,
      );
    this.conv[row] = this.numberFromBytes(iConv, 'conversions', false, lineNo);
    this.value[row] = iValue >= 0 ? this.numberFromBytes(iValue, 'conversion value', false, lineNo) : 0;
    this.nulls[row] =
      iNulls >= 0 ? this.numberFromBytes(iNulls, 'non-converting journeys', false, lineNo) : 0;
    this.endRow();
  }

  /**
   * Reads the path field from `from` to the delimiter (or `to`) in one pass: each touch is hashed
   * while the separator is looked for, trimmed by remembering the hash at its last non-space byte,
   * and interned. Returns where the field ends. A blank touch is noted in `blankTouch` rather than
   * thrown, since a wrong field count on the same line is the error to report first.
   */
  private scanPath(bytes: Uint8Array, from: number, to: number): number {
    const delim = this.delim;
    const sep = this.sep;
    const s0 = sep[0];
    const sl = sep.length;
    const interner = this.interner;
    let codes = this.codes;
    let n = this.touches;
    let touch = 0;
    let blank = 0;
    let separators = 0;
    let start = -1;
    let end = 0;
    let h = 0;
    let hEnd = 0;
    let q = from;
    for (; ; q++) {
      const b = q < to ? bytes[q] : delim;
      const atSeparator = b === s0 && q + sl <= to && matchesAt(bytes, q, sep);
      if (b === delim || atSeparator) {
        touch++;
        const code = start < 0 ? -1 : interner.codeOfHashed(bytes, start, end, hEnd);
        if (code < 0) {
          if (blank === 0) blank = touch;
        } else {
          if (n === codes.length) codes = growInt(codes, codes.length * 2);
          codes[n++] = code;
        }
        if (!atSeparator) break;
        separators++;
        q += sl - 1;
        start = -1;
        continue;
      }
      if (b === 32 || (b >= 9 && b <= 13)) {
        if (start >= 0) h = Math.imul(h ^ b, FNV_PRIME);
      } else {
        if (start < 0) {
          start = q;
          h = FNV_OFFSET;
        }
        h = Math.imul(h ^ b, FNV_PRIME);
        end = q + 1;
        hEnd = h;
      }
    }
    // A field without a separator whose one part is blank is an empty path, not a blank touch.
    this.blankTouch = separators === 0 && blank === 1 ? 0 : blank;
    this.codes = codes;
    this.touches = n;
    return q;
  }

  finish(): { paths: PathColumns; lines: Int32Array } {
    const n = this.rows;
    return {
      paths: {
        channels: this.interner.names,
        rows: n,
        offsets: this.offsets.subarray(0, n + 1),
        codes: this.codes.subarray(0, this.touches),
        conversions: this.conv.subarray(0, n),
        value: this.value.subarray(0, n),
        nulls: this.nulls.subarray(0, n),
      },
      lines: this.lines.subarray(0, n),
    };
  }

  private beginRow(lineNo: number): number {
    const row = this.rows;
    if (row === this.conv.length) {
      const cap = row * 2;
      this.offsets = growInt(this.offsets, cap + 1);
      this.conv = growFloat(this.conv, cap);
      this.value = growFloat(this.value, cap);
      this.nulls = growFloat(this.nulls, cap);
      this.lines = growInt(this.lines, cap);
    }
    this.lines[row] = lineNo;
    return row;
  }

  private endRow(): void {
    this.offsets[++this.rows] = this.touches;
  }

  private push(code: number): void {
    if (this.touches === this.codes.length) this.codes = growInt(this.codes, this.codes.length * 2);
    this.codes[this.touches++] = code;
  }

  /** Splits `bytes[from..to)` on the separator and interns each trimmed channel name. */
  private pathFromBytes(from: number, to: number, lineNo: number, column: number): void {
    const { bytes, sep } = this;
    let a = from;
    let b = to;
    while (a < b && isAsciiSpace(bytes[a])) a++;
    while (b > a && isAsciiSpace(bytes[b - 1])) b--;
    if (a === b) return;
    if ((bytes[a] >= 0x80 || bytes[b - 1] >= 0x80) && DECODER.decode(bytes.subarray(a, b)).trim() === '')
      return;
    const s0 = sep[0];
    const sl = sep.length;
    let part = from;
    let touch = 0;
    let q = from;
    const last = to - sl;
    while (q <= last) {
      if (bytes[q] === s0 && matchesAt(bytes, q, sep)) {
        this.touch(part, q, ++touch, lineNo, column);
        q += sl;
        part = q;
      } else q++;
    }
    this.touch(part, to, ++touch, lineNo, column);
  }

  private touch(from: number, to: number, touch: number, lineNo: number, column: number): void {
    const bytes = this.bytes;
    while (from < to && isAsciiSpace(bytes[from])) from++;
    while (to > from && isAsciiSpace(bytes[to - 1])) to--;
    const code = from === to ? -1 : this.interner.codeOfBytes(bytes, from, to);
    if (code < 0) throw this.emptyTouch(touch, lineNo, column);
    this.push(code);
  }

  /**
   * After a row's path is read (its touches from `touchesBefore`): an empty path cell is refused
   * (`(unmatched)` is for journeys that filtering empties), and so is a new channel name holding a
   * stray separator symbol, as the empty step it is, numbered as if the separator were spaced evenly.
   */
  private checkPath(field: () => string, touchesBefore: number, lineNo: number): void {
    const column = this.layout.iPath + 1;
    if (this.touches === touchesBefore) {
      throw new AttributionInputError('the path is empty', {
        line: lineNo,
        column,
        hint: `give the journey's channels (e.g. email${this.layout.separator}search), or drop the line`,
      });
    }
    const names = this.interner.names;
    const stray = this.strayCore;
    for (; this.checkedNames < names.length; this.checkedNames++) {
      if (stray && stray.test(names[this.checkedNames]))
        throw this.emptyTouch(emptyStepOf(field(), this.core), lineNo, column);
    }
  }

  private emptyTouch(touch: number, lineNo: number, column: number): AttributionInputError {
    const sep = this.layout.separator;
    return new AttributionInputError(`touch ${touch} of the path has no channel name`, {
      line: lineNo,
      column,
      hint: `remove the doubled or trailing "${sep.trim() || sep}", or set the separator the file uses`,
    });
  }

  /** A count or value: plain decimals straight from the bytes, anything else as `Number` reads it. */
  private numberFromBytes(i: number, what: string, allowNegative: boolean, lineNo: number): number {
    const bytes = this.bytes;
    let a = this.fieldStart[i];
    let b = this.fieldEnd[i];
    while (a < b && isAsciiSpace(bytes[a])) a++;
    while (b > a && isAsciiSpace(bytes[b - 1])) b--;
    let p = a;
    let negative = false;
    if (p < b && (bytes[p] === 45 || bytes[p] === 43)) negative = bytes[p++] === 45;
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    while (p < b && bytes[p] >= 48 && bytes[p] <= 57) {
      mantissa = mantissa * 10 + (bytes[p++] - 48);
      digits++;
    }
    if (p < b && bytes[p] === 46) {
      p++;
      while (p < b && bytes[p] >= 48 && bytes[p] <= 57) {
        mantissa = mantissa * 10 + (bytes[p++] - 48);
        digits++;
        scale++;
      }
    }
    // ≤ 15 digits: the mantissa and 10^scale are exact doubles, so one division rounds correctly,
    // giving the same double as Number().
    if (p === b && digits > 0 && digits <= 15) {
      const x = scale === 0 ? mantissa : mantissa / POW10[scale];
      if (!negative) return x;
      if (allowNegative || mantissa === 0) return -x;
    }
    return this.checkedNumber(
      DECODER.decode(bytes.subarray(this.fieldStart[i], this.fieldEnd[i])),
      i,
      what,
      allowNegative,
      lineNo,
    );
  }

  private checkedNumber(
    field: string,
    i: number,
    what: string,
    allowNegative: boolean,
    lineNo: number,
  ): number {
    const raw = field.trim();
    const x = raw === '' ? NaN : Number(raw);
    if (!Number.isFinite(x) || (!allowNegative && x < 0)) {
      throw new AttributionInputError(
        `${this.layout.names[i]} "${raw}" is not a ${allowNegative ? '' : 'non-negative '}number`,
        {
          line: lineNo,
          column: i + 1,
          hint:
            x < 0 && what === 'conversion value'
              ? 'a conversion value cannot be negative: net refunds out of the value before summarising paths, or drop the line'
              : `write the ${what} as a plain number like 3 or 12.5`,
        },
      );
    }
    // counts must be exact; a value is an amount, any finite size
    if (!allowNegative && what !== 'conversion value' && x > Number.MAX_SAFE_INTEGER) {
      throw new AttributionInputError(
        `${this.layout.names[i]} "${raw}" is more than gtm can count exactly (2^53 − 1 = 9007199254740991)`,
        {
          line: lineNo,
          column: i + 1,
          hint: `check the ${what}: a count this large is almost surely a broken value`,
        },
      );
    }
    return x;
  }

  /** The exact string route for one line: quoted fields, and the wording of field-count errors. */
  private slowLine(from: number, to: number, lineNo: number, touches: number): void {
    this.touches = touches;
    const { names, delimiter, separator, iPath, iConv, iValue, iNulls } = this.layout;
    const line = DECODER.decode(this.bytes.subarray(from, to));
    if (line.trim() === '') return;
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
    const row = this.beginRow(lineNo);
    const field = fields[iPath];
    if (field.trim() !== '') {
      const parts = field.split(separator);
      for (let k = 0; k < parts.length; k++) {
        const code = this.interner.codeOf(parts[k]);
        if (code < 0) throw this.emptyTouch(k + 1, lineNo, iPath + 1);
        this.push(code);
      }
    }
    this.conv[row] = this.checkedNumber(fields[iConv], iConv, 'conversions', false, lineNo);
    this.checkPath(() => field, touches, lineNo);
    this.value[row] =
      iValue >= 0 ? this.checkedNumber(fields[iValue], iValue, 'conversion value', false, lineNo) : 0;
    this.nulls[row] =
      iNulls >= 0 ? this.checkedNumber(fields[iNulls], iNulls, 'non-converting journeys', false, lineNo) : 0;
    this.endRow();
  }
}

/**
 * The 1-based step of `field` that is empty once the separator symbol `core` is read with any
 * spacing around it (where it stands next to a space or at an end): 2 for `a > > b` and `a >> b`.
 */
function emptyStepOf(field: string, core: string): number {
  const esc = core.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = field.trim().split(new RegExp(`\\s*(?:(?<=^|\\s)${esc}|${esc}(?=\\s|$))\\s*`));
  const k = parts.findIndex((p) => p.trim() === '');
  return k < 0 ? 1 : k + 1;
}

function isAsciiSpace(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

/** Whether `bytes[from..to)` is empty once trimmed as `String.prototype.trim` trims. */
function isBlank(bytes: Uint8Array, from: number, to: number): boolean {
  let wide = false;
  for (let i = from; i < to; i++) {
    const b = bytes[i];
    if (b >= 0x80) wide = true;
    else if (!isAsciiSpace(b)) return false;
  }
  return !wide || DECODER.decode(bytes.subarray(from, to)).trim() === '';
}

function matchesAt(bytes: Uint8Array, at: number, sep: Uint8Array): boolean {
  for (let k = 1; k < sep.length; k++) if (bytes[at + k] !== sep[k]) return false;
  return true;
}

function growInt(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
}

function growFloat(a: Float64Array, size: number): Float64Array {
  const b = new Float64Array(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
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
