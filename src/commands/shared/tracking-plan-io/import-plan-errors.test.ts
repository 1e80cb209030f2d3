import { describe, expect, it } from 'vitest';
import { PlanParseError } from '../../../analyses/instrumentation/plan-parse-error.ts';
import { asInputError } from './import-plan.ts';

describe('asInputError: the format with its article', () => {
  // "a amplitude plan is one file", "check the file is a iglu tracking plan"
  it('says "an amplitude plan", "an iglu tracking plan", "a segment plan"', () => {
    const folder = (format: string) =>
      asInputError(Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), 'plans', format).message;
    expect(folder('amplitude')).toBe('an amplitude plan is one file, and this is a folder');
    expect(folder('segment')).toBe('a segment plan is one file, and this is a folder');
    const unreadable = asInputError(new Error('boom'), 'p.json', 'iglu');
    expect(unreadable.hint).toBe('check the file is an iglu tracking plan');
    const parse = asInputError(new PlanParseError('bad', 'row 3'), 'p.csv', 'amplitude');
    expect(parse.hint).toBe('check the file is an amplitude tracking plan');
  });
});
