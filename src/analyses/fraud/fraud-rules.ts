/** Every per-referral rule, in bit order of `FraudReview.ruleMasks` (bit i = FRAUD_RULE_IDS[i]). */
export const FRAUD_RULE_IDS = [
  'self-referral-customer-id',
  'self-referral-own-code',
  'self-referral-email',
  'self-referral-name',
  'similar-email',
  'similar-name',
  'shared-ip-user-agent',
  'shared-ip',
  'shared-device',
  'shared-payment',
  'disposable-email',
  'velocity',
  'fast-conversion',
  'friend-already-customer',
  'friend-win-back',
  'friend-already-referred',
  'refund-after-reward',
  'coupon-leakage',
  'ring',
] as const;

export type FraudRuleId = (typeof FRAUD_RULE_IDS)[number];

export interface FraudRuleDefinition {
  readonly id: FraudRuleId;
  readonly title: string;
  /**
   * Severity weight in [0, 1]: the rule's contribution to the noisy-OR score, read as "the chance
   * this referral is bad given this signal alone". Alone, ≥ 0.8 rejects and ≥ 0.4 sends to review
   * under the default bands.
   */
  readonly weight: number;
  /** Default threshold of the rule, in `unit`; null when the rule is an exact match. */
  readonly threshold: number | null;
  readonly unit: string | null;
  /** When it fires. */
  readonly fires: string;
}

const rule = (
  id: FraudRuleId,
  title: string,
  weight: number,
  threshold: number | null,
  unit: string | null,
  fires: string,
): FraudRuleDefinition => ({ id, title, weight, threshold, unit, fires });

/**
 * The rule catalog with default weights and thresholds (override any of them per run through
 * `FraudOptions.rules`). Velocity and ring thresholds live in `flagVelocity` / `detectRings`
 * options, which run before scoring.
 */
export const FRAUD_RULES: Readonly<Record<FraudRuleId, FraudRuleDefinition>> = {
  'self-referral-customer-id': rule(
    'self-referral-customer-id',
    'Self-referral: same customer id',
    1,
    null,
    null,
    'the referred customer id equals the advocate id',
  ),
  'self-referral-own-code': rule(
    'self-referral-own-code',
    'Self-referral: advocate redeemed own code',
    1,
    null,
    null,
    'the account that redeemed the code owns it',
  ),
  'self-referral-email': rule(
    'self-referral-email',
    'Self-referral: same mailbox',
    0.95,
    null,
    null,
    'normalized emails are equal (case, +tag, Gmail dots, googlemail.com)',
  ),
  'self-referral-name': rule(
    'self-referral-name',
    'Same full name',
    0.6,
    null,
    null,
    'normalized full names of at least two words are equal (namesakes exist: review alone)',
  ),
  'similar-email': rule(
    'similar-email',
    'Similar email local part',
    0.5,
    0.92,
    'similarity',
    'the normalized local parts (≥ 4 characters each) are at least this similar, not equal',
  ),
  'similar-name': rule(
    'similar-name',
    'Similar name',
    0.45,
    0.93,
    'similarity',
    'first names AND last names are each at least this similar (either order), not both equal; ' +
      'a shared surname with a different first name does not fire',
  ),
  // 0.6, not 0.8: one office or household NAT with a managed browser fleet gives colleagues the
  // same (IP, user agent) pair, so alone it sends to review; with one more signal (a disposable
  // email, a shared card) it rejects.
  'shared-ip-user-agent': rule(
    'shared-ip-user-agent',
    'Same IP and user agent',
    0.6,
    null,
    null,
    'advocate and friend sessions share an (IP, user agent) pair (review alone: colleagues behind one NAT on a managed fleet look the same)',
  ),
  'shared-ip': rule(
    'shared-ip',
    'Same IP only',
    0.1,
    null,
    null,
    'they share an IP but no (IP, user agent) pair: offices and households; adds little on its own',
  ),
  'shared-device': rule(
    'shared-device',
    'Same device or cookie',
    0.9,
    null,
    null,
    'they share a device id or a first-party cookie id',
  ),
  'shared-payment': rule(
    'shared-payment',
    'Same payment instrument',
    0.95,
    null,
    null,
    'they share a payment fingerprint (card or wallet token)',
  ),
  'disposable-email': rule(
    'disposable-email',
    'Disposable email domain',
    0.5,
    null,
    null,
    'the friend’s or advocate’s email domain, or a parent domain, is on the disposable list',
  ),
  velocity: rule(
    'velocity',
    'Referral velocity',
    0.5,
    5,
    'robust σ (MAD) above the median peak',
    'the advocate’s busiest day or week is far above the program norm (flagVelocity)',
  ),
  'fast-conversion': rule(
    'fast-conversion',
    'Implausibly fast conversion',
    0.4,
    30,
    'seconds',
    'the friend converted less than this long after clicking the referral link',
  ),
  'friend-already-customer': rule(
    'friend-already-customer',
    'Friend already a customer',
    0.85,
    365,
    'days',
    'the friend was active at the referral or ordered within this many days before it',
  ),
  'friend-win-back': rule(
    'friend-win-back',
    'Returning former customer',
    0.4,
    null,
    null,
    'the friend ordered before, but longer ago than the already-customer window (a win-back: review at most on its own)',
  ),
  'friend-already-referred': rule(
    'friend-already-referred',
    'Friend already referred',
    0.85,
    1,
    'claim rank (fires above)',
    'another referral claim on the same friend came first (rank > 1)',
  ),
  'refund-after-reward': rule(
    'refund-after-reward',
    'Refund after reward',
    0.6,
    null,
    null,
    'the qualifying order was refunded or cancelled after the reward was paid',
  ),
  'coupon-leakage': rule(
    'coupon-leakage',
    'Coupon-site leakage',
    0.5,
    null,
    null,
    'the converting session came from a coupon, deal or cashback site',
  ),
  ring: rule(
    'ring',
    'Fraud ring member',
    0.75,
    3,
    'accounts',
    'the advocate or friend is in a flagged ring (detectRings); a ring linked only by shared email domains weighs less',
  ),
};

/**
 * The ring rule's weight for an account tied to its ring only by shared email domains (`AccountTie`;
 * every account of a weak ring, the weakly tied ones of a mixed or strong ring),
 * never more than the ring rule's own weight: below the review band alone (colleagues at one company
 * who refer each other and buy once are the normal case of a B2B programme), enough to lift a
 * review-level signal of the same referral further (0.5 and a weak ring: 0.65), never to reject by
 * itself beside one such signal.
 */
export const DEFAULT_WEAK_RING_WEIGHT = 0.3;

/** Score bands (noisy-OR score ≥ reject → reject; ≥ review → review; else approve). */
export const DEFAULT_BANDS = { review: 0.4, reject: 0.8 } as const;
