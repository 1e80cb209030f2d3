/**
 * The model fits in a worker thread (`startModelThread`) give the numbers the same functions give
 * here: BG/NBD on the CDNOW sample (whose published fit bgnbd.test.ts checks), its predictions and
 * discounted purchases, Gamma-Gamma; an error thrown in the worker reaches the caller as the
 * function's own error; a closed thread's calls run here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referencePath } from '../../../test/helpers/reference-data.ts';
import {
  bgnbdDiscountedPurchases,
  fitBgnbd,
  fitGammaGamma,
  LoyaltyInputError,
  predictBgnbd,
} from '../../analyses/loyalty/index.ts';
import { startModelThread } from './model-thread.ts';

const rows = readFileSync(referencePath('loyalty', 'cdnow-customers-summary.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').map(Number));
const cdnow = {
  x: Float64Array.from(rows, (r) => r[1]),
  tx: Float64Array.from(rows, (r) => r[2]),
  T: Float64Array.from(rows, (r) => r[3]),
};

describe('the model thread', () => {
  it('fits and predicts as this thread does, to the last bit', async () => {
    const models = startModelThread();
    try {
      const there = await models.call('fitBgnbd', cdnow);
      const here = fitBgnbd(cdnow);
      expect(there).toEqual(here);
      // the published fit (Fader, Hardie & Lee 2005): r 0.243, α 4.414, a 0.793, b 2.426
      expect(there.params.r).toBeCloseTo(0.243, 3);
      expect(there.params.alpha).toBeCloseTo(4.414, 3);
      const pred = await models.call('predictBgnbd', there.params, cdnow, 39);
      expect(pred).toEqual(predictBgnbd(here.params, cdnow, 39));
      expect(pred.expectedPurchases).toBeInstanceOf(Float64Array);
      const clv = { periodsPerMonth: 4.348, months: 12, monthlyDiscountRate: 0.01 };
      expect(await models.call('bgnbdDiscountedPurchases', there.params, cdnow, clv)).toEqual(
        bgnbdDiscountedPurchases(here.params, cdnow, clv),
      );
      const spend = {
        x: Float64Array.from([1, 2, 3, 1, 5, 2]),
        zbar: Float64Array.from([10, 25.5, 12, 40, 18, 22]),
        weight: Float64Array.from([3, 2, 1, 4, 1, 2]),
      };
      expect(await models.call('fitGammaGamma', spend)).toEqual(fitGammaGamma(spend));
      // all four answered by the worker, none computed here after a failure
      expect(models.answered).toBe(4);
    } finally {
      models.close();
    }
  }, 60_000);

  it("an error in the worker is the function's own error; a closed thread computes here", async () => {
    const models = startModelThread();
    const bad = { x: Float64Array.of(1, 2), tx: Float64Array.of(1), T: Float64Array.of(3, 4) };
    await expect(models.call('fitBgnbd', bad)).rejects.toBeInstanceOf(LoyaltyInputError);
    models.close();
    const small = { x: cdnow.x.slice(0, 500), tx: cdnow.tx.slice(0, 500), T: cdnow.T.slice(0, 500) };
    expect(await models.call('fitBgnbd', small)).toEqual(fitBgnbd(small));
  }, 60_000);
});
