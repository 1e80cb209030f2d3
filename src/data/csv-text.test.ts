import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, toCsv } from './csv-text.ts';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['', ''],
  ])('writes %j as %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
  ])('neutralises the formula-like cell %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('writes numbers, bigints, booleans, dates and nulls', () => {
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(12345678901234567890n)).toBe('12345678901234567890');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02T03:04:05.000Z');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('csvRow and toCsv', () => {
  it('joins cells with commas', () => {
    expect(csvRow(['crm', 'deals.csv', 7, 'missing "amount"'])).toBe('crm,deals.csv,7,"missing ""amount"""');
  });

  it('writes a header and one line per row, ending with a newline', () => {
    const rows = [
      { source: 'crm', rows: 3, note: '=1+1' },
      { source: 'ads', rows: 0, note: null },
    ];
    expect(toCsv(rows, ['source', 'rows', 'note'])).toBe("source,rows,note\ncrm,3,'=1+1\nads,0,\n");
    expect(toCsv([], ['source'])).toBe('source\n');
  });
});
