/**
 * The one rule for a control (holdout) arm without a flag: the names by the list's priority, not
 * the variants' order; any case, trimmed; else the first variant.
 */
import { describe, expect, it } from 'vitest';
import { CONTROL_NAMES, defaultControl } from './default-control.ts';

describe('defaultControl', () => {
  it('follows the priority of the names given, not the sort order of the variants', () => {
    // `control` sorts before `holdout`; monitor-loyalty's and monitor-personalization's default
    // holdout_variants put holdout first
    expect(defaultControl(['control', 'holdout', 'treat'], ['holdout', 'control'])).toEqual({
      variant: 'holdout',
      chosen_by: 'name',
      reason: 'named "holdout"',
    });
    expect(defaultControl(['control', 'holdout', 'treat']).variant).toBe('control');
    expect(defaultControl(['aa_base', 'pers', 'zz_hold'], ['zz_hold', 'aa_base']).variant).toBe('zz_hold');
  });

  it('matches any case with both sides trimmed, and returns the variant as it is spelled', () => {
    expect(defaultControl(['B_new', ' Holdout '], ['control', ' HOLDOUT'])).toEqual({
      variant: ' Holdout ',
      chosen_by: 'name',
      reason: 'named "HOLDOUT"',
    });
  });

  it('takes the first in order when two variants match one name', () => {
    expect(defaultControl(['Control', 'control', 'x'], ['control']).variant).toBe('Control');
  });

  it('else the first variant, naming the names it looked for', () => {
    expect(defaultControl(['v1', 'v2'], ['holdout', 'control'])).toEqual({
      variant: 'v1',
      chosen_by: 'order',
      reason: 'first in sort order (no variant is named holdout or control)',
    });
    expect(defaultControl(['v1', 'v2']).reason).toBe(
      `first in sort order (no variant is named control, holdout, baseline or original)`,
    );
    expect(defaultControl(['v1', 'v2'], ['ctrl_grp']).reason).toBe(
      'first in sort order (no variant is named ctrl_grp)',
    );
    expect(defaultControl(['v1', 'v2'], []).reason).toBe('first in sort order');
    expect(CONTROL_NAMES).toEqual(['control', 'holdout', 'baseline', 'original']);
  });
});
