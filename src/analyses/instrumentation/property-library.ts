import type { PlanProperty } from './tracking-plan.ts';

/**
 * Property definitions shared by the use-case templates, so that the same name always means the
 * same type and constraints across events (in the spirit of the Segment semantic specs, where
 * `order_id` or `revenue` mean one thing everywhere).
 */
type Def = Omit<PlanProperty, 'required' | 'name'>;

const id = (what: string): Def => ({
  description: `Identifier of the ${what}.`,
  schema: { type: 'string', minLength: 1, maxLength: 64 },
});
const money = (what: string, max = 10_000_000): Def => ({
  description: what,
  schema: { type: 'number', minimum: 0, maximum: max },
});
const label = (what: string, max = 120): Def => ({
  description: what,
  schema: { type: 'string', minLength: 1, maxLength: max },
});
const oneOf = (what: string, values: string[]): Def => ({
  description: what,
  schema: { type: 'string', enum: values },
});
const count = (what: string, min: number, max: number): Def => ({
  description: what,
  schema: { type: 'integer', minimum: min, maximum: max },
});

export const PROPERTY_LIBRARY = {
  // Commerce
  order_id: id('order'),
  checkout_id: id('checkout'),
  cart_id: id('cart'),
  product_id: id('product'),
  sku: label('Stock keeping unit of the product.', 64),
  category: label('Product category.', 80),
  name: label('Display name.', 200),
  brand: label('Brand of the product.', 80),
  price: money('Unit price in the order currency.', 1_000_000),
  quantity: count('Number of units.', 1, 1000),
  revenue: money('Revenue of the order, excluding shipping and tax, in the order currency.'),
  total: money('Total charged, including shipping and tax, in the order currency.'),
  discount: money('Discount applied, in the order currency.'),
  shipping: money('Shipping cost, in the order currency.', 100_000),
  tax: money('Tax, in the order currency.', 1_000_000),
  coupon: label('Coupon code redeemed.', 40),
  currency: {
    description: 'ISO 4217 currency code.',
    schema: { type: 'string', pattern: '^[A-Z]{3}$' },
  } as Def,
  query: label('Search terms as typed.', 200),
  list_id: id('product list'),
  step: count('Checkout step number.', 1, 10),
  payment_method: oneOf('Payment method chosen.', ['card', 'paypal', 'bank_transfer', 'wallet', 'invoice']),
  products: {
    description: 'Products in the order.',
    schema: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        required: ['product_id', 'price', 'quantity'],
        additionalProperties: false,
        properties: {
          product_id: {
            description: 'Identifier of the product.',
            type: 'string',
            minLength: 1,
            maxLength: 64,
          },
          price: { description: 'Unit price.', type: 'number', minimum: 0, maximum: 1_000_000 },
          quantity: { description: 'Number of units.', type: 'integer', minimum: 1, maximum: 1000 },
        },
      },
    },
  } as Def,
  // B2B pipeline
  lead_id: id('lead'),
  opportunity_id: id('opportunity'),
  account_id: id('account'),
  amount: money('Opportunity amount in its currency.', 100_000_000),
  stage: oneOf('Pipeline stage.', [
    'discovery',
    'qualification',
    'proposal',
    'negotiation',
    'closed_won',
    'closed_lost',
  ]),
  from_stage: oneOf('Stage before the change.', ['discovery', 'qualification', 'proposal', 'negotiation']),
  to_stage: oneOf('Stage after the change.', [
    'discovery',
    'qualification',
    'proposal',
    'negotiation',
    'closed_won',
    'closed_lost',
  ]),
  outcome: oneOf('How the opportunity closed.', ['won', 'lost']),
  close_reason: label('Why the opportunity was won or lost.', 200),
  lead_source: oneOf('Channel that produced the lead.', [
    'organic',
    'paid_search',
    'paid_social',
    'email',
    'referral',
    'partner',
    'event',
    'outbound',
    'direct',
  ]),
  qualification: oneOf('Qualification level reached.', ['mql', 'sql', 'sal']),
  days_in_stage: count('Days the opportunity spent in the previous stage.', 0, 3650),
  form_id: id('form'),
  // Product usage
  step_name: label('Name of the onboarding step.', 80),
  step_number: count('Position of the step in the flow.', 1, 50),
  feature_name: label('Name of the feature used.', 80),
  milestone: oneOf('Activation milestone reached.', [
    'first_project',
    'first_invite',
    'first_integration',
    'first_report',
    'aha',
  ]),
  days_since_signup: count('Whole days between sign-up and this event.', 0, 3650),
  signup_method: oneOf('How the user signed up.', ['email', 'google', 'microsoft', 'github', 'sso']),
  // Subscription and billing
  plan: oneOf('Subscription plan.', ['free', 'starter', 'pro', 'business', 'enterprise']),
  previous_plan: oneOf('Plan before the change.', ['free', 'starter', 'pro', 'business', 'enterprise']),
  trial_days: count('Length of the trial in days.', 1, 90),
  billing_period: oneOf('Billing period.', ['monthly', 'annual']),
  mrr: money('Monthly recurring revenue of the subscription.', 10_000_000),
  subscription_id: id('subscription'),
  // Attribution
  campaign_id: id('campaign'),
  utm_source: label('utm_source of the visit.', 100),
  utm_medium: label('utm_medium of the visit.', 100),
  utm_campaign: label('utm_campaign of the visit.', 150),
  channel: oneOf('Marketing channel.', [
    'organic',
    'paid_search',
    'paid_social',
    'display',
    'email',
    'referral',
    'partner',
    'affiliate',
    'direct',
  ]),
  email_id: id('marketing email'),
  link_url: {
    description: 'Destination URL of the link.',
    schema: { type: 'string', format: 'uri', maxLength: 2048 },
  } as Def,
  // Referral
  referral_code: {
    description: 'Referral code of the referrer.',
    schema: { type: 'string', pattern: '^[A-Z0-9]{6,12}$' },
  } as Def,
  referrer_id: id('referring user'),
  share_channel: oneOf('Where the referral link was shared.', [
    'email',
    'sms',
    'whatsapp',
    'facebook',
    'x',
    'linkedin',
    'copy_link',
  ]),
  reward_type: oneOf('Kind of reward.', ['credit', 'discount', 'cash', 'points', 'free_month']),
  reward_amount: money('Reward value in the reward currency.', 10_000),
  invitee_count: count('Invitations sent at once.', 1, 100),
  // Loyalty
  member_id: id('loyalty member'),
  points: count('Points in this transaction.', 1, 1_000_000),
  points_balance: count('Points balance after this transaction.', 0, 100_000_000),
  tier: oneOf('Loyalty tier.', ['bronze', 'silver', 'gold', 'platinum']),
  previous_tier: oneOf('Tier before the change.', ['bronze', 'silver', 'gold', 'platinum']),
  reward_id: id('reward'),
  earn_reason: oneOf('Why points were earned.', ['purchase', 'referral', 'review', 'birthday', 'bonus']),
  // Personalization and experiments
  recommendation_id: id('recommendation slot'),
  model_version: {
    description: 'Version of the model that produced the content.',
    schema: { type: 'string', pattern: '^v\\d+(\\.\\d+){0,2}$' },
  } as Def,
  position: count('Position of the item in the list (1-based).', 1, 500),
  variant: label('Variant served.', 64),
  experiment_id: id('experiment'),
  experiment_name: label('Name of the experiment.', 120),
  variation_id: id('variation'),
  variation_name: label('Name of the variation.', 120),
  surface: oneOf('Where the content was shown.', [
    'home',
    'product_page',
    'cart',
    'email',
    'search',
    'app_feed',
  ]),
  // Identity traits (personal data)
  email: {
    description: 'Email address of the user.',
    schema: { type: 'string', format: 'email', maxLength: 254 },
    pii: true,
    piiKind: 'email',
    consentCategory: 'Functional',
    retentionDays: 365,
  } as Def,
  first_name: {
    description: 'First name of the user.',
    schema: { type: 'string', minLength: 1, maxLength: 100 },
    pii: true,
    piiKind: 'name',
    consentCategory: 'Functional',
    retentionDays: 365,
  } as Def,
  company_name: label('Name of the company.', 200),
  industry: label('Industry of the company.', 100),
  employees: count('Number of employees.', 1, 5_000_000),
  role: oneOf('Role of the user.', ['admin', 'member', 'viewer', 'billing']),
  created_at: {
    description: 'When the account was created (ISO 8601).',
    schema: { type: 'string', format: 'date-time' },
  } as Def,
  age_verified: { description: 'Whether the user passed the age gate.', schema: { type: 'boolean' } } as Def,
} satisfies Record<string, Def>;

export type LibraryPropertyName = keyof typeof PROPERTY_LIBRARY;

/** A plan property from the library; `required` defaults to true. */
export function libraryProperty(name: LibraryPropertyName, required = true): PlanProperty {
  const def = PROPERTY_LIBRARY[name] as Def;
  return { name, required, ...structuredClone(def) };
}
