import { escapeHtml } from './escape-html.ts';
import { parseBlocks, parseInline } from './inline-markdown.ts';

/**
 * One line of the dashboard Markdown subset as safe HTML: `**bold**` → `<strong>`, `` `code` ``
 * → `<code>`, everything else escaped text.
 *
 * @example
 * inlineMarkdownToHtml('**Acme** <b>'); // '<strong>Acme</strong> &lt;b&gt;'
 */
export function inlineMarkdownToHtml(text: string): string {
  return parseInline(text)
    .map((s) =>
      s.type === 'bold'
        ? `<strong>${escapeHtml(s.text)}</strong>`
        : s.type === 'code'
          ? `<code>${escapeHtml(s.text)}</code>`
          : escapeHtml(s.text),
    )
    .join('');
}

/**
 * Text in the dashboard Markdown subset as safe HTML paragraphs and bullet lists.
 *
 * @example
 * markdownToHtml('Two partners are **below target**.\n\n- Acme\n- Globex');
 * // '<p>Two partners are <strong>below target</strong>.</p>\n<ul><li>Acme</li><li>Globex</li></ul>'
 */
export function markdownToHtml(text: string): string {
  return parseBlocks(text)
    .map((chunk) =>
      chunk.kind === 'paragraph'
        ? `<p>${chunk.lines.map(inlineMarkdownToHtml).join('\n')}</p>`
        : `<ul>${chunk.items.map((item) => `<li>${inlineMarkdownToHtml(item)}</li>`).join('')}</ul>`,
    )
    .join('\n');
}
