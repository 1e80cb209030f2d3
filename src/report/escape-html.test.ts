import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from './escape-html.ts';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('stringifies non-strings and treats null as empty', () => {
    expect(escapeHtml(42)).toBe('42');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
  });
});

describe('jsonForScript', () => {
  const hostile = {
    a: '</script><script>alert(1)</script>',
    b: '<!-- x -->',
    c: 'a&b',
    d: 'line\u2028sep\u2029',
    e: [1, 2.5],
  };

  it('cannot close the script element or open a comment', () => {
    const json = jsonForScript(hostile);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(json.toLowerCase()).not.toContain('</script');
    expect(json).not.toContain('<!--');
  });

  it('parses back to the same value', () => {
    expect(JSON.parse(jsonForScript(hostile))).toEqual(hostile);
    expect(JSON.parse(jsonForScript(hostile, 2))).toEqual(hostile);
  });

  it('serialises undefined as null rather than nothing', () => {
    expect(jsonForScript(undefined)).toBe('null');
  });
});
