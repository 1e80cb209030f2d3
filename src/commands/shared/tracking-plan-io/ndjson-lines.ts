import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import type { FirstCopyReader } from '../../../analyses/instrumentation/message-ids.ts';
import { createGunzip } from 'node:zlib';
import { GtmError } from '../../../errors/index.ts';

/** A byte range of a file: lines that start in [start, end) belong to it. */
export interface ByteRange {
  start: number;
  end: number;
}

const NL = 10;
const CR = 13;

/**
 * Streams the lines of a text file (gzip when the name ends in `.gz`), calling `onLine` with each
 * line, its 1-based number and the byte offset where it starts (plain files; in the decompressed
 * stream for gzip). Works on raw bytes (1 MiB reads), decoding each line once; memory
 * stays bounded by the longest line. A trailing `\r` is dropped, and so is a UTF-8 byte order mark
 * that starts a line (as the workspace's CSV and JSON readers skip one).
 *
 * With `range`, only lines that start inside it are read (the line straddling `start` belongs to
 * the previous range) and numbers count from the range's first line: several readers can split a
 * file between them. Ranges do not apply to gzip files.
 *
 * @example await forEachLine('events.ndjson', (line, n) => { ... });
 * @throws GtmError('INPUT') naming the file (and the line reached) when it cannot be read: missing,
 *   a folder, no permission, not gzip, or a gzip stream cut short. Errors thrown by `onLine` pass
 *   through unchanged.
 */
export async function forEachLine(
  file: string,
  onLine: (line: string, lineNumber: number, offset: number) => void,
  range?: ByteRange,
): Promise<number> {
  const gz = file.endsWith('.gz');
  if (gz && range) throw new Error('byte ranges do not apply to gzip files');
  // Start one byte early: if that byte is a newline, a line starts exactly at `start`.
  const from = range && range.start > 0 ? range.start - 1 : 0;
  const raw = createReadStream(file, { start: from, highWaterMark: 1 << 20 });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  let skipping = !!range && range.start > 0;
  let rest: Buffer | undefined;
  let restOffset = from; // file offset of rest[0] (or of the next chunk when rest is empty)
  let n = 0;
  const end = range?.end ?? Infinity;
  let done = false;
  const emit = (buf: Buffer, s: number, e: number, offset: number) => {
    n++;
    // a UTF-8 byte order mark (EF BB BF) starting the line is no part of it: the file's first line
    // (Windows tools write one), or a later one where files were concatenated
    const at = e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf ? s + 3 : s;
    onLine(buf.toString('utf8', at, e > at && buf[e - 1] === CR ? e - 1 : e), n, offset);
  };
  try {
    for await (const chunk of stream) {
      let buf = chunk as Buffer;
      let base = restOffset;
      if (rest && rest.length) {
        buf = Buffer.concat([rest, buf]);
      } else base = restOffset;
      let pos = 0;
      if (skipping) {
        const nl = buf.indexOf(NL);
        if (nl < 0) {
          restOffset = base + buf.length;
          rest = undefined;
          continue;
        }
        pos = nl + 1;
        skipping = false;
      }
      for (;;) {
        if (!gz && base + pos >= end) {
          done = true;
          break;
        }
        const nl = buf.indexOf(NL, pos);
        if (nl < 0) break;
        emit(buf, pos, nl, base + pos);
        pos = nl + 1;
      }
      if (done) break;
      rest = pos < buf.length ? buf.subarray(pos) : undefined;
      restOffset = base + pos;
    }
  } catch (err) {
    throw readError(err, file, n, gz);
  } finally {
    raw.destroy();
  }
  if (!done && rest && rest.length && (gz || restOffset < end)) emit(rest, 0, rest.length, restOffset);
  return n;
}

/** The text of a line as `forEachLine` gives it: without a leading byte order mark or a trailing `\r`. */
function lineText(buf: Buffer): string {
  const at = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const e = buf.length;
  return buf.toString('utf8', at, e > at && buf[e - 1] === CR ? e - 1 : e);
}

/**
 * Reads lines back where `forEachLine` found them: by byte offset in plain files (one positioned
 * read, files kept open until `close`), by line number in gzip files (one pass per call). Used to
 * fetch the first copy of a messageId read again, instead of keeping every message.
 */
export class LineReader implements FirstCopyReader {
  private readonly fds = new Map<string, number>();
  private buf = Buffer.allocUnsafe(64 * 1024);

  lineAt(file: string, offset: number): string {
    let fd = this.fds.get(file);
    if (fd === undefined) this.fds.set(file, (fd = openSync(file, 'r')));
    const parts: Buffer[] = [];
    for (let at = offset; ;) {
      const n = readSync(fd, this.buf, 0, this.buf.length, at);
      const nl = this.buf.subarray(0, n).indexOf(NL);
      if (nl >= 0) {
        parts.push(this.buf.subarray(0, nl));
        break;
      }
      if (n === 0) break;
      parts.push(Buffer.from(this.buf.subarray(0, n)));
      at += n;
    }
    return lineText(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }

  async linesAt(file: string, lines: number[]): Promise<Map<number, string>> {
    const wanted = new Set(lines);
    const out = new Map<number, string>();
    let last = 0;
    for (const n of lines) if (n > last) last = n;
    const stop = new Error('stop');
    try {
      await forEachLine(file, (line, n) => {
        if (wanted.has(n)) out.set(n, line);
        if (n >= last) throw stop;
      });
    } catch (err) {
      if (err !== stop) throw err;
    }
    return out;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

/** A failure to read `file` as the user's input problem, naming the file and where reading stopped. */
function readError(err: unknown, file: string, lines: number, gz: boolean): unknown {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof GtmError || typeof e?.code !== 'string') return err;
  const at = lines > 0 ? `${file}:${lines + 1}` : file;
  const input = (what: string, hint: string) => new GtmError('INPUT', what, { where: at, hint, cause: err });
  switch (e.code) {
    case 'ENOENT':
      return input('file not found', 'check the path');
    case 'EISDIR':
      return input('is a folder, not a file', 'pass the folder itself, or one file in it');
    case 'EACCES':
    case 'EPERM':
      return input(
        'cannot read the file: permission denied',
        'make the file readable by the user running gtm',
      );
    case 'Z_BUF_ERROR':
      return input(
        `the gzip data ends early${lines > 0 ? ` after line ${lines}` : ''}: the file is truncated`,
        'copy or download the file again, or decompress what is left with `gzip -dc` and pass the plain file',
      );
    case 'Z_DATA_ERROR':
    case 'Z_STREAM_ERROR':
    case 'Z_NEED_DICT':
      return input(
        `is not valid gzip (${e.message})`,
        gz
          ? 'a file ending in .gz must be gzip-compressed; rename it without .gz if it is plain NDJSON'
          : 'check the file',
      );
    default:
      return input(`cannot read the file (${e.code}: ${e.message})`, 'check the file and its permissions');
  }
}

/**
 * Why a line is not JSON, for an error line: the parser's message with the characters a terminal
 * does not show (a byte order mark, zero-width and other format characters, line and paragraph
 * separators) written as `\uXXXX`, since the message quotes the start of the line.
 * @example notJsonReason(err) // 'line is not valid JSON (Unexpected token \'\u200b\', ...)'
 */
export function notJsonReason(err: unknown): string {
  const text = String((err as Error)?.message ?? err).replace(
    /[\p{Cf}\u2028\u2029]/gu,
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  );
  return `line is not valid JSON (${text})`;
}
