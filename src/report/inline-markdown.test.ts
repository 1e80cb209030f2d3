import { describe, expect, it } from 'vitest';
import { parseBlocks, parseInline } from './inline-markdown.ts';
import { inlineMarkdownToHtml, markdownToHtml } from './markdown-to-html.ts';

describe('parseInline', () => {
  it('finds bold and code spans', () => {
    expect(parseInline('Use **two** `--flags` now')).toEqual([
      { type: 'text', text: 'Use ' },
      { type: 'bold', text: 'two' },
      { type: 'text', text: ' ' },
      { type: 'code', text: '--flags' },
      { type: 'text', text: ' now' },
    ]);
  });

  it('keeps unmatched markers literal', () => {
    expect(parseInline('2 ** 3 and `open')).toEqual([{ type: 'text', text: '2 ** 3 and `open' }]);
    expect(parseInline('****')).toEqual([{ type: 'text', text: '****' }]);
  });

  it('does not read bold inside code, and matches code fences by length', () => {
    expect(parseInline('`**x**`')).toEqual([{ type: 'code', text: '**x**' }]);
    expect(parseInline('``a`b`` c')).toEqual([
      { type: 'code', text: 'a`b' },
      { type: 'text', text: ' c' },
    ]);
  });
});

describe('parseBlocks', () => {
  it('splits paragraphs on blank lines and groups bullet lines', () => {
    expect(parseBlocks('One\ntwo\n\n- a\n* b\n\nThree')).toEqual([
      { kind: 'paragraph', lines: ['One', 'two'] },
      { kind: 'bullets', items: ['a', 'b'] },
      { kind: 'paragraph', lines: ['Three'] },
    ]);
  });

  it('separates a list from a paragraph that follows without a blank line', () => {
    expect(parseBlocks('- a\nafter')).toEqual([
      { kind: 'bullets', items: ['a'] },
      { kind: 'paragraph', lines: ['after'] },
    ]);
  });
});

describe('markdownToHtml', () => {
  it('renders the subset and escapes everything else', () => {
    expect(markdownToHtml('Hi **<b>** `</code><script>`\n\n- [x](https://e.x)')).toBe(
      '<p>Hi <strong>&lt;b&gt;</strong> <code>&lt;/code&gt;&lt;script&gt;</code></p>\n<ul><li>[x](https://e.x)</li></ul>',
    );
  });

  it('never emits a tag other than p, ul, li, strong, code', () => {
    const html = markdownToHtml('<img src=x onerror=alert(1)> **<svg onload=x>** # h\n\n<iframe>');
    const tags = [...html.matchAll(/<\/?([a-z]+)/g)].map((m) => m[1]);
    expect(new Set(tags)).toEqual(new Set(['p', 'strong']));
    expect(inlineMarkdownToHtml('"\'&')).toBe('&quot;&#39;&amp;');
  });
});
