/**
 * A problem with loyalty-analysis input, carrying where it is (the column and the 0-based row of
 * the summary arrays, or the option) so the command layer can point the user at the query or the
 * setting that produced it, without this pure module knowing about SQL or flags.
 */
export class LoyaltyInputError extends Error {
  /** Name of the offending input column (as in the input type, e.g. `tx`). */
  readonly column?: string;
  /** 0-based row of the summary arrays. */
  readonly row?: number;
  /** Name of the offending option (camelCase, as in the options type). */
  readonly option?: string;
  /** What the user should do about it. */
  readonly hint?: string;

  constructor(
    message: string,
    where: { column?: string; row?: number; option?: string; hint?: string } = {},
  ) {
    super(message);
    this.name = 'LoyaltyInputError';
    this.column = where.column;
    this.row = where.row;
    this.option = where.option;
    this.hint = where.hint;
  }
}
