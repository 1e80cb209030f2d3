/**
 * The KPI section's sentence on the orders read (summary.md, dashboard.html): said only when an
 * order is netted of a refund or not counted, so a workspace without refunds or statuses reads as
 * before.
 */
import { describe, expect, it } from 'vitest';
import { ordersCountedSentence } from './dashboard.ts';

const orders = {
  counted: 10,
  partially_refunded: 0,
  refund_unknown: 0,
  refunds: 0,
  cancelled: 0,
  refunded: 0,
  unpaid: 0,
  warning: null,
};
const of = (o: Partial<typeof orders>) =>
  ordersCountedSentence({
    currency: 'EUR',
    members: { orders: { ...orders, ...o } } as Parameters<typeof ordersCountedSentence>[0]['members'],
  });

describe('the sentence on the orders that count', () => {
  it('is empty when every order read counts whole', () => {
    expect(of({})).toBe('');
  });

  it('says the orders netted and the orders left out, by what they are', () => {
    expect(of({ partially_refunded: 2, refunds: 234.5, refunded: 1 })).toBe(
      ' Revenue and purchases are the orders that count, net of refunds: 10 of the 11 orders read (2 net of a partial refund, EUR 234.50 in all); not counted: 1 refunded whole.',
    );
    expect(of({ counted: 1200, cancelled: 3, unpaid: 1000 })).toBe(
      ' Revenue and purchases are the orders that count, net of refunds: 1,200 of the 2,203 orders read; not counted: 3 cancelled or voided, 1,000 not paid yet.',
    );
  });
});
