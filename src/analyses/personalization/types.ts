/**
 * Shared types of the personalization analyses. Inputs are shaped like the rows of SQL aggregates
 * (camelCase column aliases); outputs are plain data for the report layer.
 */

/**
 * A point in time: epoch milliseconds, a `Date`, or an ISO 8601 / SQL timestamp string. Strings
 * without a zone (`2026-03-01 10:00:00`, DuckDB's TIMESTAMP text) are read as UTC.
 */
export type Timestamp = number | string | Date;

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** Most severe first: the order backlogs are sorted in. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Where an issue came from: a governance rule, an anomaly detector or an experiment readout. */
export type IssueSource = 'governance' | 'anomaly' | 'experiment';

/**
 * One thing that needs someone's attention. `id` is built from the kind and the subject only
 * (never from numbers that change between runs), so the same problem seen in the next run has the
 * same id and can be recognised as a repeat.
 */
export interface Issue {
  readonly id: string;
  readonly source: IssueSource;
  /** Rule or detector that raised it, e.g. `consent-violation`, `rule-error-rate`. */
  readonly kind: string;
  readonly severity: Severity;
  /** A roster role (snake_case); the command resolves the person. */
  readonly ownerRole: string;
  readonly title: string;
  /** The numbers behind it, in a sentence a reader can check. */
  readonly evidence: string;
  readonly suggestedAction: string;
  /** What it is about: rule, purpose, experiment, change… (also the basis of `id`). */
  readonly subject: Readonly<Record<string, string>>;
}
