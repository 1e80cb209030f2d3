import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GtmError } from '../../errors/index.ts';
import { runAttribute } from './run-attribute.ts';

// Files larger than the 1 MiB read buffer, so lines run across chunks.
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gtm-attribute-large-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('runAttribute on a file read in chunks', () => {
  it('credits every line, whatever chunk it falls in (first-touch, counted by hand)', async () => {
    // Line i: path "ch<i mod 7> > tail", i mod 3 conversions, value 1.5 each, one null.
    const lines = ['path;total_conversions;total_conversion_value;total_null'];
    const expected = new Map<string, number>();
    let conversions = 0;
    for (let i = 0; i < 60_000; i++) {
      const c = i % 3;
      lines.push(`ch${i % 7} > tail ${i};${c};${c * 1.5};1`);
      expected.set(`ch${i % 7}`, (expected.get(`ch${i % 7}`) ?? 0) + c);
      conversions += c;
    }
    const file = join(dir, 'large.csv');
    await writeFile(file, lines.join('\r\n'));
    const res = await runAttribute({ paths: file, model: 'first-touch' });
    expect(res.source.records).toBe(60_000);
    expect(res.totals.conversions).toBe(conversions);
    expect(res.totals.value).toBeCloseTo(conversions * 1.5, 6);
    expect(res.totals.nulls).toBe(60_000);
    // 60,007 channels (each tail is its own), credited only where the journeys start
    expect(res.channels).toHaveLength(60_007);
    const credited = res.channels!.filter((c) => c.conversions > 0);
    expect(Object.fromEntries(credited.map((c) => [c.channel, c.conversions]))).toEqual(
      Object.fromEntries(expected),
    );
  });

  it('names the line of a bad count far into the file', async () => {
    const lines = ['path;total_conversions;total_conversion_value;total_null'];
    for (let i = 0; i < 50_000; i++)
      lines.push(`alpha > beta > gamma > delta;1;2;${i === 45_000 ? '-1' : '3'}`); // ≈ 40 bytes a line: line 45,002 is in the second MiB
    const file = join(dir, 'bad.csv');
    await writeFile(file, lines.join('\n'));
    let err: unknown;
    try {
      await runAttribute({ paths: file, model: 'linear' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GtmError);
    expect((err as GtmError).where).toBe(`${file}:45002`);
    expect((err as GtmError).message).toBe('total_null "-1" is not a non-negative number (column 4)');
  });

  it('reports a folder given as the file as unreadable', async () => {
    let err: unknown;
    try {
      await runAttribute({ paths: dir, model: 'linear' });
    } catch (e) {
      err = e;
    }
    expect([(err as GtmError).code, (err as GtmError).message]).toEqual([
      'INPUT',
      'cannot read the file (EISDIR)',
    ]);
  });
});
