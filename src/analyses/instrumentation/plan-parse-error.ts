/**
 * Raised by the pure format readers when a document does not have the expected shape. Commands
 * turn it into a `GtmError('INPUT')` with the file name in front of `at`.
 */
export class PlanParseError extends Error {
  /** Where in the document: a JSON path (`events[3].properties[0].schema`), a CSV `row 12`, ... */
  readonly at?: string;
  readonly hint?: string;

  constructor(message: string, at?: string, hint?: string) {
    super(message);
    this.name = 'PlanParseError';
    this.at = at;
    this.hint = hint;
  }
}
