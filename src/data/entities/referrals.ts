import { typedEntity } from './typed-entity.ts';

/**
 * The entities of a referral and partner program (read by `optimize-referrals`). Ids that other
 * entities point at (advocate, referral, click, share, customer, referral code) are `key` columns
 * (trimmed, lower-cased) in every entity, so joins across sources do not depend on letter case.
 */

/** Advocates and partners: who can refer, with the attributes the program is sliced by. */
export const advocates = typedEntity({
  name: 'advocates',
  description:
    'referral advocates and partners: id, own customer id, referral code, kind, tier, region, persona, join date, profile identifiers',
  columns: {
    advocate_id: { kind: 'key', required: true },
    /** The advocate's own customer account: self-referral checks, friends who became advocates. */
    customer_id: { kind: 'key' },
    referral_code: { kind: 'key' },
    kind: {
      kind: 'token',
      values: ['customer', 'partner', 'employee'],
      aliases: { affiliate: 'partner', reseller: 'partner', influencer: 'partner', staff: 'employee' },
    },
    name: { kind: 'text' },
    email: { kind: 'text' },
    /** Partner tier (platinum, gold, …) or program tier of a customer advocate. */
    tier: { kind: 'token' },
    region: { kind: 'text' },
    persona: { kind: 'text' },
    joined_at: { kind: 'timestamp', required: true },
    ip: { kind: 'text' },
    user_agent: { kind: 'text' },
    device_id: { kind: 'text' },
    payment_fingerprint: { kind: 'text' },
  },
  dedupe: { keys: ['advocate_id'] },
});

/** Links shared and invitations sent by advocates. */
export const shares = typedEntity({
  name: 'shares',
  description: 'referral shares and invites: advocate, channel, time, recipients, session identifiers',
  columns: {
    share_id: { kind: 'key', required: true },
    advocate_id: { kind: 'key', required: true },
    channel: { kind: 'token' },
    shared_at: { kind: 'timestamp', required: true },
    /** People addressed (1 for a personal invite); the k-factor counts invites. */
    recipients: { kind: 'integer', min: 0 },
    ip: { kind: 'text' },
    user_agent: { kind: 'text' },
    device_id: { kind: 'text' },
  },
  dedupe: { keys: ['share_id'] },
});

/** Clicks on referral links. */
export const clicks = typedEntity({
  name: 'clicks',
  description: 'referral link clicks: code, share, channel, IP, user agent, device, cookie, referrer, time',
  columns: {
    click_id: { kind: 'key', required: true },
    referral_code: { kind: 'key', required: true },
    share_id: { kind: 'key' },
    channel: { kind: 'token' },
    ip: { kind: 'text' },
    user_agent: { kind: 'text' },
    device_id: { kind: 'text' },
    cookie_id: { kind: 'text' },
    /** Referrer URL or domain of the click. */
    referrer: { kind: 'text' },
    clicked_at: { kind: 'timestamp', required: true },
  },
  dedupe: { keys: ['click_id'] },
});

/** Referred sign-ups: the friend, their identifiers and the advocate credited. */
export const referrals = typedEntity({
  name: 'referrals',
  description:
    'referral sign-ups: advocate or code, friend id, email, name, IP, user agent, device, cookie, payment fingerprint, click, time',
  columns: {
    referral_id: { kind: 'key', required: true },
    advocate_id: { kind: 'key' },
    referral_code: { kind: 'key' },
    /** The friend's customer id once they have an account. */
    friend_id: { kind: 'key' },
    email: { kind: 'text' },
    name: { kind: 'text' },
    ip: { kind: 'text' },
    user_agent: { kind: 'text' },
    device_id: { kind: 'text' },
    cookie_id: { kind: 'text' },
    payment_fingerprint: { kind: 'text' },
    /** The click that brought the friend (time to conversion, channel). */
    click_id: { kind: 'key' },
    channel: { kind: 'token' },
    signed_up_at: { kind: 'timestamp', required: true },
  },
  oneOf: [['advocate_id', 'referral_code']],
  dedupe: { keys: ['referral_id'] },
});

/**
 * What to do with a negative conversion (a refund or credit note exported as a row of its own): the
 * entity records a refund on its order.
 */
export const REFUND_ON_ORDER =
  "a refund or cancellation belongs on its order's row: keep the amount paid there and map refunded_at (and refund_amount as a positive number for a partial refund) instead of a negative row";

