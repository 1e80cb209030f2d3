import type { Regulation } from './tracking-plan.ts';

export type Severity = 'error' | 'warning';

export interface LintRule {
  id: string;
  severity: Severity;
  /** The regulation that turns the rule on; rules without one always apply. */
  regulation?: Regulation;
  /** Severity while any regulation is in force (a governance gap becomes a compliance blocker). */
  regulatedSeverity?: Severity;
  description: string;
}

/**
 * Every rule the plan lint enforces, with its id and severity. Regulation rules apply when the
 * plan (or the lint options) declare the regulation. Rules can be switched off by id.
 */
export const LINT_RULES = [
  // Naming
  {
    id: 'event-name-casing',
    severity: 'error',
    description:
      'Event names use the configured casing (title: "Order Completed", snake: "order_completed", camel, kebab, pascal).',
  },
  {
    id: 'event-name-object-action',
    severity: 'warning',
    description: 'Event names read object then past-tense action ("Order Completed", not "Complete Order").',
  },
  {
    id: 'property-name-casing',
    severity: 'warning',
    description: 'Property names use the configured property casing (snake by default).',
  },
  // Documentation
  { id: 'event-described', severity: 'warning', description: 'Every event has a description.' },
  {
    id: 'property-described',
    severity: 'warning',
    description: 'Every property, nested ones included, has a description.',
  },
  // Schema
  {
    id: 'string-bounded',
    severity: 'warning',
    description: 'Strings are bounded: maxLength, enum, const, pattern or format.',
  },
  {
    id: 'number-ranged',
    severity: 'warning',
    description: 'Numbers have a minimum and a maximum (or an enum/const).',
  },
  {
    id: 'duplicate-event-name',
    severity: 'error',
    description: 'No two events of a call type share a name ignoring case and word separators.',
  },
  {
    id: 'duplicate-property-name',
    severity: 'error',
    description: 'No two properties of an object share a name ignoring case and word separators.',
  },
  {
    id: 'impossible-constraint',
    severity: 'error',
    description:
      'Constraints can be met: minimum ≤ maximum, minLength ≤ maxLength, minItems ≤ maxItems, minProperties ≤ maxProperties, required properties defined when others are forbidden.',
  },
  {
    id: 'enum-type-mismatch',
    severity: 'error',
    description: 'Enum and const values match the declared type and the other constraints.',
  },
  { id: 'empty-enum', severity: 'error', description: 'An enum lists at least one value.' },
  {
    id: 'enum-value-blank',
    severity: 'warning',
    description:
      'String enum values are not blank and have no leading or trailing whitespace (a payload sends the trimmed value, and a blank one is usually an empty cell or a stray comma).',
  },
  {
    id: 'property-type-conflict',
    severity: 'warning',
    description:
      "A property name has one type across the plan's events (track, page and screen properties and common properties together; identify traits and group traits each apart; integer and number agree): Amplitude, Mixpanel and Avo keep one definition per name, and the warehouse tables of identify, page, screen and group calls one column.",
  },
  {
    id: 'invalid-pattern',
    severity: 'error',
    description: 'Patterns are valid regular expressions (ECMAScript, unicode mode, as Ajv compiles them).',
  },
  {
    id: 'invalid-schema',
    severity: 'error',
    description:
      'Property schemas are valid JSON Schema (draft-07): types are JSON types, bounds and lengths are numbers (a schema Ajv refuses cannot validate a payload).',
  },
  {
    id: 'invalid-version',
    severity: 'error',
    description: 'Plan and event versions are SchemaVer MODEL-REVISION-ADDITION.',
  },
  { id: 'sampling-rate-range', severity: 'error', description: 'Sampling rates are between 0 and 1.' },
  { id: 'unknown-source', severity: 'error', description: 'Event sources name sources the plan defines.' },
  {
    id: 'unknown-consent-category',
    severity: 'warning',
    description: 'Consent categories are among the plan consent categories.',
  },
  {
    id: 'identity-required',
    severity: 'warning',
    description: 'Every event lists the identities it carries (userId, anonymousId, accountId, groupId).',
  },
  // Governance, always on: warnings, errors while a regulation is in force
  {
    id: 'event-retention',
    severity: 'warning',
    regulatedSeverity: 'error',
    description:
      'Every event has a retention period in days (its own, or from the governance policy: --retention-days, events.governance.retention in gtm.yaml, or the default the regulations set).',
  },
  {
    id: 'event-consent-category',
    severity: 'warning',
    regulatedSeverity: 'error',
    description: 'Every event names the consent category that covers it.',
  },
  // Privacy, always on
  {
    id: 'pii-not-flagged',
    severity: 'warning',
    description:
      'Properties whose name or format suggests personal data (email, phone, address, IP...) are flagged pii (true, or false as a decision).',
  },
  // GDPR
  {
    id: 'gdpr-pii-consent',
    severity: 'error',
    regulation: 'GDPR',
    description: 'Personal data declares the consent category that covers it (GDPR Art. 6/7).',
  },
  {
    id: 'gdpr-pii-retention',
    severity: 'error',
    regulation: 'GDPR',
    description:
      'Personal data declares a retention of at most the configured days (storage limitation, Art. 5(1)(e)).',
  },
  {
    id: 'gdpr-event-retention',
    severity: 'warning',
    regulation: 'GDPR',
    description:
      'An event with personal data (a person identity or a PII property) is kept at most the configured days (default 365; storage limitation, Art. 5(1)(e)).',
  },
  {
    id: 'gdpr-opt-in',
    severity: 'error',
    regulation: 'GDPR',
    description: 'Consent is opt-in: a message without a consent object has none.',
  },
  // CCPA
  {
    id: 'ccpa-pii-consent',
    severity: 'error',
    regulation: 'CCPA',
    description:
      "Personal data declares a consent category, so a user's opt-out of sale/sharing can be honoured.",
  },
  {
    id: 'ccpa-pii-retention',
    severity: 'warning',
    regulation: 'CCPA',
    description:
      'Personal data declares its retention (businesses disclose how long they keep each category).',
  },
  // HIPAA
  {
    id: 'hipaa-no-health-pii',
    severity: 'error',
    regulation: 'HIPAA',
    description:
      'No health information (PHI) in analytics events: no property of PII kind health or named like a diagnosis, medication, condition...',
  },
  {
    id: 'hipaa-no-identifiers-in-page-urls',
    severity: 'warning',
    regulation: 'HIPAA',
    description:
      'Page and screen events do not carry URL, path or search properties unbounded by a pattern (they can leak PHI in query strings).',
  },
  // COPPA
  {
    id: 'coppa-age-gate',
    severity: 'error',
    regulation: 'COPPA',
    description:
      'The plan has an age-gating event (e.g. "Age Gate Completed") so collection from children under 13 can be stopped.',
  },
  {
    id: 'coppa-no-advertising-pii',
    severity: 'error',
    regulation: 'COPPA',
    description:
      'Personal data is not collected under an advertising/marketing consent category (behavioral advertising to children needs verifiable parental consent).',
  },
] as const satisfies readonly LintRule[];

export type LintRuleId = (typeof LINT_RULES)[number]['id'];
