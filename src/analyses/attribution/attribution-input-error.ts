/**
 * A problem with attribution input or options, carrying where it is so the command layer can point
 * the user at it (`file:line`, `--flag`) without this pure module knowing about files or flags.
 */
export class AttributionInputError extends Error {
  /** 1-based line of the source text, when parsing. */
  readonly line?: number;
  /** 1-based column (field number) of the source text, when parsing. */
  readonly column?: number;
  /** 0-based index into the records array, when validating records. */
  readonly record?: number;
  /** Name of the offending option (camelCase, as in AttributionOptions). */
  readonly option?: string;
  /** What the user should do about it. */
  readonly hint?: string;

  constructor(
    message: string,
    where: { line?: number; column?: number; record?: number; option?: string; hint?: string } = {},
  ) {
    super(message);
    this.name = 'AttributionInputError';
    this.line = where.line;
    this.column = where.column;
    this.record = where.record;
    this.option = where.option;
    this.hint = where.hint;
  }
}
