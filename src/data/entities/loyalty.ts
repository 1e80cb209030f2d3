import { typedEntity } from './typed-entity.ts';

/**
 * The entities of `monitor-loyalty`: programme members, the points ledger, orders (members and
 * non-members), the rewards catalogue, tier rules and CSAT responses.
 *
 * Member and customer ids are kept as written (trimmed, letter case kept, matched exactly): `M1`
 * and `m1` are two members (monitor-loyalty warns about ids that differ only by case). Experiment
 * assignments' unit ids (a shared entity) are kept as written too and find their member or customer
 * exactly.
 */

/** Programme members: enrolment, current tier (with the tier held before it), region, channel, cohort. */
export const members = typedEntity({
  name: 'members',
  description:
    'loyalty members: id, enrolled at, current tier (since when, and the tier before it), region, enrolment channel, cohort',
  columns: {
    member_id: { kind: 'id', required: true },
    enrolled_at: { kind: 'timestamp', required: true },
    tier: { kind: 'text' },
    /** When the member entered the current tier (the tier migration matrix reads it). */
    tier_since: { kind: 'timestamp' },
    /** The tier held before `tier_since` (empty: none, or not known). */
    previous_tier: { kind: 'text' },
    region: { kind: 'text' },
    channel: { kind: 'token' },
    /** A cohort label; default: the quarter of enrolment. */
    cohort: { kind: 'text' },
  },
  dedupe: { keys: ['member_id'] },
});

/** The points ledger: one row per points event. */
export const ledger = typedEntity({
  name: 'ledger',
  description:
    'points ledger: entry, member, time, type (earn, redeem, expire, adjust, pending), points, order, reward, expiry date',
  columns: {
    entry_id: { kind: 'id', required: true },
    member_id: { kind: 'id', required: true },
    occurred_at: { kind: 'timestamp', required: true },
    type: {
      kind: 'token',
      required: true,
      values: ['earn', 'redeem', 'expire', 'adjust', 'pending'],
      aliases: { accrual: 'earn', accrue: 'earn', burn: 'redeem', redemption: 'redeem', expiry: 'expire' },
    },
    /** Points of the event: a magnitude for earn, redeem, expire and pending; signed for adjust. */
    points: { kind: 'number', required: true },
    order_id: { kind: 'id' },
    reward_id: { kind: 'id' },
    expires_at: { kind: 'timestamp' },
  },
  dedupe: { keys: ['entry_id'] },
});

/**
 * The statuses an order can have, each a canonical value of `orders.status` (Shopify's financial
 * statuses; WooCommerce's and BigCommerce's order statuses as aliases): `paid`, `partially_paid`
 * and `partially_refunded` orders count (net of their refund); `refunded`, `voided`, `cancelled`,
 * and `pending` / `authorized` (no payment taken yet) do not (monitor-loyalty's `ORDER_KIND`).
 */
export const ORDER_STATUSES = [
  'paid',
  'partially_paid',
  'partially_refunded',
  'refunded',
  'pending',
  'authorized',
  'voided',
  'cancelled',
] as const;

