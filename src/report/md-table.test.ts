import { describe, expect, it } from 'vitest';
import { mdCode, mdEscape, mdLine } from './md-escape.ts';
import { mdTable } from './md-table.ts';

describe('mdEscape', () => {
  it('escapes inline markup, HTML and table pipes', () => {
    expect(mdEscape('a|b <script> **x** [l](u) `c` _i_ ~s~ &amp;')).toBe(
      'a\\|b \\<script\\> \\*\\*x\\*\\* \\[l\\](u) \\`c\\` \\_i\\_ \\~s\\~ \\&amp;',
    );
  });

  it('joins lines so a value cannot start a new block', () => {
    expect(mdEscape('a\nb\r\nc')).toBe('a b c');
  });

  it('escapes block markers only at the start', () => {
    expect(mdEscape('# h')).toBe('\\# h');
    expect(mdEscape('- item')).toBe('\\- item');
    expect(mdEscape('1. item')).toBe('1\\. item');
    expect(mdEscape('---')).toBe('\\---');
    expect(mdEscape('-12.5%')).toBe('-12.5%');
    expect(mdEscape('a - b # c')).toBe('a - b # c');
  });

  it('escapes dollars only when two could open GitHub math', () => {
    expect(mdEscape('$1,200.00')).toBe('$1,200.00');
    expect(mdEscape('$1 to $2')).toBe('\\$1 to \\$2');
  });
});

describe('mdLine', () => {
  it('writes every control character but line breaks and tab as \\xNN, and nothing else', () => {
    for (let c = 0; c <= 0xa0; c++) {
      const ch = String.fromCharCode(c);
      const want =
        ch === '\n' || ch === '\r' || ch === '\t'
          ? ' '
          : c < 0x20 || (c >= 0x7f && c <= 0x9f)
            ? `\\x${c.toString(16).padStart(2, '0')}`
            : ch;
      expect([c, mdLine(`a${ch}b`)]).toEqual([c, `a${want}b`]);
    }
  });

  it('turns every line break into a space, the Unicode separators too', () => {
    expect(mdLine('a\r\nb\rc\nd\u2028e\u2029f')).toBe('a b c d e f');
  });
});

describe('control characters from the data', () => {
  const HOSTILE = 'pm\u001b]0;PWNED\u0007\u001b[2J\u009b31m\u0000';
  /** Any control character but the table's own line feeds. */
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

  it('mdEscape: visible, with the escaping of the rest unchanged', () => {
    expect(mdEscape(HOSTILE)).toBe('pm\\x1b\\]0;PWNED\\x07\\x1b\\[2J\\x9b31m\\x00');
    expect(mdEscape('a\\b\u001b')).toBe('a\\\\b\\x1b');
  });

  it('mdCode: visible inside the span', () => {
    expect(mdCode(HOSTILE)).toBe('`pm\\x1b]0;PWNED\\x07\\x1b[2J\\x9b31m\\x00`');
  });

  it('mdTable: a cell stays one cell of one row', () => {
    const md = mdTable([{ key: 'p', label: `P${HOSTILE}` }], [{ p: `a|b\n${HOSTILE}` }]);
    expect(md).not.toMatch(CONTROL);
    expect(md.split('\n')).toHaveLength(3);
    expect(md.split('\n')[2]).toBe('| a\\|b pm\\x1b\\]0;PWNED\\x07\\x1b\\[2J\\x9b31m\\x00 |');
  });
});

describe('mdCode', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(mdCode('plain')).toBe('`plain`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
  });
});

describe('mdTable', () => {
  const columns = [
    { key: 'partner', label: 'Partner' },
    { key: 'revenue', label: 'Revenue', format: 'currency' as const },
    { key: 'share', label: 'Share', format: 'percent' as const },
    { key: 'deals', label: 'Deals' },
  ];

  it('formats, aligns numbers right and escapes cells', () => {
    const md = mdTable(columns, [
      { partner: 'Acme | Co\nLtd', revenue: 1200, share: 0.5, deals: 3 },
      { partner: '<b>x</b>', revenue: null, share: Number.NaN, deals: undefined },
    ]);
    expect(md).toBe(
      [
        '| Partner | Revenue | Share | Deals |',
        '| --- | ---: | ---: | ---: |',
        '| Acme \\| Co Ltd | $1,200.00 | 50.0% | 3 |',
        '| \\<b\\>x\\</b\\> | — | — | — |',
      ].join('\n'),
    );
  });

  it('keeps every row at the column count even with hostile cells', () => {
    const md = mdTable(columns, [{ partner: '| | |\n| --- |', revenue: 1 }]);
    for (const line of md.split('\n')) {
      expect(line.replace(/\\\|/g, '').split('|').length - 2).toBe(columns.length);
    }
  });
});
