/**
 * The model functions `model-thread.ts` runs in its worker: pure functions of src/analyses/loyalty,
 * named so that the main thread can ask for them by name.
 */
import {
  bgnbdDiscountedPurchases,
  fitBgnbd,
  fitGammaGamma,
  predictBgnbd,
} from '../../analyses/loyalty/index.ts';

export const MODEL_CALLS = { fitBgnbd, predictBgnbd, bgnbdDiscountedPurchases, fitGammaGamma };

export type ModelCalls = typeof MODEL_CALLS;
