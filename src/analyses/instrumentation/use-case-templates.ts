import type { LibraryPropertyName } from './property-library.ts';
import type { CallType, Identity, SourceKind } from './tracking-plan.ts';

/**
 * The library of use-case templates: for each go-to-market use case, its KPIs and the events,
 * properties, identities and source systems each KPI needs. Event names and properties follow
 * the Segment semantic specs where one exists (B2B SaaS: Signed Up, Account Created, Trial
 * Started, Invite Sent; E-commerce: Products Searched ... Order Completed; A/B testing:
 * Experiment Viewed) and the same object–action convention elsewhere.
 *
 * To add a use case, pass your own `UseCaseTemplate` in `templates` to `useCaseRequirements`, or
 * add one to `USE_CASE_TEMPLATES` below. Properties are named from `PROPERTY_LIBRARY`
 * (`property-library.ts`), suffixed `?` when optional.
 */
export type TemplateProperty = LibraryPropertyName | `${LibraryPropertyName}?`;

export interface EventTemplate {
  name: string;
  type?: CallType;
  description: string;
  sources: SourceKind[];
  identities: Identity[];
  properties: TemplateProperty[];
  /** Consent category the event needs (default Analytics). */
  consentCategory?: string;
}

export interface KpiTemplate {
  id: string;
  name: string;
  /** How the KPI is computed from the events. */
  definition: string;
  events: string[];
  /** `Event.property` references the computation reads. */
  properties: string[];
}

export interface UseCaseTemplate {
  id: string;
  name: string;
  description: string;
  /** The spec the event names follow. */
  spec: string;
  kpis: KpiTemplate[];
  events: EventTemplate[];
}

const person: Identity[] = ['userId', 'anonymousId'];
const account: Identity[] = ['userId', 'accountId'];

