const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and for double- or single-quoted attribute values.
 * Every string that comes from data goes through here (or `jsonForScript`) before it reaches
 * the page.
 *
 * @example
 * escapeHtml('<b title="x">'); // '&lt;b title=&quot;x&quot;&gt;'
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Serialises a value as JSON that is safe inside `<script type="application/json">`: `<`, `>`
 * and `&` become `\u003c`, `\u003e`, `\u0026`, so neither `</script>` nor `<!--` can end or
 * change the script element, and U+2028/U+2029 are escaped for old JavaScript parsers.
 * `JSON.parse(script.textContent)` gives the original value back.
 *
 * @example
 * jsonForScript({ a: '</script>' }); // '{"a":"\\u003c/script\\u003e"}'
 */
export function jsonForScript(value: unknown, space?: number): string {
  return (JSON.stringify(value, null, space) ?? 'null').replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
