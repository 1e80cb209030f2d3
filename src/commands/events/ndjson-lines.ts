import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

/**
 * Streams the lines of a text file (gzip when the name ends in `.gz`), calling `onLine` with each
 * line and its 1-based number. Reads 1 MiB chunks; memory stays bounded by the longest line.
 * Carriage returns before newlines are dropped.
 *
 * @example await forEachLine('events.ndjson', (line, n) => { ... });
 */
export async function forEachLine(file: string, onLine: (line: string, lineNumber: number) => void): Promise<number> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let n = 0;
  const emit = (text: string) => {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      n++;
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      onLine(text.slice(start, end), n);
      start = nl + 1;
    }
    return start;
  };
  try {
    for await (const chunk of stream) {
      const text = rest + decoder.write(chunk as Buffer);
      const consumed = emit(text);
      rest = consumed === 0 ? text : text.slice(consumed);
    }
  } finally {
    raw.destroy();
  }
  rest += decoder.end();
  if (rest.length) {
    n++;
    onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest, n);
  }
  return n;
}
