/**
 * The liability's data findings (stale pending points, overdue points) print the points' value in
 * the reporting currency's decimals (ISO 4217 minor unit: JPY 0, USD 2, KWD 3). They printed 2
 * decimals whatever the currency ('62.57' for JPY and KWD). Values by hand:
 * 4,567 × 0.0137 = 62.5679 (JPY 63, USD 62.57, KWD 62.568);
 * 98,765 × 0.35 = 34,567.75 (JPY 34,568, USD 34,567.75, KWD 34,567.750).
 */
import { describe, expect, it } from 'vitest';
import { overdueFinding, stalePendingFinding } from './liability-stage.ts';

const STALE_TAIL =
  ' of 3 members have been pending for more than 90 days (loyalty.pending_confirmation_days) with no earn row for their order: their confirmation period is over, so they are left out of the pending points and the liability; post the earn rows of the orders kept and reverse the pending rows of the orders returned, or raise loyalty.pending_confirmation_days if confirmation takes longer';
const OVERDUE_TAIL =
  ' of 1 member are past their expiry date with no expire row in the ledger: the expire rows are missing; they can no longer be redeemed, so they are left out of the outstanding points and the liability (breakage); post the expire rows (run the expiry job) so balances agree';

describe('stale pending points: value in the reporting currency’s decimals', () => {
  it.each([
    ['JPY', '63'],
    ['USD', '62.57'],
    ['KWD', '62.568'],
  ])('%s: %s', (currency, value) => {
    const f = stalePendingFinding(4567, 3, 0.0137, 90, currency);
    expect(f?.finding).toBe(`4,567 pending points (${value} at 0.0137 per point)${STALE_TAIL}`);
    expect(f?.value).toBeCloseTo(62.5679, 12);
  });

  it('none below a billionth of a point', () => {
    expect(stalePendingFinding(0, 0, 0.01, 90, 'USD')).toBeNull();
  });
});

describe('overdue points: value in the reporting currency’s decimals', () => {
  it.each([
    ['JPY', '34,568'],
    ['USD', '34,567.75'],
    ['KWD', '34,567.750'],
  ])('%s: %s', (currency, value) => {
    const f = overdueFinding(98_765, 1, 0.35, currency);
    expect(f?.finding).toBe(`98,765 points (${value} at 0.35 per point)${OVERDUE_TAIL}`);
    expect(f?.value).toBeCloseTo(34_567.75, 9);
  });
});
