import { describe, expect, it } from 'vitest';
import { parseCsv } from './parse-csv.ts';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, embedded commas and newlines, CRLF and a BOM', () => {
    const r = parseCsv('\uFEFFa,b\r\n"x, ""y""",2\n"multi\nline",3\n\n4,');
    expect(r).toEqual({
      records: [
        { line: 1, cells: ['a', 'b'] },
        { line: 2, cells: ['x, "y"', '2'] },
        { line: 3, cells: ['multi\nline', '3'] },
        { line: 6, cells: ['4', ''] },
      ],
    });
  });

  it('reports an unterminated quote with its line', () => {
    expect(parseCsv('a,b\n1,"oops\n2,3\n')).toEqual({ unterminatedQuoteAt: 2 });
  });
});
