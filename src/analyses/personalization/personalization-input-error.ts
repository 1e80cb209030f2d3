/**
 * Input that no analysis can make sense of (a count above its total, an unparsable timestamp, an
 * option out of range), with where it is so the command can point at the SQL row or the setting
 * without this pure module knowing about queries or flags.
 */
export class PersonalizationInputError extends Error {
  /** 0-based index into the rows array the error is about. */
  readonly record?: number;
  /** The offending field of that row (camelCase, as in the input types). */
  readonly field?: string;
  /** Name of the offending option (camelCase). */
  readonly option?: string;
  /** What the user should do about it. */
  readonly hint?: string;

  constructor(
    message: string,
    where: { record?: number; field?: string; option?: string; hint?: string } = {},
  ) {
    super(message);
    this.name = 'PersonalizationInputError';
    this.record = where.record;
    this.field = where.field;
    this.option = where.option;
    this.hint = where.hint;
  }
}
