import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachLine } from './ndjson-lines.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gtm-lines-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function read(file: string, range?: { start: number; end: number }): Promise<string[]> {
  const out: string[] = [];
  await forEachLine(file, (l) => out.push(l), range);
  return out;
}

describe('forEachLine', () => {
  const lines = Array.from(
    { length: 500 },
    (_, i) => `{"i":${i},"s":"${'é'.repeat(i % 7)}${'x'.repeat(i % 13)}"}`,
  );
  const file = join(tmp, 'a.ndjson');
  writeFileSync(file, lines.join('\r\n') + '\r\n');

  it('reads every line, dropping CR, multi-byte characters intact', async () => {
    expect(await read(file)).toEqual(lines);
    const gz = join(tmp, 'a.ndjson.gz');
    writeFileSync(gz, gzipSync(lines.join('\n')));
    expect(await read(gz)).toEqual(lines);
  });

  it('splits a file into byte ranges that together read each line once', async () => {
    const size = Buffer.byteLength(lines.join('\r\n') + '\r\n');
    for (const cuts of [[1], [37, 38, 39], [size / 3, (2 * size) / 3].map(Math.floor), [0, size - 1]]) {
      const bounds = [0, ...cuts, size];
      const parts: string[] = [];
      for (let k = 0; k + 1 < bounds.length; k++)
        parts.push(...(await read(file, { start: bounds[k], end: bounds[k + 1] })));
      expect(parts).toEqual(lines);
    }
  });

  it('numbers lines from the start of the range', async () => {
    const numbers: number[] = [];
    await forEachLine(file, (_l, n) => numbers.push(n), { start: 100, end: 300 });
    expect(numbers[0]).toBe(1);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });
});
