import { describe, expect, it } from 'vitest';
import { churnModelLine } from './format.ts';
import type { MonitorLoyaltyResult } from './result.ts';

type Models = MonitorLoyaltyResult['models'];
const bgnbd = {
  params: { r: 0.79, alpha: 6.379, a: 37.922, b: 737.214 },
  converged: true,
  rows: 1760,
  members: 2431,
} as unknown as Models['bgnbd'];

describe('churnModelLine', () => {
  it('says what the model is for, what it was fitted on and how it predicted the window', () => {
    const holdout = {
      predicted: 742.54,
      actual: 770,
      relative_error: (742.54 - 770) / 770,
    } as Models['holdout'];
    expect(churnModelLine({ bgnbd, holdout })).toBe(
      'Churn model (BG/NBD purchase model behind P(alive), churn risk and win-back; weeks): converged, fitted on 1760 distinct purchase histories (repeat purchases, recency, age) of 2431 members; r 0.790, α 6.379, a 37.922, b 737.214. Fitted before the window, it predicted 743 purchases in it; 770 happened (\u22123.6%).',
    );
  });
  it('explains a and b run off together: one dropout chance for every member', () => {
    // the demo's fit (seed 7): a 44,729,964, b 917,165,365, a / (a + b) = 4.65%
    const wide = { ...bgnbd, params: { r: 0.9, alpha: 8, a: 44_729_964, b: 917_165_365 } } as Models['bgnbd'];
    expect(churnModelLine({ bgnbd: wide, holdout: null })).toContain(
      'b 917165365.000 (a and b this large mean one chance of dropping out after a purchase for every member, a / (a + b) = 4.7%: the purchases show no spread in it).',
    );
    expect(churnModelLine({ bgnbd, holdout: null })).not.toContain('one chance of dropping out');
  });
  it('no check sentence without a finite prediction; nothing without a model', () => {
    const holdout = {
      predicted: Number.NEGATIVE_INFINITY,
      actual: 770,
      relative_error: null,
    } as Models['holdout'];
    expect(churnModelLine({ bgnbd, holdout })).not.toContain('predicted');
    expect(churnModelLine({ bgnbd, holdout: null })).toMatch(/b 737\.214\.$/);
    expect(churnModelLine({ bgnbd: null, holdout: null } as unknown as Models)).toBeNull();
  });
});
