import { describe, expect, it } from 'vitest';
import { alertFigures } from '../../../src/cli/progress.ts';

describe('alertFigures', () => {
  it('prints a breached share so that it does not read like its threshold', () => {
    expect(alertFigures({ value: 0.01027, threshold: 0.01, unit: 'share', direction: 'above' })).toBe(
      '1.03% vs threshold 1.00% (above the maximum)',
    );
    expect(alertFigures({ value: 0.029, threshold: 0.01, unit: 'share', direction: 'above' })).toBe(
      '2.9% vs threshold 1.0% (above the maximum)',
    );
    expect(alertFigures({ value: 0.24999, threshold: 0.25, direction: 'below' })).toBe(
      '24.999% vs threshold 25.000% (below the minimum)',
    );
  });

  it('prints counts and ratios as numbers', () => {
    expect(alertFigures({ value: 1, threshold: 0, unit: 'count', direction: 'above' })).toBe(
      '1 vs threshold 0 (above the maximum)',
    );
    expect(alertFigures({ value: 1.237, threshold: 1.2, unit: 'ratio', direction: 'above' })).toBe(
      '1.24 vs threshold 1.20 (above the maximum)',
    );
  });
});
