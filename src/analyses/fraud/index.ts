/**
 * Referral fraud heuristics: pure functions over the compact results of the engine's queries
 * (per-referral feature rows, per-advocate activity, an edge list of accounts sharing identifiers).
 *
 * - `scoreReferrals`: every named rule of `FRAUD_RULES` per referral, a noisy-OR risk score in
 *   [0, 1], bands approve / review / reject, evidence, and the payout value at risk;
 * - `flagVelocity` (per advocate) and `detectRings` (connected components by union-find) run first
 *   and are passed to `scoreReferrals` in its context;
 * - building blocks: `normalizeEmail`, `normalizeName`, `jaroWinkler`, `normalizedLevenshtein`,
 *   `buildDisposableDomainSet` + `isDisposableDomain` (the command passes the list of
 *   `disposable-email-domains-js`), `couponSiteSet` + `matchCouponSite`, `connectedComponents`,
 *   `UnionFind`, `poissonUpperTail`, `robustSpread`.
 */
export { buildDomainSet } from './build-domain-set.ts';
export { connectedComponents, type ConnectedComponents } from './connected-components.ts';
export { couponSiteSet, DEFAULT_COUPON_SITE_DOMAINS, matchCouponSite } from './coupon-sites.ts';
export {
  DEFAULT_RING_OPTIONS,
  detectRings,
  IDENTIFIER_KINDS,
  type AccountTie,
  type IdentifierKind,
  type Ring,
  type RingGraph,
  type RingOptions,
  type RingReview,
  type RingStrength,
  type SharedIdentifier,
  weakRingNote,
} from './detect-rings.ts';
export { buildDisposableDomainSet, isDisposableDomain, matchDisposableDomain } from './disposable-domains.ts';
export {
  DEFAULT_VELOCITY_OPTIONS,
  flagVelocity,
  type AdvocateActivityRow,
  type VelocityFlag,
  type VelocityMethod,
  type VelocityNorm,
  type VelocityOptions,
  type VelocityReview,
} from './flag-velocity.ts';
export { FraudInputError } from './fraud-input-error.ts';
export {
  DEFAULT_BANDS,
  DEFAULT_WEAK_RING_WEIGHT,
  FRAUD_RULE_IDS,
  FRAUD_RULES,
  type FraudRuleDefinition,
  type FraudRuleId,
} from './fraud-rules.ts';
export { jaro, jaroWinkler } from './jaro-winkler.ts';
export { hostOf, matchDomainSuffix } from './match-domain-suffix.ts';
export {
  DOT_INSENSITIVE_EMAIL_DOMAINS,
  EMAIL_DOMAIN_ALIASES,
  normalizeEmail,
  type NormalizedEmail,
  type NormalizeEmailOptions,
} from './normalize-email.ts';
export { nameParts, normalizeName } from './normalize-name.ts';
export { levenshtein, normalizedLevenshtein } from './normalized-levenshtein.ts';
export { poissonUpperTail } from './poisson-upper-tail.ts';
export { isPublicEmailProvider, PUBLIC_EMAIL_PROVIDERS } from './public-email-providers.ts';
export { robustSpread, type RobustSpread } from './robust-spread.ts';
export {
  scoreReferrals,
  type FraudContext,
  type FraudOptions,
  type FraudRuleSetting,
} from './score-referrals.ts';
export {
  BANDS,
  type Band,
  type EvidenceValue,
  type FiredRule,
  type FraudReview,
  type FraudSummary,
  type ReferralFeatureRow,
  type ReferralVerdict,
} from './types.ts';
export { UnionFind } from './union-find.ts';
