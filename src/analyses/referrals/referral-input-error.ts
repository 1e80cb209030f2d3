/**
 * A caller bug in what was passed to the referral metrics (a negative or non-finite count, arrays
 * of different lengths, an unsorted "sorted" array), carrying the field and row so the command can
 * name the SQL column behind it. Empty denominators are not errors: the rate is null.
 */
export class ReferralInputError extends Error {
  /** The offending field, as named in the input type (e.g. `rows[2].clicks`). */
  readonly field?: string;
  /** 0-based index of the offending row or element. */
  readonly index?: number;
  /** What the caller should do about it. */
  readonly hint?: string;

  constructor(message: string, where: { field?: string; index?: number; hint?: string } = {}) {
    super(message);
    this.name = 'ReferralInputError';
    this.field = where.field;
    this.index = where.index;
    this.hint = where.hint;
  }
}
