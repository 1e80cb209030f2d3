/**
 * The small Markdown subset dashboards allow in `markdown` blocks, section intros and callouts:
 * paragraphs, `- ` bullet lines, `**bold**` and `` `code` ``. Everything else is literal text, so
 * values from data can be interpolated without turning into links, HTML or headings. Both
 * renderers parse with these functions and then escape for their own output.
 */

export type InlineSegment = { type: 'text' | 'bold' | 'code'; text: string };

export type MarkdownChunk = { kind: 'paragraph'; lines: string[] } | { kind: 'bullets'; items: string[] };

/**
 * Splits one line into text, bold and code segments. Unmatched markers stay literal.
 *
 * @example
 * parseInline('Use **two** `--flags`');
 * // [{type:'text',text:'Use '},{type:'bold',text:'two'},{type:'text',text:' '},{type:'code',text:'--flags'}]
 */
export function parseInline(source: string): InlineSegment[] {
  const out: InlineSegment[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ type: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < source.length) {
    if (source[i] === '`') {
      let n = 1;
      while (source[i + n] === '`') n++;
      const fence = '`'.repeat(n);
      let close = source.indexOf(fence, i + n);
      // A closing run must be exactly as long as the opening one.
      while (close !== -1 && source[close + n] === '`') {
        let end = close;
        while (source[end] === '`') end++;
        close = source.indexOf(fence, end);
      }
      if (close !== -1) {
        flush();
        let code = source.slice(i + n, close);
        if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim())
          code = code.slice(1, -1);
        out.push({ type: 'code', text: code });
        i = close + n;
        continue;
      }
      text += fence;
      i += n;
      continue;
    }
    if (source.startsWith('**', i)) {
      const close = source.indexOf('**', i + 2);
      if (close > i + 2) {
        flush();
        out.push({ type: 'bold', text: source.slice(i + 2, close) });
        i = close + 2;
        continue;
      }
    }
    text += source[i];
    i++;
  }
  flush();
  return out;
}

const BULLET = /^\s*[-*]\s+/;

/**
 * Splits text into paragraphs (separated by blank lines) and runs of `- ` / `* ` bullet lines.
 *
 * @example
 * parseBlocks('Intro\n\n- one\n- two'); // [{kind:'paragraph',lines:['Intro']},{kind:'bullets',items:['one','two']}]
 */
export function parseBlocks(source: string): MarkdownChunk[] {
  const chunks: (MarkdownChunk & { closed?: boolean })[] = [];
  for (const para of source.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    const lines = para.split('\n').filter((l) => l.trim() !== '');
    for (const line of lines) {
      const last = chunks[chunks.length - 1];
      if (BULLET.test(line)) {
        const item = line.replace(BULLET, '');
        if (last?.kind === 'bullets' && !last.closed) last.items.push(item);
        else chunks.push({ kind: 'bullets', items: [item] });
      } else if (last?.kind === 'paragraph' && !last.closed) {
        last.lines.push(line.trim());
      } else {
        chunks.push({ kind: 'paragraph', lines: [line.trim()] });
      }
    }
    // A blank line ends the current paragraph or list.
    const last = chunks[chunks.length - 1];
    if (last) last.closed = true;
  }
  return chunks.map((c) =>
    c.kind === 'paragraph' ? { kind: c.kind, lines: c.lines } : { kind: c.kind, items: c.items },
  );
}