export const USE_CASE_TEMPLATES: UseCaseTemplate[] = [
  {
    id: 'pipeline-velocity',
    name: 'Pipeline velocity',
    description:
      'How fast qualified pipeline moves to revenue: opportunities, win rate, deal size and cycle length.',
    spec: 'Segment B2B SaaS spec (accounts) with CRM pipeline events',
    kpis: [
      {
        id: 'pipeline-velocity',
        name: 'Pipeline velocity',
        definition: 'open opportunities × win rate × average deal size ÷ average sales-cycle days',
        events: ['Opportunity Created', 'Opportunity Closed'],
        properties: [
          'Opportunity Created.amount',
          'Opportunity Closed.outcome',
          'Opportunity Closed.amount',
          'Opportunity Closed.days_in_stage',
        ],
      },
      {
        id: 'stage-conversion',
        name: 'Stage conversion rate',
        definition: 'opportunities entering stage n+1 ÷ opportunities entering stage n, per period',
        events: ['Opportunity Stage Changed'],
        properties: ['Opportunity Stage Changed.from_stage', 'Opportunity Stage Changed.to_stage'],
      },
      {
        id: 'lead-to-opportunity',
        name: 'Lead-to-opportunity rate',
        definition: 'qualified leads that become opportunities within 90 days ÷ qualified leads',
        events: ['Lead Qualified', 'Opportunity Created'],
        properties: ['Lead Qualified.lead_id', 'Opportunity Created.lead_id'],
      },
    ],
    events: [
      {
        name: 'Lead Created',
        description: 'A lead was created in the CRM.',
        sources: ['crm', 'map'],
        identities: account,
        properties: ['lead_id', 'lead_source', 'campaign_id?'],
      },
      {
        name: 'Lead Qualified',
        description: 'A lead reached a qualification level (MQL, SQL).',
        sources: ['crm', 'map'],
        identities: account,
        properties: ['lead_id', 'qualification'],
      },
      {
        name: 'Opportunity Created',
        description: 'An opportunity was opened for an account.',
        sources: ['crm'],
        identities: account,
        properties: ['opportunity_id', 'lead_id?', 'amount', 'currency', 'stage'],
      },
      {
        name: 'Opportunity Stage Changed',
        description: 'An opportunity moved between pipeline stages.',
        sources: ['crm'],
        identities: account,
        properties: ['opportunity_id', 'from_stage', 'to_stage', 'amount', 'days_in_stage'],
      },
      {
        name: 'Opportunity Closed',
        description: 'An opportunity was closed won or lost.',
        sources: ['crm'],
        identities: account,
        properties: ['opportunity_id', 'outcome', 'amount', 'currency', 'days_in_stage', 'close_reason?'],
      },
      {
        name: 'group',
        type: 'group',
        description: 'Account traits (Segment group call).',
        sources: ['crm', 'product'],
        identities: ['userId', 'groupId'],
        properties: ['company_name', 'industry?', 'employees?', 'plan?'],
      },
    ],
  },
  {
    id: 'activation',
    name: 'Activation',
    description: "Share of new sign-ups that reach the product's value moment, and how fast.",
    spec: 'Segment B2B SaaS spec',
    kpis: [
      {
        id: 'activation-rate',
        name: 'Activation rate',
        definition: 'sign-ups reaching an activation milestone within 7 days ÷ sign-ups',
        events: ['Signed Up', 'Activation Milestone Reached'],
        properties: [
          'Activation Milestone Reached.milestone',
          'Activation Milestone Reached.days_since_signup',
        ],
      },
      {
        id: 'time-to-value',
        name: 'Time to value',
        definition: 'median days from Signed Up to the first Activation Milestone Reached',
        events: ['Signed Up', 'Activation Milestone Reached'],
        properties: ['Activation Milestone Reached.days_since_signup'],
      },
      {
        id: 'onboarding-completion',
        name: 'Onboarding completion',
        definition: 'users completing the last onboarding step ÷ users completing the first',
        events: ['Onboarding Step Completed'],
        properties: ['Onboarding Step Completed.step_number'],
      },
    ],
    events: [
      {
        name: 'Signed Up',
        description: 'A user created their login.',
        sources: ['web', 'product'],
        identities: person,
        properties: ['signup_method', 'plan?'],
      },
      {
        name: 'Account Created',
        description: 'A new account (workspace) was created.',
        sources: ['product'],
        identities: account,
        properties: ['account_id', 'plan'],
      },
      {
        name: 'Onboarding Step Completed',
        description: 'A user finished one onboarding step.',
        sources: ['product'],
        identities: account,
        properties: ['step_name', 'step_number'],
      },
      {
        name: 'Feature Used',
        description: 'A user used a key feature.',
        sources: ['product'],
        identities: account,
        properties: ['feature_name'],
      },
      {
        name: 'Activation Milestone Reached',
        description: 'A user reached an activation milestone for the first time.',
        sources: ['product'],
        identities: account,
        properties: ['milestone', 'days_since_signup'],
      },
      {
        name: 'identify',
        type: 'identify',
        description: 'User traits (Segment identify call).',
        sources: ['web', 'product'],
        identities: person,
        consentCategory: 'Functional',
        properties: ['email', 'first_name?', 'role?', 'created_at?'],
      },
    ],
  },
  {
    id: 'trial-conversion',
    name: 'Trial conversion',
    description: 'Share of trials that become paying subscriptions, and the revenue they bring.',
    spec: 'Segment B2B SaaS spec (Trial Started / Trial Ended) with billing events',
    kpis: [
      {
        id: 'trial-to-paid',
        name: 'Trial-to-paid conversion',
        definition: 'trials followed by Subscription Started within trial_days + 7 ÷ trials started',
        events: ['Trial Started', 'Subscription Started'],
        properties: ['Trial Started.trial_days', 'Subscription Started.plan'],
      },
      {
        id: 'new-mrr-from-trials',
        name: 'New MRR from trials',
        definition: 'sum of Subscription Started.mrr for converted trials, per period',
        events: ['Subscription Started'],
        properties: ['Subscription Started.mrr', 'Subscription Started.currency'],
      },
    ],
    events: [
      {
        name: 'Trial Started',
        description: 'A free trial began.',
        sources: ['billing', 'product'],
        identities: account,
        properties: ['plan', 'trial_days'],
      },
      {
        name: 'Trial Ended',
        description: 'A free trial ended, converted or not.',
        sources: ['billing'],
        identities: account,
        properties: ['plan', 'trial_days'],
      },
      {
        name: 'Subscription Started',
        description: 'A paid subscription began.',
        sources: ['billing'],
        identities: account,
        properties: ['subscription_id', 'plan', 'billing_period', 'mrr', 'currency'],
      },
      {
        name: 'Subscription Upgraded',
        description: 'A subscription moved to a higher plan.',
        sources: ['billing'],
        identities: account,
        properties: ['subscription_id', 'previous_plan', 'plan', 'mrr', 'currency'],
      },
    ],
  },
  {
    id: 'attribution',
    name: 'Attribution',
    description: 'Which channels and campaigns source leads, pipeline and revenue.',
    spec: 'Segment page spec and marketing events, with CRM outcomes',
    kpis: [
      {
        id: 'sourced-pipeline',
        name: 'Sourced pipeline by channel',
        definition:
          'Opportunity Created.amount credited to the touches (Page, Form Submitted, Email Link Clicked) of the account before it',
        events: ['page', 'Form Submitted', 'Email Link Clicked', 'Opportunity Created'],
        properties: [
          'Form Submitted.channel',
          'Email Link Clicked.campaign_id',
          'Opportunity Created.amount',
        ],
      },
      {
        id: 'conversion-by-channel',
        name: 'Conversions by channel',
        definition: 'Form Submitted per channel and utm_campaign',
        events: ['Form Submitted'],
        properties: ['Form Submitted.channel', 'Form Submitted.utm_campaign'],
      },
    ],
    events: [
      {
        name: 'page',
        type: 'page',
        description: 'A web page view (Segment page call).',
        sources: ['web'],
        identities: person,
        consentCategory: 'Analytics',
        properties: ['utm_source?', 'utm_medium?', 'utm_campaign?'],
      },
      {
        name: 'Form Submitted',
        description: 'A marketing form was submitted.',
        sources: ['web', 'map'],
        identities: person,
        consentCategory: 'Advertising',
        properties: ['form_id', 'channel', 'campaign_id?', 'utm_campaign?'],
      },
      {
        name: 'Email Link Clicked',
        description: 'A link in a marketing email was clicked.',
        sources: ['map'],
        identities: ['userId'],
        consentCategory: 'Advertising',
        properties: ['email_id', 'campaign_id', 'link_url'],
      },
      {
        name: 'Opportunity Created',
        description: 'An opportunity was opened for an account.',
        sources: ['crm'],
        identities: account,
        properties: ['opportunity_id', 'lead_id?', 'amount', 'currency', 'stage'],
      },
    ],
  },
  {
    id: 'referral-program',
    name: 'Referral program',
    description: 'How far referrals spread and what each referred customer costs.',
    spec: 'Segment B2B SaaS spec (Invite Sent) with referral events',
    kpis: [
      {
        id: 'viral-coefficient',
        name: 'Viral coefficient',
        definition: 'invites sent per referrer × share of invites that convert',
        events: ['Invite Sent', 'Referral Converted'],
        properties: ['Invite Sent.invitee_count', 'Referral Converted.referral_code'],
      },
      {
        id: 'referral-conversion',
        name: 'Referral conversion rate',
        definition: 'Referral Converted ÷ Referral Link Shared, by share channel',
        events: ['Referral Link Shared', 'Referral Converted'],
        properties: ['Referral Link Shared.share_channel', 'Referral Converted.referral_code'],
      },
      {
        id: 'reward-cost-per-acquisition',
        name: 'Reward cost per acquisition',
        definition: 'sum of Referral Reward Issued.reward_amount ÷ Referral Converted',
        events: ['Referral Reward Issued', 'Referral Converted'],
        properties: ['Referral Reward Issued.reward_amount', 'Referral Reward Issued.currency'],
      },
    ],
    events: [
      {
        name: 'Referral Link Shared',
        description: 'A user shared their referral link.',
        sources: ['product', 'web'],
        identities: person,
        properties: ['referral_code', 'share_channel'],
      },
      {
        name: 'Invite Sent',
        description: 'A user sent invitations.',
        sources: ['product'],
        identities: account,
        properties: ['invitee_count', 'referral_code?'],
      },
      {
        name: 'Referral Converted',
        description: 'A referred person became a customer.',
        sources: ['product', 'billing'],
        identities: person,
        properties: ['referral_code', 'referrer_id', 'plan?'],
      },
      {
        name: 'Referral Reward Issued',
        description: 'A referral reward was granted.',
        sources: ['billing'],
        identities: ['userId'],
        properties: ['referrer_id', 'reward_type', 'reward_amount', 'currency'],
      },
    ],
  },
  {
    id: 'loyalty-program',
    name: 'Loyalty program',
    description: 'Health of a points-and-tiers program: engagement, redemption and tier movement.',
    spec: 'Loyalty events with the Segment e-commerce Order Completed',
    kpis: [
      {
        id: 'redemption-rate',
        name: 'Redemption rate',
        definition: 'points redeemed ÷ points earned, per period',
        events: ['Points Earned', 'Points Redeemed'],
        properties: ['Points Earned.points', 'Points Redeemed.points'],
      },
      {
        id: 'tier-upgrade-rate',
        name: 'Tier upgrade rate',
        definition: 'members moving up a tier ÷ active members',
        events: ['Loyalty Tier Changed'],
        properties: ['Loyalty Tier Changed.previous_tier', 'Loyalty Tier Changed.tier'],
      },
      {
        id: 'member-repeat-purchase',
        name: 'Member repeat purchase rate',
        definition: 'members with 2+ Order Completed in 90 days ÷ members with 1+',
        events: ['Order Completed', 'Loyalty Program Joined'],
        properties: ['Order Completed.order_id', 'Order Completed.revenue'],
      },
    ],
    events: [
      {
        name: 'Loyalty Program Joined',
        description: 'A customer enrolled in the loyalty program.',
        sources: ['web', 'product'],
        identities: ['userId'],
        properties: ['member_id', 'tier'],
      },
      {
        name: 'Points Earned',
        description: 'A member earned points.',
        sources: ['billing', 'product'],
        identities: ['userId'],
        properties: ['member_id', 'points', 'points_balance', 'earn_reason', 'order_id?'],
      },
      {
        name: 'Points Redeemed',
        description: 'A member spent points on a reward.',
        sources: ['product', 'web'],
        identities: ['userId'],
        properties: ['member_id', 'points', 'points_balance', 'reward_id'],
      },
      {
        name: 'Loyalty Tier Changed',
        description: 'A member moved to another tier.',
        sources: ['billing'],
        identities: ['userId'],
        properties: ['member_id', 'previous_tier', 'tier'],
      },
      {
        name: 'Order Completed',
        description: 'An order was placed and paid.',
        sources: ['web', 'product', 'billing'],
        identities: person,
        properties: ['order_id', 'revenue', 'total?', 'currency', 'coupon?', 'products'],
      },
    ],
  },
  {
    id: 'personalization',
    name: 'Personalization',
    description: 'Whether personalized content is seen, clicked and lifts conversion against control.',
    spec: 'Segment A/B testing spec (Experiment Viewed) with recommendation events',
    kpis: [
      {
        id: 'recommendation-ctr',
        name: 'Recommendation click-through rate',
        definition: 'Recommendation Clicked ÷ Recommendation Viewed, by surface and model_version',
        events: ['Recommendation Viewed', 'Recommendation Clicked'],
        properties: ['Recommendation Viewed.surface', 'Recommendation Clicked.model_version'],
      },
      {
        id: 'conversion-lift',
        name: 'Conversion lift vs control',
        definition:
          'conversion rate of users in a personalized variation − control, from Experiment Viewed assignments and Order Completed',
        events: ['Experiment Viewed', 'Order Completed'],
        properties: ['Experiment Viewed.variation_id', 'Order Completed.revenue'],
      },
    ],
    events: [
      {
        name: 'Recommendation Viewed',
        description: 'A slot of personalized recommendations was shown.',
        sources: ['web', 'product'],
        identities: person,
        consentCategory: 'Personalization',
        properties: ['recommendation_id', 'surface', 'model_version', 'variant'],
      },
      {
        name: 'Recommendation Clicked',
        description: 'A recommended item was clicked.',
        sources: ['web', 'product'],
        identities: person,
        consentCategory: 'Personalization',
        properties: ['recommendation_id', 'product_id', 'position', 'model_version', 'variant'],
      },
      {
        name: 'Experiment Viewed',
        description: 'A user was exposed to an experiment variation.',
        sources: ['web', 'product'],
        identities: person,
        properties: ['experiment_id', 'experiment_name?', 'variation_id', 'variation_name?'],
      },
      {
        name: 'Order Completed',
        description: 'An order was placed and paid.',
        sources: ['web', 'product', 'billing'],
        identities: person,
        properties: ['order_id', 'revenue', 'total?', 'currency', 'coupon?', 'products'],
      },
    ],
  },
  {
    id: 'ecommerce-funnel',
    name: 'E-commerce funnel',
    description: 'Conversion through search, product, cart and checkout to order.',
    spec: 'Segment e-commerce spec v2',
    kpis: [
      {
        id: 'funnel-conversion',
        name: 'Funnel conversion by step',
        definition:
          'users reaching each of Product Viewed → Product Added → Checkout Started → Order Completed ÷ users at the previous step',
        events: ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'],
        properties: [
          'Product Viewed.product_id',
          'Product Added.product_id',
          'Checkout Started.checkout_id',
          'Order Completed.order_id',
        ],
      },
      {
        id: 'cart-abandonment',
        name: 'Cart abandonment rate',
        definition: '1 − Order Completed ÷ Checkout Started, per session',
        events: ['Checkout Started', 'Order Completed'],
        properties: ['Checkout Started.checkout_id', 'Order Completed.checkout_id'],
      },
      {
        id: 'average-order-value',
        name: 'Average order value',
        definition: 'sum of Order Completed.revenue ÷ orders, per currency',
        events: ['Order Completed'],
        properties: ['Order Completed.revenue', 'Order Completed.currency'],
      },
    ],
    events: [
      {
        name: 'Products Searched',
        description: 'A visitor searched the catalog.',
        sources: ['web', 'product'],
        identities: person,
        properties: ['query'],
      },
      {
        name: 'Product List Viewed',
        description: 'A visitor viewed a product list or category.',
        sources: ['web', 'product'],
        identities: person,
        properties: ['list_id', 'category?'],
      },
      {
        name: 'Product Viewed',
        description: 'A visitor viewed a product detail page.',
        sources: ['web', 'product'],
        identities: person,
        properties: ['product_id', 'sku?', 'name?', 'category?', 'price', 'currency'],
      },
      {
        name: 'Product Added',
        description: 'A visitor added a product to the cart.',
        sources: ['web', 'product'],
        identities: person,
        properties: ['cart_id', 'product_id', 'price', 'quantity', 'currency'],
      },
      {
        name: 'Checkout Started',
        description: 'A visitor started checkout.',
        sources: ['web', 'product'],
        identities: person,
        properties: ['checkout_id', 'order_id?', 'revenue', 'currency', 'products'],
      },
      {
        name: 'Payment Info Entered',
        description: 'A visitor entered payment details.',
        sources: ['web', 'product'],
        identities: person,
        properties: ['checkout_id', 'step', 'payment_method'],
      },
      {
        name: 'Order Completed',
        description: 'An order was placed and paid.',
        sources: ['web', 'product', 'billing'],
        identities: person,
        properties: ['order_id', 'checkout_id?', 'revenue', 'total?', 'currency', 'coupon?', 'products'],
      },
      {
        name: 'Order Refunded',
        description: 'An order was refunded, fully or in part.',
        sources: ['billing'],
        identities: ['userId'],
        properties: ['order_id', 'total', 'currency'],
      },
    ],
  },
];
