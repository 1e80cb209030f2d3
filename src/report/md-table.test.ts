import { describe, expect, it } from 'vitest';
import { mdCode, mdEscape } from './md-escape.ts';
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
