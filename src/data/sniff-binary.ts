import { open } from 'node:fs/promises';
import { GtmError } from '../errors/index.ts';

/** Signatures of files people point a text source at by mistake, with what to do about each. */
const SIGNATURES: { bytes: number[]; what: string; hint: string }[] = [
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    what: 'a ZIP archive (an Excel .xlsx workbook is one)',
    hint: 'export the sheet as CSV (File → Save as → CSV UTF-8) or unzip the archive, and point the source at the text file',
  },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0],
    what: 'an old Excel .xls workbook',
    hint: 'export the sheet as CSV (File → Save as → CSV UTF-8) and point the source at it',
  },
  {
    bytes: [0x1f, 0x8b],
    what: 'a gzip archive',
    hint: 'decompress it (gunzip) and point the source at the text file',
  },
  {
    bytes: [0x50, 0x41, 0x52, 0x31],
    what: 'a Parquet file',
    hint: 'give the source a .parquet path (gtm reads Parquet directly)',
  },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image', hint: 'point the source at the data export' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image', hint: 'point the source at the data export' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', hint: 'point the source at the data export' },
  {
    bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66],
    what: 'an SQLite database',
    hint: 'export the table as CSV and point the source at it',
  },
];

/** How many bytes are looked at: enough for any header row gtm would read. */
const SNIFF_BYTES = 8192;

/**
 * What a file that should be text actually is, when its first bytes say it is not text: a known
 * signature (a ZIP/XLSX, gzip, Parquet, image, PDF, SQLite), or a NUL byte, which no CSV, JSON or
 * NDJSON export has (UTF-16 text has them too: named as such). `undefined` for text.
 */
export function binaryKind(head: Uint8Array): { what: string; hint: string } | undefined {
  for (const s of SIGNATURES) if (s.bytes.every((b, i) => head[i] === b)) return s;
  const utf16 =
    (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || alternateZeros(head);
  const nul = head.indexOf(0);
  if (nul < 0) return undefined;
  if (utf16)
    return {
      what: 'UTF-16 text',
      hint: 're-save the file as UTF-8 (in Excel: CSV UTF-8; or iconv -f UTF-16 -t UTF-8)',
    };
  return {
    what: `binary data (a NUL byte at byte ${nul + 1})`,
    hint: 'point the source at the CSV/JSON export itself, not another kind of file',
  };
}

/** ASCII text in UTF-16 without a byte-order mark: a zero in every other byte (odd or even). */
function alternateZeros(head: Uint8Array): boolean {
  const n = Math.min(head.length, 512) & ~1;
  if (n < 4) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) even++;
    if (head[i + 1] === 0) odd++;
  }
  const half = n / 2;
  return (odd >= 0.4 * half && even === 0) || (even >= 0.4 * half && odd === 0);
}

/** The first bytes of a file (up to 8 KiB). */
export async function fileHead(file: string): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Stops a text source that is not text, naming what the file is instead (an `.xlsx` saved as
 * `.csv`, a gzip export, UTF-16 text), before a parser reports a symptom like mixed line endings.
 *
 * @throws GtmError `INPUT` at the file.
 */
export async function refuseBinary(file: string, format: string): Promise<void> {
  const kind = binaryKind(await fileHead(file));
  if (kind)
    throw new GtmError('INPUT', `not a ${format} text file: it is ${kind.what}`, {
      where: file,
      hint: kind.hint,
    });
}
