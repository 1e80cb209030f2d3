import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { binaryKind, refuseBinary } from './sniff-binary.ts';

const bytes = (...xs: (number | string)[]) =>
  Uint8Array.from(xs.flatMap((x) => (typeof x === 'string' ? [...Buffer.from(x, 'latin1')] : [x])));

it('names the files people point a text source at by mistake', () => {
  expect(binaryKind(bytes('PK', 3, 4, 20, 0, 6, 0))?.what).toMatch(/ZIP archive .*xlsx/);
  expect(binaryKind(bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1))?.what).toMatch(/\.xls workbook/);
  expect(binaryKind(bytes(0x1f, 0x8b, 8, 0))?.what).toBe('a gzip archive');
  expect(binaryKind(bytes('PAR1', 0, 0))?.what).toBe('a Parquet file');
  expect(binaryKind(bytes(0x89, 'PNG\r\n', 0x1a, '\n'))?.what).toBe('a PNG image');
  expect(binaryKind(bytes('%PDF-1.7\n'))?.what).toBe('a PDF document');
  expect(binaryKind(bytes('SQLite format 3', 0))?.what).toBe('an SQLite database');
});

it('tells UTF-16 text (with or without a byte-order mark) from other binary data', () => {
  const le = Buffer.from('id,name\r\n1,Ann\r\n', 'utf16le');
  expect(binaryKind(le)?.what).toBe('UTF-16 text');
  expect(binaryKind(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))?.what).toBe('UTF-16 text');
  const be = Buffer.from(le).swap16();
  expect(binaryKind(be)?.what).toBe('UTF-16 text');
  expect(binaryKind(bytes('id,name\n1,A', 0, 'nn\n'))?.what).toBe('binary data (a NUL byte at byte 12)');
});

it('leaves text alone: UTF-8 with or without a BOM, accents, tabs, an empty file', () => {
  expect(binaryKind(Buffer.from('\uFEFFid;nom\n1;Zoë Müller\t\n', 'utf8'))).toBeUndefined();
  expect(binaryKind(Buffer.from('{"event":"signed_up","ts":"2026-12-05"}\n', 'utf8'))).toBeUndefined();
  expect(binaryKind(new Uint8Array())).toBeUndefined();
  // a text file that merely starts like a signature's first byte
  expect(binaryKind(Buffer.from('PK,value\n1,2\n'))).toBeUndefined();
});

it('refuses a binary file with one INPUT error at the file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gtm-sniff-'));
  try {
    const f = path.join(dir, 'export.csv');
    await writeFile(f, bytes('PK', 3, 4, 'rest of a workbook'));
    await expect(refuseBinary(f, 'CSV')).rejects.toMatchObject({
      code: 'INPUT',
      where: f,
      message: expect.stringMatching(/^not a CSV text file: it is a ZIP archive/),
    });
    await writeFile(f, 'id\n1\n');
    await expect(refuseBinary(f, 'CSV')).resolves.toBeUndefined();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
