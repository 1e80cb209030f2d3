import { describe, expect, it } from 'vitest';
import { boundaryBgnbd, degenerateBgnbd, tooFewForModels } from './model-fits.ts';

const MIN = { purchasers: 50, repeatBuyers: 30 };

describe('minimum sample of the churn and value models', () => {
  it('names each count below its minimum and the setting', () => {
    expect(tooFewForModels({ purchasers: 4, repeatBuyers: 2 }, MIN)).toBe(
      'too few members to fit on: 4 members with a purchase at least a day old (loyalty.models.min_purchasers: 50) and 2 repeat buyers (loyalty.models.min_repeat_buyers: 30)',
    );
    expect(tooFewForModels({ purchasers: 500, repeatBuyers: 29 }, MIN)).toBe(
      'too few members to fit on: 29 repeat buyers (loyalty.models.min_repeat_buyers: 30)',
    );
    expect(tooFewForModels({ purchasers: 1, repeatBuyers: 0 }, MIN)).toMatch(
      /1 member with .* 0 repeat buyers/,
    );
  });

  it('lets a sample at the minimum through (and says nothing when nobody bought)', () => {
    expect(tooFewForModels({ purchasers: 50, repeatBuyers: 30 }, MIN)).toBeNull();
    expect(tooFewForModels({ purchasers: 0, repeatBuyers: 0 }, MIN)).toBeNull();
  });
});

describe('degenerate BG/NBD optimum', () => {
  it('flags a mean dropout a/(a+b) of 0.99 or more (the review fit a = 10,246, b = 9.8e-5)', () => {
    expect(degenerateBgnbd({ r: 0.5, alpha: 3, a: 10246, b: 9.8e-5 })).toMatch(
      /degenerate \(a 1\.02e\+4, b 9\.80e-5: a mean dropout of 100\.0% after every purchase/,
    );
    expect(degenerateBgnbd({ r: 0.5, alpha: 3, a: 99, b: 1 })).toMatch(/99\.0%/);
  });

  it('keeps credible fits, CDNOW and a homogeneous dropout (a, b large at a fixed ratio) included', () => {
    expect(degenerateBgnbd({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 })).toBeNull();
    expect(degenerateBgnbd({ r: 1, alpha: 1, a: 2e4, b: 6e4 })).toBeNull();
    expect(degenerateBgnbd({ r: 1, alpha: 1, a: 98, b: 2 })).toBeNull();
  });
});

describe('BG/NBD parameters at the edge of their range', () => {
  const loyB = { r: 0.001044, alpha: 1.5e-323, a: 4.08e80, b: 2.11e80 };
  const sample = { purchasers: 228, repeatBuyers: 150, repeatSpanDays: 21, maxAgeDays: 238 };

  it('are degenerate, converged or not, with what the sample shows', () => {
    const edge = boundaryBgnbd(loyB, sample);
    expect(edge).toBe(
      'the fit is degenerate: its parameters ran to the edge of their range (r 0.00104, alpha 1.48e-323, a 4.08e+80, b 2.11e+80) instead of settling on credible values, because the purchases show no steady buying rate to extrapolate (150 of the 228 members fitted on bought again, all within 21 days of their first purchase; first purchases up to 238 days old)',
    );
    // a / (a + b) = 0.66: not the dropout rule, the edge
    expect(degenerateBgnbd(loyB, sample)).toBe(edge);
    expect(boundaryBgnbd({ r: 1, alpha: Infinity, a: 1, b: 1 })).toMatch(
      /alpha Infinity, a 1\.00, b 1\.00\) instead/,
    );
    expect(boundaryBgnbd({ r: 1, alpha: 1, a: 2e30, b: 1 })).toMatch(/edge of their range/);
    expect(
      boundaryBgnbd({ r: 1, alpha: 1, a: 1, b: 1 }, { purchasers: 1, repeatBuyers: 1, repeatSpanDays: 1 }),
    ).toBeNull();
  });

  it('are not reached by credible fits', () => {
    expect(boundaryBgnbd({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 })).toBeNull();
    // a, b large together (every member the same dropout) is a ridge, not the edge
    expect(boundaryBgnbd({ r: 0.23, alpha: 0.149, a: 1.1e10, b: 1.12e10 })).toBeNull();
  });
});
