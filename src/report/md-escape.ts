/** Line breaks: CR LF, CR, LF, and the Unicode line and paragraph separators. */
const LINE_BREAK = /\r\n?|[\n\u2028\u2029]/g;
/** Control characters but line breaks: C0 (tab too), DEL and C1. */
const CONTROL = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * Text from the data made safe to write into Markdown as one line: line breaks become spaces (a
 * value cannot start a heading, list or table row of its own), a tab a space, and every other
 * control character (C0, DEL, C1: ESC, BEL, NUL, CSI, …) a visible `\xNN`, as on the terminal,
 * so that a report viewed with `cat` or in an editor shows the value instead of acting on it.
 *
 * @example
 * mdLine('pm\u001b]0;x\u0007\nnext'); // 'pm\\x1b]0;x\\x07 next'
 */
export function mdLine(value: string): string {
  return value
    .replace(LINE_BREAK, ' ')
    .replace(CONTROL, (c) => (c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/**
 * Escapes text so Markdown renderers show it literally: no emphasis, links, HTML, headings,
 * list markers or table-cell breaks. Line breaks become spaces (the result is one inline run),
 * control characters `\xNN` (`mdLine`), and `$` is escaped when a string holds two of them so
 * GitHub does not render amounts as math.
 *
 * @example
 * mdEscape('a|b <script> **x**'); // 'a\\|b \\<script\\> \\*\\*x\\*\\*'
 */
export function mdEscape(value: unknown): string {
  // the backslashes first, so that those of the `\xNN` escapes stay single
  let s = mdLine(String(value ?? '').replace(/[\\`*_[\]<>|~&]/g, '\\$&'));
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
 * A Markdown code span for any text: the fence is longer than any backtick run inside, line
 * breaks become spaces and control characters `\xNN` (`mdLine`).
 *
 * @example
 * mdCode('a`b'); // '``a`b``'
 */
export function mdCode(value: string): string {
  const text = mdLine(value);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || /^ .* $/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
