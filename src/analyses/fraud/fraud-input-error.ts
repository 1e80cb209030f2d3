/**
 * A caller bug in what was passed to the fraud heuristics (typed arrays of different lengths, a node
 * id outside the graph, a non-finite count), carrying where it is so the command can name the SQL
 * column or row behind it. Data conditions (no referrals, no edges) are not errors: they give empty
 * results.
 */
export class FraudInputError extends Error {
  /** The offending field, as named in the input type (e.g. `edges.to`, `rows[3].rewardAmount`). */
  readonly field?: string;
  /** 0-based index of the offending row, edge or node. */
  readonly index?: number;
  /** What the caller should do about it. */
  readonly hint?: string;

  constructor(message: string, where: { field?: string; index?: number; hint?: string } = {}) {
    super(message);
    this.name = 'FraudInputError';
    this.field = where.field;
    this.index = where.index;
    this.hint = where.hint;
  }
}
