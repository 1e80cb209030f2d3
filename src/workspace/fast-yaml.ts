import jsYaml from 'js-yaml';

/**
 * The value of a plain gtm.yaml, parsed quickly, or `undefined` when the text uses anything on
 * which the quick parser and the exact one (the `yaml` package, YAML 1.2 core schema, which also
 * gives line and column for every error) might differ: then the caller parses it exactly.
 *
 * Why: loading and parsing a 15 KB gtm.yaml with the exact parser costs about 0.2 s of CPU at every
 * start, three quarters of a command's start-up budget; js-yaml takes about a quarter of that.
 * Both read the YAML 1.2 core schema the same way for the plain subset kept here (maps, lists,
 * quoted and plain strings, numbers, booleans, nulls, comments, block scalars). Plain scalars (numbers,
 * booleans, nulls) are resolved by the core schema's own patterns (`CORE` below). Refused: anchors
 * and aliases (the exact parser bounds their expansion), tags and directives, and every text the
 * quick parser rejects (duplicate keys, bad indentation…), so that errors always come from the
 * exact parser with their position. `fast-yaml.test.ts` checks agreement on every gtm.yaml in the
 * repository and on generated variants.
 */
export function fastYaml(text: string): unknown {
  if (REFUSE.some((re) => re.test(text)) || !linesArePlain(text)) return undefined;
  try {
    return jsYaml.load(text, { schema: CORE, json: false });
  } catch {
    return undefined;
  }
}

const REFUSE: RegExp[] = [
  /(^|[\s[{,:-])[&*!]/m, // anchors, aliases, tags (also in flow collections and after "- ")
  /^%/m, // directives (%YAML 1.1 changes the schema)
  /^(---|\.\.\.)\s*\S/m, // content on a document marker line
  /^\.\.\.|\n---/m, // several documents, or an explicit end
  /\t/, // tabs: the parsers differ on where they are allowed
  /[\uFEFF]/, // byte order marks
  /^\s*\?(\s|$)/m, // complex mapping keys
];

/**
 * Whether every line is one the two parsers read alike: a `key: value` or `- item` line whose
 * scalar ends on that line (a quoted string closed on it), a flow collection (`[…]`, `{…}`) whose
 * continuation lines are indented deeper than the line that opened it, a comment, a blank line, or
 * the content of a block scalar (`|`, `>`). Scalars continued over several lines are where the
 * parsers differ in leniency (js-yaml accepts some that the YAML 1.2 parser rejects), so such
 * texts go to the exact parser.
 */
function linesArePlain(text: string): boolean {
  let blockIndent = -1; // inside a block scalar whose key line had this indentation
  let flowIndent = -1; // inside a flow collection opened on a line with this indentation
  let depth = 0;
  for (const line of text.split(/\r?\n/)) {
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (blockIndent >= 0) {
      if (body === '' || indent > blockIndent) continue;
      blockIndent = -1;
    }
    if (flowIndent >= 0) {
      if (body === '' || body.startsWith('#')) continue;
      if (indent <= flowIndent) return false;
      depth = flowDepth(body, depth);
      if (depth < 0) return false;
      if (depth === 0) flowIndent = -1;
      continue;
    }
    if (body === '' || body.startsWith('#') || body === '---') continue;
    const m = LINE.exec(line);
    if (!m) return false;
    const value = m[1].trim();
    if (/^[|>][-+0-9]*\s*(#.*)?$/.test(value)) blockIndent = indent;
    else if (value.startsWith('"')) {
      if (!/^"(?:[^"\\]|\\.)*"\s*(#.*)?$/.test(value)) return false;
    } else if (value.startsWith("'")) {
      if (!/^'(?:[^']|'')*'\s*(#.*)?$/.test(value)) return false;
    } else if (value.startsWith('[') || value.startsWith('{')) {
      depth = flowDepth(value, 0);
      if (depth < 0) return false;
      if (depth > 0) flowIndent = indent;
    }
  }
  return flowIndent < 0;
}

/** `  - - key: value`: list dashes, then a key (plain or quoted) and its value, or a bare item. */
const LINE =
  /^\s*(?:-\s+)*(?:(?:[^\s#'"?{[\]},&*!|>%@`-][^#:]*?|-[^\s#:][^#:]*?|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*:(?:\s+|$))?(.*)$/;

/**
 * The bracket depth after one line of a flow collection, starting at `depth`; -1 when a quoted
 * string does not close on the line, a bracket closes one that was not open, or something other
 * than a comment follows the collection's end.
 */
function flowDepth(line: string, depth: number): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) {
        if (quote === "'" && line[i + 1] === "'") i++;
        else quote = '';
      }
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (--depth < 0) return -1;
      if (depth === 0 && !/^\s*(#.*)?$/.test(line.slice(i + 1))) return -1;
    } else if (c === '#' && /\s/.test(line[i - 1] ?? ' ')) break;
  }
  return quote ? -1 : depth;
}

/**
 * The YAML 1.2 core schema's plain scalars, resolved as the exact parser resolves them (its
 * `core` schema; js-yaml's own core schema also takes `1_000`, binary literals and reads `-0` as 0).
 */
const scalar = (tag: string, test: (s: string) => boolean, make: (s: string) => unknown) =>
  new jsYaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (s: string | null) => s !== null && test(s),
    construct: (s: string | null) => make(s ?? ''),
  });
const CORE = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar(
      'null',
      (s) => /^(?:~|[Nn]ull|NULL)?$/.test(s),
      () => null,
    ),
    scalar(
      'bool',
      (s) => /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s),
      (s) => s[0] === 't' || s[0] === 'T',
    ),
    scalar(
      'int',
      (s) => /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(s),
      (s) =>
        s.startsWith('0o')
          ? parseInt(s.slice(2), 8)
          : s.startsWith('0x')
            ? parseInt(s.slice(2), 16)
            : Number(s),
    ),
    scalar(
      'float',
      (s) =>
        /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s) ||
        /^[-+]?\.(?:inf|Inf|INF)$/.test(s) ||
        /^\.(?:nan|NaN|NAN)$/.test(s),
      (s) =>
        /inf$/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : /nan$/i.test(s) ? NaN : Number(s),
    ),
  ],
});
