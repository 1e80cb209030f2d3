import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { binaryKind } from '../../../data/sniff-binary.ts';
import { GtmError } from '../../../errors/index.ts';

/**
 * The 1-based position of the first byte that text does not have: a control character other than
 * tab, line feed, form feed and carriage return, or a byte that is not valid UTF-8. -1 for text. A
 * sequence cut by the end of `buf` counts as text when `partial` (a file's first bytes).
 */
export function firstBinaryByte(buf: Uint8Array, partial = false): number {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b < 0x80) {
      if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) return i + 1;
      if (b === 0x7f) return i + 1;
      continue;
    }
    const extra = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (extra < 0) return i + 1;
    if (i + extra >= buf.length) return partial ? -1 : i + 1;
    for (let k = 1; k <= extra; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i + 1;
    // overlong forms and surrogates
    if ((b === 0xe0 && buf[i + 1] < 0xa0) || (b === 0xed && buf[i + 1] >= 0xa0)) return i + 1;
    if ((b === 0xf0 && buf[i + 1] < 0x90) || (b === 0xf4 && buf[i + 1] >= 0x90)) return i + 1;
    i += extra;
  }
  return -1;
}

/** Why `bytes` (a whole file, or its first bytes when `partial`) is not text, or undefined for text. */
function notText(bytes: Uint8Array, partial: boolean): { why: string; hint?: string } | undefined {
  const known = binaryKind(bytes);
  const at = firstBinaryByte(bytes, partial);
  if (!known && at < 0) return undefined;
  const position = known && /^binary data/.test(known.what) ? bytes.indexOf(0) + 1 : at > 0 ? at : 1;
  const what = known && !/^binary data/.test(known.what) ? `: it is ${known.what}` : '';
  return { why: `not a text file${what} (binary content at byte ${position})`, hint: known?.hint };
}

/**
 * A plan file's text, refusing an empty file and one that is not text (an image, an archive,
 * random bytes) before any parser echoes its bytes.
 *
 * @throws GtmError('INPUT') at the file: "the file is empty", "not a text file (binary content at byte N)".
 */
export function readPlanText(file: string): string {
  const bytes = readFileSync(file);
  const bad = notText(bytes, false);
  if (bad)
    throw new GtmError('INPUT', bad.why, {
      where: file,
      hint: 'give the tracking plan file (JSON, YAML or CSV text)',
    });
  const text = bytes.toString('utf8');
  if (!text.trim())
    throw new GtmError(
      'INPUT',
      bytes.length ? 'the file is empty (only blank space)' : 'the file is empty (0 bytes)',
      {
        where: file,
        hint: 'give the tracking plan file; `gtm events export --format gtm-yaml --out plan.yaml` writes one from a plan',
      },
    );
  return text;
}

/**
 * Refuses an NDJSON events file whose first 8 KiB are not text (a `.gz` file is read as gzip, not
 * checked here).
 * @throws GtmError('INPUT') at the file.
 */
export function refuseBinaryEvents(file: string): void {
  if (/\.gz$/i.test(file)) return;
  const fd = openSync(file, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(8192);
    head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
  const bad = notText(head, true);
  if (bad)
    throw new GtmError('INPUT', bad.why, {
      where: file,
      hint: 'give NDJSON text: one Segment-spec message per line',
    });
}
