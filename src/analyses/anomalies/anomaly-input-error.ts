/**
 * A problem with a detector's input or options, carrying where it is so the command layer can point
 * the user at it (`--flag`, the series and the point) without this pure module knowing about flags.
 */
export class AnomalyInputError extends Error {
  /** Name of the offending option (camelCase, as in the detector's options). */
  readonly option?: string;
  /** 0-based index of the offending point, when validating a series. */
  readonly index?: number;
  /** What the user should do about it. */
  readonly hint?: string;

  constructor(message: string, where: { option?: string; index?: number; hint?: string } = {}) {
    super(message);
    this.name = 'AnomalyInputError';
    this.option = where.option;
    this.index = where.index;
    this.hint = where.hint;
  }
}
