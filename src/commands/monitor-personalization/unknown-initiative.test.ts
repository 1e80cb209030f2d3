/**
 * The error for an unknown --initiative (h-per23): initiatives match ignoring case (and the spaces
 * around them), so a configured "Checkout Recs" and the data's "checkout recs" are one choice. The
 * hint listed both — `use one of: "Checkout Recs", "Homepage", "checkout recs"` — as if they were
 * two initiatives to pick from.
 */
import { describe, expect, it } from 'vitest';
import { unknownInitiative } from './inputs.ts';

describe('unknown --initiative', () => {
  it('lists each initiative once, in its configured spelling', () => {
    const e = unknownInitiative('Checkot', ['Checkout Recs', 'Homepage', 'checkout recs', ' HOMEPAGE ']);
    expect(e.hint).toBe('use one of: "Checkout Recs", "Homepage"');
    expect(e.message).toContain('no initiative "Checkot"');
  });

  it('still suggests the nearest one', () => {
    expect(unknownInitiative('Homepag', ['Checkout Recs', 'Homepage', 'homepage']).hint).toBe(
      'did you mean "Homepage"?',
    );
  });
});
