/**
 * Raised by the pure format readers when a document does not have the expected shape. Commands
 * turn it into a `GtmError('INPUT')` with the file name in front of `at`.
 */
export class PlanParseError extends Error {
  /** Where in the document: a JSON path (`events[3].properties[0].schema`), a CSV `row 12`, ... */
  readonly at?: string;
  readonly hint?: string;

  constructor(message: string, at?: string, hint?: string) {
    super(message);
    this.name = 'PlanParseError';
    this.at = at;
    this.hint = hint;
  }
}

/**
 * A `JSON.parse` failure as a PlanParseError at its line, so that a hand-edited plan names the line
 * to fix. V8 gives the offset (`in JSON at position 825`) or, for an unexpected token, the text
 * around it (10 characters either side); the end of the input is the last line.
 *
 * @example jsonSyntaxError('{\n  "a": 1,\n}', err, 'check the file is JSON').at // 'line 3'
 */
export function jsonSyntaxError(text: string, err: unknown, hint: string): PlanParseError {
  const message = err instanceof Error ? err.message : String(err);
  const offset = jsonErrorOffset(text, message);
  if (offset === undefined) return new PlanParseError(`not valid JSON: ${message}`, undefined, hint);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  // The snippet V8 quotes is noise once the line and column are named.
  const reason = message
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '');
  return new PlanParseError(`not valid JSON: ${reason} (column ${column})`, `line ${line}`, hint);
}

function jsonErrorOffset(text: string, message: string): number | undefined {
  const at = / at position (\d+)/.exec(message);
  if (at) return Math.min(Number(at[1]), text.length);
  if (/^Unexpected end of JSON input/.test(message)) return text.trimEnd().length;
  const m = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (!m) return undefined;
  const [, token, cutBefore, snippet, cutAfter] = m;
  const start = text.indexOf(snippet);
  if (start < 0) return undefined;
  if (cutAfter) return start + Math.max(0, snippet.length - 10);
  if (cutBefore) return start + Math.min(10, snippet.length - 1);
  return start + Math.max(0, snippet.lastIndexOf(token));
}
