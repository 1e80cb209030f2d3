/** Elements dropped with everything inside them: nothing in a chart may run, load or embed. */
const DROPPED = new Set(['script', 'foreignobject', 'image', 'iframe', 'use', 'style']);
/** Elements whose tags are dropped but whose children are kept (links). */
const UNWRAPPED = new Set(['a']);
/** Geometry attributes whose numbers are rounded (Vega writes values like 50.00000000000001). */
const GEOMETRY = new Set([
  'd',
  'transform',
  'x',
  'y',
  'x1',
  'x2',
  'y1',
  'y2',
  'dx',
  'dy',
  'width',
  'height',
  'r',
  'cx',
  'cy',
  'points',
  'viewBox',
]);

/**
 * Makes a Vega SVG string safe and stable to inline in a page:
 * - ids (clip paths, gradients) are renamed `<idPrefix>-1`, `-2`… in document order and their
 *   `url(#…)` / `href="#…"` references follow, so several charts on one page cannot collide and
 *   Vega's process-wide counters do not leak into the output;
 * - `<a>` wrappers are unwrapped; `<image>`, `<use>`, `<script>`, `<style>` and `<foreignObject>`
 *   are removed; `on*` handlers and any `href` that is not `#local` are dropped, so nothing in a
 *   chart can load, run or navigate;
 * - long decimals in geometry attributes are rounded to 2 places.
 *
 * Works on Vega's own output, which escapes `<`, `>` and `"` in text and attribute values, so
 * every `<…>` token is a tag and text between tags is left exactly as it is.
 *
 * @example
 * sanitizeSvg('<svg><clipPath id="clip7"/><g clip-path="url(#clip7)"/></svg>', 'chart-1');
 * // '<svg><clipPath id="chart-1-1"/><g clip-path="url(#chart-1-1)"/></svg>'
 */
export function sanitizeSvg(svg: string, idPrefix: string): string {
  const ids = new Map<string, string>();
  const rename = (id: string): string => {
    let next = ids.get(id);
    if (!next) {
      next = `${idPrefix}-${ids.size + 1}`;
      ids.set(id, next);
    }
    return next;
  };

  // Pass 1: drop unsafe elements, rename ids, clean attributes. References are fixed in pass 2,
  // because a clip path can be used before the <defs> that declares it.
  const parts: string[] = [];
  let skipDepth = 0;
  let skipName = '';
  const tokens = svg.split(/(<[^>]*>)/);
  for (const token of tokens) {
    if (!token.startsWith('<')) {
      if (skipDepth === 0) parts.push(token);
      continue;
    }
    const m = /^<(\/?)([A-Za-z][\w:-]*)/.exec(token);
    if (!m) {
      // Comments, doctypes, processing instructions: not part of a chart.
      continue;
    }
    const [, slash, rawName] = m;
    const name = rawName.toLowerCase();
    const selfClosing = token.endsWith('/>');
    if (skipDepth > 0) {
      if (name === skipName) skipDepth += slash ? -1 : selfClosing ? 0 : 1;
      continue;
    }
    if (DROPPED.has(name)) {
      if (!slash && !selfClosing) {
        skipDepth = 1;
        skipName = name;
      }
      continue;
    }
    if (UNWRAPPED.has(name)) continue;
    parts.push(slash ? token : cleanTag(token, rename));
  }

  return parts
    .join('')
    .replace(/url\(#([^)]*)\)/g, (ref, id: string) => (ids.has(id) ? `url(#${ids.get(id)})` : ref))
    .replace(/(\s(?:xlink:)?href=")#([^"]*)"/g, (ref, pre: string, id: string) =>
      ids.has(id) ? `${pre}#${ids.get(id)}"` : ref,
    );
}

function cleanTag(tag: string, rename: (id: string) => string): string {
  return tag.replace(/\s([\w:-]+)="([^"]*)"/g, (attr, rawName: string, value: string) => {
    const name = rawName.toLowerCase();
    if (name.startsWith('on')) return '';
    if (name === 'href' || name === 'xlink:href') return value.startsWith('#') ? attr : '';
    if (name === 'id') return ` ${rawName}="${rename(value)}"`;
    if (GEOMETRY.has(rawName)) return ` ${rawName}="${roundNumbers(value)}"`;
    return attr;
  });
}

/**
 * Rounds every decimal number in a string to at most `places` places, never printing "-0".
 *
 * @example
 * roundNumbers('M0.5,50.00000000000001h-0.001'); // 'M0.5,50h0'
 */
export function roundNumbers(value: string, places = 2): string {
  return value.replace(/-?\d*\.\d+(?:e[-+]?\d+)?/gi, (n) => {
    const r = Number(Number(n).toFixed(places));
    return Object.is(r, -0) ? '0' : String(r);
  });
}
