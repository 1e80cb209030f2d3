import { bgnbdProbabilityAlive } from './bgnbd-probability-alive.ts';
import { BracketMemo, purchaseBracket } from './bgnbd-purchase-series.ts';
import { checkLength, finiteAt } from './check-column.ts';
import type { BgNbdParams, NumericColumn } from './types.ts';

export interface BgNbdPrediction {
  /** P(alive | x, tx, T) per row. */
  readonly probabilityAlive: Float64Array;
  /** E[Y(t) | x, tx, T]: purchases expected in the next `t` periods, per member of the row. */
  readonly expectedPurchases: Float64Array;
}

/**
 * P(alive) and expected purchases in the next `t` periods for columns of members or distinct
 * (x, tx, T) combinations (join the result back to members in SQL on the combination).
 * O(rows + distinct (x, T) × series terms): the series does not depend on tx, so it is summed once per
 * distinct (x, T) of consecutive rows with the same x (rows sorted by x, as the command's are); the
 * series is short unless t is many times α + T.
 *
 * @example
 * const { probabilityAlive, expectedPurchases } = predictBgnbd(fit.params, { x, tx, T }, 39);
 */
export function predictBgnbd(
  params: BgNbdParams,
  data: { readonly x: NumericColumn; readonly tx: NumericColumn; readonly T: NumericColumn },
  t: number,
): BgNbdPrediction {
  const n = data.x.length;
  checkLength(data.tx, n, 'tx');
  checkLength(data.T, n, 'T');
  const probabilityAlive = new Float64Array(n);
  const expectedPurchases = new Float64Array(n);
  const { r, alpha, a, b } = params;
  const bracket = new BracketMemo((x, T) => purchaseBracket(r, alpha, a, b, x, T, t));
  for (let i = 0; i < n; i++) {
    const x = finiteAt(data.x, i, 'x', 0);
    const tx = finiteAt(data.tx, i, 'tx', 0);
    const T = finiteAt(data.T, i, 'T', 0);
    const alive = bgnbdProbabilityAlive(params, x, tx, T);
    probabilityAlive[i] = alive;
    expectedPurchases[i] = (a + b + x - 1) * bracket.get(x, T) * alive;
  }
  return { probabilityAlive, expectedPurchases };
}
