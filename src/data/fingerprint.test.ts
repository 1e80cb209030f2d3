import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { sha256File, sha256FilePrefix } from './fingerprint.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gtm-fingerprint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MB = 1 << 20;

function fileOf(bytes: Buffer, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

describe('sha256File', () => {
  it.each([0, 1, MB - 1, MB, MB + 1, 3 * MB + 12345])('hashes %i bytes as sha256sum does', async (size) => {
    const bytes = randomBytes(size);
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(await sha256File(fileOf(bytes, `f${size}`))).toBe(expected);
  });

  it('reads a large file into one buffer instead of a new one per read', async () => {
    const file = fileOf(randomBytes(8 * MB), 'large');
    const slow = vi.spyOn(Buffer, 'allocUnsafeSlow');
    let sizes: number[];
    try {
      await sha256File(file);
    } finally {
      sizes = slow.mock.calls.map(([n]) => n);
      slow.mockRestore();
    }
    // a read stream allocated eight 1 MB buffers here (and more GC work on the main thread)
    expect(sizes.filter((n) => n >= 64 * 1024)).toEqual([]);
  });

  it('fails on a missing file with the file named', async () => {
    await expect(sha256File(path.join(dir, 'missing.parquet'))).rejects.toThrow(/missing\.parquet/);
  });
});

describe('sha256FilePrefix', () => {
  it.each([0, 1, MB - 1, MB, MB + 1, 2 * MB + 7])(
    'hashes the first %i bytes of a longer file',
    async (size) => {
      const bytes = randomBytes(3 * MB);
      const expected = createHash('sha256').update(bytes.subarray(0, size)).digest('hex');
      expect(await sha256FilePrefix(fileOf(bytes, `p${size}`), size)).toBe(expected);
    },
  );
});
