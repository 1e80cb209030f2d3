import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../../test/helpers/fixture-dir.ts';
import { physicalLine, scanCsvLayout } from './csv-layout.ts';

let fx: FixtureDir;
beforeEach(async () => {
  fx = await makeFixtureDir();
});
afterEach(() => fx.remove());

const scan = async (text: string, delimiter = ',') => scanCsvLayout(await fx.write('f.csv', text), delimiter);

describe('scanCsvLayout', () => {
  it('hashes the bytes and reads the header, unescaping quotes and dropping a BOM', async () => {
    const text = '\uFEFF"id","na""me",,plain\n1,2,3,4\n';
    const layout = await scan(text);
    expect(layout.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(layout.firstRecord).toEqual(['id', 'na"me', '', 'plain']);
    expect(layout.records).toBe(2);
    expect(layout.blankRecords).toEqual([]);
    expect(layout.shifts).toEqual([]);
    expect(layout.openQuote).toBeUndefined();
  });

  it('counts blank lines as records and quoted line breaks as shifts', async () => {
    // line: 1 header, 2-3 one record, 4 blank, 5 record, 6-8 one record, 9 record
    const layout = await scan('h1,h2\n1,"a\nb"\n\n2,c\n3,"x\r\ny\rz"\n4,d');
    expect(layout.records).toBe(6);
    expect(layout.blankRecords).toEqual([3]);
    expect(layout.shifts).toEqual([
      { record: 3, delta: 1 },
      { record: 6, delta: 3 },
    ]);
    expect([1, 2, 3, 4, 5, 6].map((r) => physicalLine(layout, r))).toEqual([1, 2, 4, 5, 6, 9]);
  });

  it('treats CRLF as one line break and lone CR as a line break', async () => {
    expect((await scan('a\r\nb\r\n\r\nc')).blankRecords).toEqual([3]);
    const cr = await scan('a\rb\rc\r');
    expect(cr.records).toBe(3);
    expect(cr.blankRecords).toEqual([]);
  });

  it('only opens a quote at the start of a field', async () => {
    const layout = await scan('id,name\n1,a"b\n2,c\n');
    expect(layout.records).toBe(3);
    expect(layout.openQuote).toBeUndefined();
    expect((await scan('k;v\n1;"x;y"\n', ';')).records).toBe(2);
  });

  it('reports a quote left open at the end of the file', async () => {
    const layout = await scan('id,name\n1,ok\n2,"never closed\n3,x\n');
    expect(layout.openQuote).toEqual({ record: 3, line: 3, offset: 13 });
    expect(layout.records).toBe(3);
    // A value closed right at the end of the file is not open.
    expect((await scan('id,name\n1,"closed"')).openQuote).toBeUndefined();
    expect((await scan('id,name\n1,"a""')).openQuote).toEqual({ record: 2, line: 2, offset: 8 });
  });

  it('returns no header for an empty file', async () => {
    const layout = await scan('');
    expect(layout).toMatchObject({ firstRecord: null, records: 0 });
  });
});
