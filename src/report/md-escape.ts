/**
 * Escapes text so Markdown renderers show it literally: no emphasis, links, HTML, headings,
 * list markers or table-cell breaks. Newlines become spaces (the result is one inline run), and
 * `$` is escaped when a string holds two of them so GitHub does not render amounts as math.
 *
 * @example
 * mdEscape('a|b <script> **x**'); // 'a\\|b \\<script\\> \\*\\*x\\*\\*'
 */
export function mdEscape(value: unknown): string {
  let s = String(value ?? '')
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[\\`*_[\]<>|~&]/g, '\\$&');
  if ((s.match(/\$/g) ?? []).length >= 2) s = s.replace(/\$/g, '\\$');
  // Markers that only mean something at the start of a line.
  s = s
    .replace(/^(\s*)([+-])(?=\s|$)/, '$1\\$2')
    .replace(/^(\s*)#/, '$1\\#')
    .replace(/^(\s*)([=-]+\s*)$/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2');
  return s;
}

/**
 * A Markdown code span for any text: the fence is longer than any backtick run inside, and
 * newlines become spaces.
 *
 * @example
 * mdCode('a`b'); // '``a`b``'
 */
export function mdCode(value: string): string {
  const text = value.replace(/\r\n?|\n/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || /^ .* $/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
