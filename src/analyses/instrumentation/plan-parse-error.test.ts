import { describe, expect, it } from 'vitest';
import { parsePlanDocument } from './plan-document.ts';
import type { PlanParseError } from './plan-parse-error.ts';
import { jsonSyntaxError } from './plan-parse-error.ts';

/** The error JSON.parse raises on `text`. */
function parseError(text: string): PlanParseError {
  try {
    JSON.parse(text);
  } catch (err) {
    return jsonSyntaxError(text, err, 'check the file is JSON');
  }
  throw new Error('parsed');
}

const lines = (...l: string[]) => l.join('\n');
const plan = (...events: string[]) =>
  lines(
    '{',
    '  "format": "gtm-tracking-plan/v1",',
    '  "name": "Shop",',
    '  "events": [',
    ...events,
    '  ]',
    '}',
  );

describe('jsonSyntaxError', () => {
  it('names the line of a trailing comma, a missing comma, an unquoted value and a bad string', () => {
    const trailing = parseError(plan('    { "name": "A Done", },'));
    expect(trailing.at).toBe('line 5');
    expect(trailing.message).toBe('not valid JSON: Expected double-quoted property name (column 25)');
    expect(parseError(plan('    { "name": "A Done" "type": "track" }')).at).toBe('line 5');
    const token = parseError(
      plan(...Array.from({ length: 30 }, () => '    { "name": "A" },'), '    { "name": nope }'),
    );
    expect(token.at).toBe('line 35');
    expect(token.message).toMatch(/^not valid JSON: Unexpected token 'o' \(column \d+\)$/);
    expect(parseError(lines('{', '  "a": "x', 'y"', '}')).at).toBe('line 2');
  });

  it('puts the end of the input on its last line, and keeps a message it cannot place', () => {
    expect(parseError(lines('{', '  "events": [', '')).at).toBe('line 2');
    const unplaced = jsonSyntaxError('{}', new Error('something else'), 'hint');
    expect(unplaced.at).toBeUndefined();
    expect(unplaced.message).toBe('not valid JSON: something else');
  });

  it('is what parsePlanDocument raises for a plan that is not JSON', () => {
    expect(() => parsePlanDocument(plan('    { "name": "A Done", },'), 'json')).toThrow(
      expect.objectContaining({ at: 'line 5', hint: 'check the file is JSON' }),
    );
  });
});
