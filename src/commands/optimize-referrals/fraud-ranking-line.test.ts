/**
 * The fraud-rate ranking of partners needs `min_conversions` customers per partner; with fewer it
 * is empty, and the summary and dashboard say why instead of showing nothing while a partner's
 * fraud rate is 100%.
 */
import { describe, expect, it } from 'vitest';
import { partnerHealth, type PartnerAggregate } from '../../analyses/referrals/index.ts';
import { fraudRankingLine, type ReferralsResult } from './result.ts';

const partner = (id: string, conversions: number, flagged: number): PartnerAggregate => ({
  partner: id,
  shares: 10,
  clicks: 20,
  conversions,
  revenue: 100 * conversions,
  flaggedReferrals: flagged,
  referrals: conversions,
  refundedConversions: 0,
});

function partners(rows: PartnerAggregate[]): ReferralsResult['partners'] {
  const h = partnerHealth(rows, { minConversions: 10 });
  return {
    partners: h.partners.map((p) => ({ ...p, name: `${p.partner} Inc` })),
    top_by_fraud_rate: h.byFraudRate.top.map((p) => p.partner),
    fraud_rate_min_conversions: h.options.minConversions,
  } as unknown as ReferralsResult['partners'];
}

describe('optimize-referrals fraud-rate ranking line', () => {
  it('says no partner has ≥ 10 conversions when the ranking is empty for that reason', () => {
    const p = partners([partner('dealhub', 1, 1), partner('px', 3, 1)]);
    expect(p.top_by_fraud_rate).toEqual([]);
    expect(fraudRankingLine(p)).toBe(
      'Highest fraud rate: not ranked — no partner has ≥ 10 conversions (referrals.partner_health.min_conversions).',
    );
  });

  it('names the ranked partners, and says when none of the eligible ones has fraud', () => {
    expect(fraudRankingLine(partners([partner('a', 12, 6), partner('b', 2, 2)]))).toBe(
      'Highest fraud rate (partners with ≥ 10 conversions): a Inc.',
    );
    expect(fraudRankingLine(partners([partner('a', 12, 0)]))).toBe(
      'Highest fraud rate: none — no partner with ≥ 10 conversions has a fraud rate above 0.',
    );
  });
});