/** Orders of members and non-members, with what was refunded of them and their status. */
export const orders = typedEntity({
  name: 'orders',
  description:
    'orders: id, customer (a member id for members), member flag, amount, refunded amount, status, cancellation, currency, time, reward applied',
  columns: {
    order_id: { kind: 'id', required: true },
    customer_id: { kind: 'id', required: true },
    is_member: { kind: 'boolean' },
    /** What the order was placed for, before refunds (Shopify's `Total`). */
    amount: {
      kind: 'amount',
      required: true,
      min: 0,
      rateAt: 'ordered_at',
      belowMin:
        "a return or refund is not an order: map its order's refunded_amount (or net it into its order's amount), or leave it out of the orders export (points it takes back go in the ledger as a negative adjust)",
    },
    /**
     * What was given back of the order (Shopify's `Refunded Amount`, partial refunds too), in the
     * order's currency, converted at the same rate as the amount: monitor-loyalty reads the order
     * net, `amount − refunded_amount`, and an order refunded whole not at all.
     */
    refunded_amount: {
      kind: 'amount',
      min: 0,
      rateAt: 'ordered_at',
      belowMin: 'write the amount given back as a positive number (it is taken off the amount)',
    },
    /**
     * The order's financial status (Shopify's `Financial Status`, WooCommerce's or BigCommerce's
     * order status): which orders count, `ORDER_STATUSES`.
     */
    status: {
      kind: 'token',
      values: ORDER_STATUSES,
      aliases: {
        // WooCommerce
        processing: 'paid',
        completed: 'paid',
        on_hold: 'pending',
        pending_payment: 'pending',
        checkout_draft: 'pending',
        draft: 'pending',
        failed: 'voided',
        // BigCommerce
        awaiting_payment: 'pending',
        manual_verification_required: 'pending',
        incomplete: 'pending',
        awaiting_fulfillment: 'paid',
        awaiting_shipment: 'paid',
        awaiting_pickup: 'paid',
        partially_shipped: 'paid',
        shipped: 'paid',
        disputed: 'paid',
        declined: 'voided',
        // Shopify: an authorization that lapsed
        expired: 'voided',
        // spellings
        void: 'voided',
        canceled: 'cancelled',
        authorised: 'authorized',
        complete: 'paid',
        captured: 'paid',
        settled: 'paid',
      },
    },
    /** When the order was cancelled (Shopify's `Cancelled at`): a cancelled order does not count. */
    cancelled_at: { kind: 'timestamp' },
    currency: { kind: 'currency' },
    ordered_at: { kind: 'timestamp', required: true },
    channel: { kind: 'token' },
    /** The reward (voucher) used on the order, if any: reward usage reads it. */
    reward_id: { kind: 'id' },
  },
  // a refund cannot exceed what was paid (compared as written: one row, one currency), and an
  // order cannot be cancelled before it was placed
  crossChecks: [
    {
      column: 'refunded_amount',
      is: 'above',
      than: 'amount',
      why: 'a refund cannot exceed its order: map the order total before refunds (Shopify: Total) to amount, and check both amounts (and their currency)',
    },
    {
      column: 'cancelled_at',
      is: 'before-day',
      than: 'ordered_at',
      why: 'an order cannot be cancelled before it was placed: check both times (and their time zone)',
    },
  ],
  dedupe: { keys: ['order_id'] },
});

/** The rewards catalogue: what a reward costs the programme and in points. */
export const rewards = typedEntity({
  name: 'rewards',
  description: 'rewards catalogue: reward, name, points price, cost to the programme, face value',
  columns: {
    reward_id: { kind: 'id', required: true },
    name: { kind: 'text' },
    points: { kind: 'number', required: true, min: 0 },
    cost: { kind: 'amount', required: true, min: 0 },
    currency: { kind: 'currency' },
    /** What the member gets, in money (face value of a voucher). */
    face_value: { kind: 'amount', min: 0 },
  },
  dedupe: { keys: ['reward_id'] },
});

/** Tier rules: thresholds on a qualifying measure over a qualification period, and the downgrade policy. */
export const tierRules = typedEntity({
  name: 'tier_rules',
  description:
    'tier rules: tier, rank (0 = lowest), qualifying threshold and retain threshold, measure (spend or points), qualification period, downgrade policy',
  columns: {
    tier: { kind: 'text', required: true },
    rank: { kind: 'integer', required: true, min: 0 },
    qualify: { kind: 'number', required: true, min: 0 },
    retain: { kind: 'number', min: 0 },
    measure: { kind: 'token', values: ['spend', 'points'] },
    qualification_months: { kind: 'integer', min: 1 },
    /** calendar: periods from January 1; anniversary: from each member's enrolment day. */
    qualification_period: { kind: 'token', values: ['calendar', 'anniversary'] },
    downgrade_policy: { kind: 'token', values: ['end_of_period', 'never'] },
  },
  dedupe: { keys: ['tier'] },
});

/** CSAT survey responses. */
export const csatResponses = typedEntity({
  name: 'csat_responses',
  description:
    'CSAT responses: response, customer (member id for members), time, score (1..scale), touchpoint',
  columns: {
    response_id: { kind: 'id', required: true },
    customer_id: { kind: 'id' },
    responded_at: { kind: 'timestamp', required: true },
    /** 1 to the survey's top score, `loyalty.csat_scale` (5): a score above it is rejected. */
    score: {
      kind: 'integer',
      required: true,
      min: 1,
      max: {
        setting: 'csat_scale',
        default: 5,
        words: (top) =>
          `the survey scale 1–${top}: set loyalty.csat_scale in gtm.yaml to your survey's top score (7 on a 1–7 survey, 10 on a 1–10 one), or correct the score`,
      },
    },
    touchpoint: { kind: 'token' },
  },
  dedupe: { keys: ['response_id'] },
});
