import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachLine, notJsonReason } from './ndjson-lines.ts';

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

// A payload file saved with a UTF-8 BOM was refused at line 1 with the invisible character printed
// raw ('Unexpected token \'\ufeff\''); the workspace's CSV and JSON readers skip one.
describe('a UTF-8 byte order mark', () => {
  const bom = '\ufeff';
  const msgs = ['{"type":"track","event":"A"}', '{"type":"track","event":"B"}'];

  it('is dropped where it starts a line: the file, a gzip file, a later (concatenated) line', async () => {
    const file = join(tmp, 'bom.ndjson');
    writeFileSync(file, `${bom}${msgs[0]}\r\n${bom}${msgs[1]}\n`);
    expect(await read(file)).toEqual(msgs);
    const gz = join(tmp, 'bom.ndjson.gz');
    writeFileSync(gz, gzipSync(`${bom}${msgs.join('\n')}`));
    expect(await read(gz)).toEqual(msgs);
    // a range that starts after the first line reads the same lines
    const first = Buffer.byteLength(`${bom}${msgs[0]}\r\n`);
    expect(await read(file, { start: 0, end: first })).toEqual([msgs[0]]);
    expect(await read(file, { start: first, end: 1e9 })).toEqual([msgs[1]]);
    // a line that is only a BOM reads as empty (a blank line)
    const only = join(tmp, 'only-bom.ndjson');
    writeFileSync(only, `${bom}\n${msgs[0]}`);
    expect(await read(only)).toEqual(['', msgs[0]]);
  });

  it('is kept inside a line (a value may hold one)', async () => {
    const file = join(tmp, 'inner.ndjson');
    const line = `{"type":"track","event":"A${bom}"}`;
    writeFileSync(file, `${line}\n`);
    expect(await read(file)).toEqual([line]);
  });

  it('is never printed raw in an error: invisible characters are written as \\uXXXX', () => {
    let err: unknown;
    try {
      JSON.parse(`\u200b${msgs[0]}`);
    } catch (e) {
      err = e;
    }
    const reason = notJsonReason(err);
    expect(reason).toMatch(/^line is not valid JSON \(Unexpected token '\\u200b'/);
    expect(reason).not.toMatch(/[\u200b\ufeff]/);
  });
});
