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

  it('writes numbers without binary noise, text still neutralised', () => {
    // sums as doubles: 0.30000000000000004, 3.3000000000000003, -0.7999999999999999; by hand 0.3, 3.3, -0.8
    const csv = toCsvTable(cols, [
      { name: '=SUM(A1:A9)', value: 0.1 + 0.2 },
      { name: '-2+3+cmd|x', value: 1.1 * 3 },
      { name: 'acme', value: -(0.1 + 0.7) },
      { name: 'amount', value: 1234567.891 },
      { name: 'share', value: 1 / 3 },
      { name: 'count', value: 2 ** 53 + 2 },
    ]);
    expect(csv).toBe(
      'Name,Value\n' +
        "'=SUM(A1:A9),0.3\n" +
        "'-2+3+cmd|x,3.3\n" +
        'acme,-0.8\n' +
        'amount,1234567.891\n' +
        'share,0.333333333333333\n' +
        'count,9007199254740994\n',
    );
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
