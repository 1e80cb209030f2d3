/**
 * What validating a stream of Segment-spec messages against a tracking plan produces.
 */

/** Violation types, in report order. */
export const VIOLATION_TYPES = [
  'unplanned_event',
  'missing_required_property',
  'wrong_type',
  'additional_property',
  'constraint_violation',
  'inconsistent_type',
  'outdated_version',
  'unexpected_source',
  'consent_violation',
  'pii_detected',
  'future_timestamp',
] as const;

export type ViolationType = (typeof VIOLATION_TYPES)[number];

/** One violation kept as evidence, with the message that carried it. */
export interface ViolationSample {
  type: ViolationType;
  event: string;
  /** Dotted path of the property concerned, when there is one. */
  property?: string;
  /** What is wrong, in words. */
  detail: string;
  /** Where the message came from: `file:line` for files, `collector` for live QA. */
  where?: string;
  payload: unknown;
}

export interface EventValidationSummary {
  event: string;
  planned: boolean;
  checked: number;
  /** Messages of this event with at least one violation (inconsistent_type excluded: see below). */
  messagesWithViolations: number;
  violations: number;
  byType: Partial<Record<ViolationType, number>>;
}

/** A property seen with several JSON types across the stream. */
export interface InconsistentType {
  event: string;
  property: string;
  /** Messages per JSON type (`null` not counted). */
  types: Record<string, number>;
  /** Messages that used a minority type: the count reported as inconsistent_type. */
  violations: number;
}

/** A messageId whose later copies differ from its first (`sentAt` and `receivedAt` aside). */
export interface DuplicateConflict {
  messageId: string;
  /** Copies read, the first included. */
  copies: number;
  /** Later copies that differ from the first. */
  differing: number;
  /** Where the first differing copy was read (`file:line`), when known. */
  where?: string;
  /** In words: `messageId "m1" seen 2 times with different payloads`. */
  detail: string;
}

export interface ValidationReport {
  plan: { name: string; version: string };
  /**
   * Distinct messages checked (batches count their members). A messageId is checked once: its
   * first copy in input order; messages without one (or with an empty one) are each checked.
   */
  eventsChecked: number;
  /** Messages read: `eventsChecked + duplicates`. */
  messagesRead: number;
  /** Later copies of a messageId already checked (retries), counted here and not checked again. */
  duplicates: number;
  /** messageIds with at least one later copy that differs from the first. */
  conflictingDuplicates: number;
  /** Up to `maxSamplesPerType` of those, in input order of their first repeat (the second copy, whether or not it is the one that differs). */
  duplicateConflicts: DuplicateConflict[];
  /** Messages by call type (`track`, `identify`, ...). */
  callTypes: Record<string, number>;
  /**
   * Messages with at least one violation found while reading them. inconsistent_type is decided
   * over the whole stream, so it is counted in `violationsByType` but not here.
   */
  messagesWithViolations: number;
  totalViolations: number;
  violationsByType: Record<ViolationType, number>;
  byEvent: EventValidationSummary[];
  inconsistentTypes: InconsistentType[];
  /** Bounded evidence: at most `maxSamplesPerType` per violation type. */
  samples: ViolationSample[];
  /**
   * Only when some: messages whose consent manager ids (RudderStack's `allowedConsentIds` /
   * `deniedConsentIds`) match no consent category of the plan and no mapping of
   * `events.governance.consent.ids`, so their consent was not read; the first `ids` in sorted
   * order, how many more distinct ones, and the plan's consent categories.
   */
  consentIdsUnmatched?: { messages: number; ids: string[]; more: number; categories: string[] };
}

/** A zeroed count per violation type. */
export function emptyViolationCounts(): Record<ViolationType, number> {
  const out = {} as Record<ViolationType, number>;
  for (const t of VIOLATION_TYPES) out[t] = 0;
  return out;
}