/** Orders and opportunities of customers (referred or not), with refunds and cancellations. */
export const conversions = typedEntity({
  name: 'conversions',
  description:
    'orders and opportunities of customers: customer, amount, currency, stage, time, refund or cancellation, referrer, coupon',
  columns: {
    conversion_id: { kind: 'key', required: true },
    customer_id: { kind: 'key', required: true },
    /** Set when the order system records the referral it redeemed. */
    referral_id: { kind: 'key' },
    amount: {
      kind: 'amount',
      required: true,
      min: 0,
      rateAt: 'converted_at',
      belowMin: REFUND_ON_ORDER,
    },
    currency: { kind: 'currency' },
    stage: { kind: 'token' },
    converted_at: { kind: 'timestamp', required: true },
    /** First refund or cancellation. */
    refunded_at: { kind: 'timestamp' },
    refund_amount: {
      kind: 'amount',
      min: 0,
      rateAt: 'converted_at',
      belowMin: 'write the amount given back as a positive number (it is taken off the amount)',
    },
    /** Referrer URL or host of the converting session (coupon leakage). */
    referrer: { kind: 'text' },
    coupon_code: { kind: 'key' },
  },
  // a refund cannot exceed what was paid, nor come before the purchase (a refund dated without a
  // time on the purchase day passes): such a row would zero the order's revenue without a word;
  // nor can it be undated
  crossChecks: [
    {
      column: 'refund_amount',
      is: 'above',
      than: 'amount',
      why: 'a refund cannot exceed its order: check both amounts (and their currency)',
    },
    // a refunded amount without its date (a payments export's "Amount Refunded" column mapped
    // alone): no window can place the refund, so the order would keep its whole revenue silently
    {
      column: 'refund_amount',
      is: 'without',
      than: 'refunded_at',
      why: "a refund needs its date: map refunded_at (the refund's date as a refunds export gives it) or leave refund_amount empty for orders not refunded",
    },
    {
      column: 'refunded_at',
      is: 'before-day',
      than: 'converted_at',
      why: 'a refund cannot come before the purchase: check both times (and their time zone)',
    },
  ],
  dedupe: { keys: ['conversion_id'] },
});

/** Rewards, friend incentives and fees paid or owed by the program. */
export const payouts = typedEntity({
  name: 'payouts',
  description:
    'program payouts: advocate rewards, friend incentives and fees, with status (pending, paid, clawed back, void)',
  columns: {
    payout_id: { kind: 'key', required: true },
    advocate_id: { kind: 'key', required: true },
    referral_id: { kind: 'key' },
    kind: {
      kind: 'token',
      values: ['reward', 'incentive', 'fee'],
      aliases: {
        advocate_reward: 'reward',
        bonus: 'reward',
        // partner programmes pay commissions and bounties: the advocate's reward
        commission: 'reward',
        partner_commission: 'reward',
        referral_commission: 'reward',
        bounty: 'reward',
        referral_bonus: 'reward',
        friend_reward: 'incentive',
        friend_discount: 'incentive',
        discount: 'incentive',
        platform_fee: 'fee',
        network_fee: 'fee',
      },
    },
    amount: {
      kind: 'amount',
      required: true,
      min: 0,
      rateAt: 'created_at',
      belowMin:
        "a clawback is the payout's own row with status clawed_back and the amount paid, not a negative payout",
    },
    currency: { kind: 'currency' },
    status: {
      kind: 'token',
      values: ['pending', 'paid', 'clawed_back', 'void'],
      // matched on the value's token (any case, spaces and hyphens as `_`: `Clawed Back`,
      // `clawed-back`, `CLAWED_BACK`); the keys below are the spellings that token leaves apart
      // (`ClawedBack`, `claw-back`, `Paid Out`, `voided`)
      aliases: {
        approved: 'pending',
        paid_out: 'paid',
        paidout: 'paid',
        reversed: 'clawed_back',
        clawback: 'clawed_back',
        claw_back: 'clawed_back',
        clawedback: 'clawed_back',
        canceled: 'void',
        cancelled: 'void',
        voided: 'void',
      },
    },
    created_at: { kind: 'timestamp', required: true },
    paid_at: { kind: 'timestamp' },
  },
  dedupe: { keys: ['payout_id'] },
});

const SCORES = Array.from({ length: 11 }, (_, s) => String(s));
/**
 * A whole score written with decimals is that score: `9.0` from a spreadsheet export, or a JSON /
 * Parquet number column (DuckDB reads 9.0 as DOUBLE, whose text is '9.0'); every row of such an
 * export was rejected as "not one of 0..10". Other fractions (9.5) are still rejected.
 */
const SCORE_DECIMALS: Record<string, string> = Object.fromEntries(
  SCORES.flatMap((s) => [`${s}.0`, `${s}.00`].map((d) => [d, s])),
);

/** Net Promoter answers of advocates, partners and customers. */
export const npsResponses = typedEntity({
  name: 'nps_responses',
  description: 'NPS answers (0 to 10) of advocates, partners and customers, with time',
  columns: {
    response_id: { kind: 'key', required: true },
    respondent_id: { kind: 'key', required: true },
    /** Kept as text so that anything but 0..10 is rejected with the list of allowed values. */
    score: { kind: 'token', required: true, values: SCORES, aliases: SCORE_DECIMALS },
    responded_at: { kind: 'timestamp', required: true },
  },
  dedupe: { keys: ['response_id'] },
});
