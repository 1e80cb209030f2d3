import { describe, expect, it } from 'vitest';
import { toCsvTable } from './csv-table.ts';

const cols = [
  { key: 'name', label: 'Name' },
  { key: 'value', label: 'Value' },
];

describe('toCsvTable', () => {
  it('quotes per RFC 4180 and ends lines with \\n', () => {
    expect(
      toCsvTable(cols, [
        { name: 'a,b', value: 'say "hi"' },
        { name: 'line\nbreak', value: 'cr\r' },
      ]),
    ).toBe('Name,Value\n"a,b","say ""hi"""\n"line\nbreak","cr\r"\n');
  });

  it.each(['=1+1', '+1+1', '-1+cmd|x', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://e.x","c")'])(
    'neutralises text starting like a formula: %j',
    (text) => {
      const csv = toCsvTable(cols, [{ name: text, value: 1 }]);
      const cell = csv.split('\n')[1];
      expect(cell.replace(/^"/, '').startsWith(`'${text.slice(0, 1)}`)).toBe(true);
    },
  );

  it('keeps numbers, negative ones included, as numbers', () => {
    expect(toCsvTable(cols, [{ name: -12.5, value: -3 }])).toBe('Name,Value\n-12.5,-3\n');
    expect(toCsvTable(cols, [{ name: '-12.5', value: '+3' }])).toBe("Name,Value\n-12.5,'+3\n");
  });

  it('writes raw values: empty for missing, ISO dates, JSON for objects', () => {
    const csv = toCsvTable(cols, [
      { name: null, value: Number.NaN },
      { name: new Date(Date.UTC(2025, 2, 1)), value: { a: 1 } },
      { name: true, value: 10n },
    ]);
    expect(csv).toBe('Name,Value\n,\n2025-03-01T00:00:00.000Z,"{""a"":1}"\ntrue,10\n');
  });

  it('neutralises hostile header labels too', () => {
    expect(toCsvTable([{ key: 'k', label: '=cmd' }], [])).toBe("'=cmd\n");
  });
});
