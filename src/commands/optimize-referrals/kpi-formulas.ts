import type { ReferralMetrics } from '../../analyses/referrals/index.ts';

/** Every KPI of the funnel with its formula, as the dashboard's KPI table and the docs show them. */
export const KPI_FORMULAS: readonly {
  key: keyof ReferralMetrics;
  label: string;
  format: 'percent' | 'number' | 'currency';
  formula: string;
}[] = [
  {
    key: 'participationRate',
    label: 'Participation rate',
    format: 'percent',
    formula: 'advocates who shared / eligible advocates',
  },
  { key: 'shareRate', label: 'Share rate', format: 'number', formula: 'shares / advocates who shared' },
  { key: 'clicksPerShare', label: 'Clicks per share', format: 'number', formula: 'clicks / shares' },
  {
    key: 'signupRate',
    label: 'Sign-up rate',
    format: 'percent',
    formula: 'referred sign-ups (friends on their first claim) / clicks',
  },
  {
    key: 'conversionRate',
    label: 'Referral conversion rate',
    format: 'percent',
    formula: 'referred customers / referred sign-ups',
  },
  {
    key: 'friendsTurnedAdvocates',
    label: 'Friends turned advocates',
    format: 'percent',
    formula: 'referred customers who shared their own link after buying / referred customers',
  },
  {
    key: 'shareOfNewCustomers',
    label: 'Referral share of new customers',
    format: 'percent',
    formula:
      'referred customers who are new customers / all new customers (first revenue order in the window; a referred friend who was already a customer is not new)',
  },
  {
    key: 'shareOfNewRevenue',
    label: 'Referral share of new-customer revenue',
    format: 'percent',
    formula:
      'referred new customers’ first-order revenue / all new customers’ first-order revenue (net of refunds; the same orders, so at most 100%)',
  },
  {
    key: 'kFactor',
    label: 'k-factor',
    format: 'number',
    formula:
      'invites per eligible advocate × conversions per invite = referred customers / eligible advocates',
  },
  {
    key: 'programCost',
    label: 'Program cost',
    format: 'currency',
    formula:
      'rewards + friend incentives + fees − rewards clawed back (payouts created in the window, not void)',
  },
  {
    key: 'costPerReferredCustomer',
    label: 'Cost per referred customer',
    format: 'currency',
    formula: 'program cost / referred customers',
  },
  {
    key: 'payoutRoi',
    label: 'Payout ROI',
    format: 'number',
    formula: '(referred revenue − program cost) / program cost',
  },
];
