import { describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { reconcile } from './row-accounting.ts';

describe('reconcile', () => {
  it.each([
    { rows_in: 0, accepted: 0, deduplicated: 0, rejected: 0 },
    { rows_in: 10, accepted: 7, deduplicated: 2, rejected: 1 },
    { rows_in: 5, accepted: 0, deduplicated: 0, rejected: 5 },
  ])('accepts balanced counts %o', (counts) => {
    const a = { source: 'crm', ...counts };
    expect(reconcile(a)).toBe(a);
  });

  it('throws a retriable DATA error naming the gap when rows go missing', () => {
    const run = () => reconcile({ source: 'crm', rows_in: 10, accepted: 7, deduplicated: 1, rejected: 1 });
    expect(run).toThrow(GtmError);
    try {
      run();
    } catch (e) {
      const err = e as GtmError;
      expect(err.code).toBe('DATA');
      expect(err.retriable).toBe(true);
      expect(err.where).toBe('sources.crm');
      expect(err.message).toBe(
        'rows of crm do not reconcile: 10 read, but 7 accepted + 1 deduplicated + 1 rejected = 9 (1 unaccounted for)',
      );
    }
  });

  it('says when rows are counted twice', () => {
    expect(() => reconcile({ source: 'crm', rows_in: 2, accepted: 2, deduplicated: 1, rejected: 0 })).toThrow(
      /1 counted twice/,
    );
  });

  it('refuses negative or fractional counts', () => {
    expect(() =>
      reconcile({ source: 'crm', rows_in: 1, accepted: 2, deduplicated: -1, rejected: 0 }),
    ).toThrow(/not whole non-negative/);
    expect(() =>
      reconcile({ source: 'crm', rows_in: 1.5, accepted: 1.5, deduplicated: 0, rejected: 0 }),
    ).toThrow(GtmError);
  });
});
