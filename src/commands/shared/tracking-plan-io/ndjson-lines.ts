import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

/** A byte range of a file: lines that start in [start, end) belong to it. */
export interface ByteRange {
  start: number;
  end: number;
}

const NL = 10;
const CR = 13;

/**
 * Streams the lines of a text file (gzip when the name ends in `.gz`), calling `onLine` with each
 * line and its 1-based number. Works on raw bytes (1 MiB reads), decoding each line once; memory
 * stays bounded by the longest line. A trailing `\r` is dropped.
 *
 * With `range`, only lines that start inside it are read (the line straddling `start` belongs to
 * the previous range) and numbers count from the range's first line: several readers can split a
 * file between them. Ranges do not apply to gzip files.
 *
 * @example await forEachLine('events.ndjson', (line, n) => { ... });
 */
export async function forEachLine(
  file: string,
  onLine: (line: string, lineNumber: number) => void,
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
  const emit = (buf: Buffer, s: number, e: number) => {
    n++;
    onLine(buf.toString('utf8', s, e > s && buf[e - 1] === CR ? e - 1 : e), n);
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
        emit(buf, pos, nl);
        pos = nl + 1;
      }
      if (done) break;
      rest = pos < buf.length ? buf.subarray(pos) : undefined;
      restOffset = base + pos;
    }
  } finally {
    raw.destroy();
  }
  if (!done && rest && rest.length && (gz || restOffset < end)) emit(rest, 0, rest.length);
  return n;
}
