import { runFractribution } from './attribute-fractribution.ts';
import { buildMarkovStructure, runMarkovModel } from './attribute-markov.ts';
import { runRuleModel } from './attribute-rule-based.ts';
import { runShapleyModel, sequenceMasks, ShapleyBuffers } from './attribute-shapley.ts';
import { AttributionInputError } from './attribution-input-error.ts';
import { isRuleModel, type ModelName, type RuleModelName } from './model-names.ts';
import { creditFromShares, type ModelRun, type RowShares, type RowWeights } from './model-run.ts';
import type { PreparedPaths } from './prepare-paths.ts';
import { resolveRuleParams, type RuleParams } from './touch-weights.ts';
import type { ModelOptions } from './types.ts';

/** Runs one model on the prepared paths for any row weights (the data's, or a bootstrap resample). */
export type ModelRunner = (weights: RowWeights, wantShares: boolean, wantDetails: boolean) => ModelRun;

/**
 * Does the per-model work that does not depend on the weights once (rule parameters, the Markov
 * state graph, Shapley coalition masks) and returns a runner. Rule models whose shares are fixed
 * reuse them across runs, so a bootstrap of a rule model is one sparse product per resample.
 */
export function createModelRunner(
  prep: PreparedPaths,
  model: ModelName,
  options: ModelOptions = {},
): ModelRunner {
  const run = modelRunner(prep, model, options);
  const emptyRows: number[] = [];
  for (let r = 0; r < prep.rowCount; r++) if (prep.rowSeq[r] < 0) emptyRows.push(r);
  // Journeys left without any touch cannot credit a channel; they go to the unmatched channel.
  return (weights, wantShares, wantDetails) => {
    const out = run(weights, wantShares, wantDetails);
    const unmatched = { conversions: out.unmatched?.conversions ?? 0, value: out.unmatched?.value ?? 0 };
    for (const r of emptyRows) {
      unmatched.conversions += weights.conversions[r];
      unmatched.value += weights.value[r];
    }
    return { ...out, unmatched };
  };
}

function modelRunner(prep: PreparedPaths, model: ModelName, options: ModelOptions): ModelRunner {
  if (isRuleModel(model)) {
    const params = ruleParamsOf(model, options);
    // Shares of a rule model do not depend on the weights: build them once, when a second run
    // (a bootstrap) or a per-path report needs them, then every run is one sparse product.
    let fixed: RowShares | undefined;
    let runs = 0;
    return (weights, wantShares) => {
      runs++;
      if (!fixed && !wantShares && runs === 1) return runRuleModel(prep, model, params, weights, false);
      fixed ??= runRuleModel(prep, model, params, weights, true).shares!;
      const credit = creditFromShares(fixed, weights, prep.channels.length);
      return wantShares ? { ...credit, shares: fixed } : credit;
    };
  }
  if (model === 'markov') {
    const structure = buildMarkovStructure(prep, options.markovOrder ?? 1);
    return (weights, wantShares, wantDetails) =>
      runMarkovModel(prep, structure, weights, wantShares, wantDetails);
  }
  if (model === 'shapley') {
    const rates = shapleyRatesOf(options);
    const masks = sequenceMasks(prep, options.maxShapleyChannels ?? 20);
    const buffers = new ShapleyBuffers(prep.channels.length);
    return (weights, wantShares, wantDetails) =>
      runShapleyModel(prep, masks, rates, weights, wantShares, wantDetails, buffers);
  }
  return (weights, wantShares) => runFractribution(prep, weights, wantShares);
}

/** A rule model's parameters from the options; the custom model without weights is an error. */
export function ruleParamsOf(model: RuleModelName, options: ModelOptions): RuleParams {
  const params = resolveRuleParams(options);
  if (model === 'custom' && params.custom === null) {
    throw new AttributionInputError('the custom model needs its weights (first, middle, last touch)', {
      option: 'customWeights',
      hint: 'e.g. --custom-weights 0.4,0.2,0.4 (library: customWeights { first, middle, last } or per-touch weights)',
    });
  }
  return params;
}

/** The Shapley game's rates option (`pooled` by default), else an error naming `shapleyRates`. */
export function shapleyRatesOf(options: ModelOptions): 'pooled' | 'exact' {
  const rates = options.shapleyRates ?? 'pooled';
  if (rates !== 'pooled' && rates !== 'exact') {
    throw new AttributionInputError(`shapleyRates must be pooled or exact, not "${String(rates)}"`, {
      option: 'shapleyRates',
    });
  }
  return rates;
}
