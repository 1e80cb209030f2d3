import { typedEntity } from './typed-entity.ts';

/**
 * Personalization decisions (exposures): which rule served which variant to which user, when, in
 * which profile and channel, why (the evaluation reason as logged: OpenFeature's TARGETING_MATCH,
 * SPLIT, DEFAULT, ERROR…, or matched / default / fallback / error / disabled), and the consent
 * state the decision system saw. Read by monitor-personalization.
 */
export const decisions = typedEntity({
  name: 'decisions',
  description:
    'personalization decisions: user, time, initiative, rule, variant, profile, channel, cohort, evaluation reason, error code, logged consent state',
  columns: {
    decision_id: { kind: 'id' },
    user_id: { kind: 'key', required: true },
    decided_at: { kind: 'timestamp', required: true },
    initiative: { kind: 'text' },
    rule_id: { kind: 'id', required: true },
    variant: { kind: 'id', required: true },
    profile: { kind: 'text' },
    channel: { kind: 'token' },
    cohort: { kind: 'text' },
    /** Kept as logged: the governance scan maps OpenFeature reasons and reports the raw ones. */
    reason: { kind: 'text' },
    error_code: { kind: 'text' },
    consent_state: {
      kind: 'token',
      values: ['granted', 'withdrawn', 'denied', 'unknown'],
      // the consent records' spellings (a refusal stays `denied`, distinct from a withdrawal)
      aliases: {
        opt_in: 'granted',
        opted_in: 'granted',
        accepted: 'granted',
        yes: 'granted',
        true: 'granted',
        // OneTrust's consent statuses: ACTIVE is a grant; EXPIRED and HARD_OPT_OUT end one; NO_CONSENT
        // is a refusal
        active: 'granted',
        opt_out: 'withdrawn',
        opted_out: 'withdrawn',
        hard_opt_out: 'withdrawn',
        expired: 'withdrawn',
        revoked: 'withdrawn',
        rejected: 'denied',
        no_consent: 'denied',
        no: 'denied',
        false: 'denied',
      },
    },
  },
  // The same user, rule, variant and instant is one decision logged twice (retried beacons), unless
  // the source maps a decision_id and the ids differ: two evaluations in the same instant (a time
  // logged to the second) are two decisions. Rows without an id (none mapped) compare as before.
  dedupe: { keys: ['user_id', 'rule_id', 'variant', 'decided_at', 'decision_id'] },
});

/** Outcomes after exposure: engagement and conversion events, with a value for revenue. */
export const outcomes = typedEntity({
  name: 'outcomes',
  description: 'outcome events: user, time, event name, value (revenue, in the row currency)',
  columns: {
    outcome_id: { kind: 'id' },
    user_id: { kind: 'key', required: true },
    occurred_at: { kind: 'timestamp', required: true },
    event: { kind: 'token', required: true },
    value: { kind: 'amount', rateAt: 'occurred_at' },
    currency: { kind: 'currency' },
  },
  // The same user, event and instant is one outcome exported twice, unless the source maps an
  // outcome_id and the ids differ: two purchases on the same day of an export with dates only are
  // two outcomes. Rows without an id (none mapped) compare on the other three as before.
  dedupe: { keys: ['user_id', 'event', 'occurred_at', 'outcome_id'] },
});

/** The rule change log: who changed which rule, when it went live, and who approved it when. */
export const ruleChanges = typedEntity({
  name: 'rule_changes',
  description: 'rule change log: rule, time live, author, change, approver, approval time',
  columns: {
    change_id: { kind: 'id' },
    rule_id: { kind: 'id', required: true },
    changed_at: { kind: 'timestamp', required: true },
    author: { kind: 'text', required: true },
    change: { kind: 'text' },
    approved_by: { kind: 'text' },
    approved_at: { kind: 'timestamp' },
  },
  // A change logged again once approved (the approver and time filled in) is another record of it,
  // kept: monitor-personalization takes the change's approval from its records (first dropping the
  // unapproved one made an approved change "no approver", a high finding).
  dedupe: { keys: ['rule_id', 'changed_at', 'author', 'approved_by', 'approved_at'] },
});

/** Consent records from the consent platform: a grant or a withdrawal per user and purpose. */
export const consentRecords = typedEntity({
  name: 'consent_records',
  description: 'consent records: user, purpose, granted or withdrawn, time recorded',
  columns: {
    user_id: { kind: 'key', required: true },
    purpose: { kind: 'token', required: true },
    status: {
      kind: 'token',
      required: true,
      values: ['granted', 'withdrawn'],
      aliases: {
        opt_in: 'granted',
        opted_in: 'granted',
        accepted: 'granted',
        yes: 'granted',
        true: 'granted',
        // OneTrust's consent statuses (as its data subject and receipt exports write them): ACTIVE is a
        // grant; EXPIRED and HARD_OPT_OUT end one, NO_CONSENT refuses. PENDING (a double opt-in not
        // confirmed yet) is neither and stays rejected, so an export with it is reported, not guessed.
        active: 'granted',
        opt_out: 'withdrawn',
        opted_out: 'withdrawn',
        hard_opt_out: 'withdrawn',
        expired: 'withdrawn',
        revoked: 'withdrawn',
        denied: 'withdrawn',
        rejected: 'withdrawn',
        no_consent: 'withdrawn',
        no: 'withdrawn',
        false: 'withdrawn',
      },
    },
    recorded_at: { kind: 'timestamp', required: true },
  },
  dedupe: { keys: ['user_id', 'purpose', 'status', 'recorded_at'] },
});
