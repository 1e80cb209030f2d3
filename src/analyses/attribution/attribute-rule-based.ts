import type { RuleModelName } from './model-names.ts';
import { SharesBuilder, type ModelRun, type RowWeights } from './model-run.ts';
import type { PreparedPaths } from './prepare-paths.ts';
import {
  ruleWeightsOf,
  weightsDependOnLengthOnly,
  type RuleParams,
  type TouchContext,
} from './touch-weights.ts';

/**
 * Credit of a rule-based model: each path's conversions and value split by its per-touch weights.
 * Weights that depend on path length only are computed once per length.
 */
export function runRuleModel(
  prep: PreparedPaths,
  model: RuleModelName,
  params: RuleParams,
  weights: RowWeights,
  wantShares: boolean,
): ModelRun {
  const nCh = prep.channels.length;
  const conversions = new Float64Array(nCh);
  const value = new Float64Array(nCh);
  const { starts, data } = prep.sequences;
  const weightsOf = ruleWeightsOf(model, params);
  const ctx: TouchContext = {
    tokens: data,
    tokenOffset: 0,
    tokenDirect: prep.tokenDirect,
    times: prep.times,
    timeOffset: -1,
    convertedAt: NaN,
    lead: -1,
    opportunity: -1,
    closedWon: -1,
  };
  const shares = wantShares ? new SharesBuilder(prep.rowCount, nCh, data.length) : null;

  for (let r = 0; r < prep.rowCount; r++) {
    const seq = prep.rowSeq[r];
    const c = weights.conversions[r];
    const v = weights.value[r];
    if (seq < 0 || (c === 0 && v === 0 && !shares)) continue;
    const off = starts[seq];
    const len = starts[seq + 1] - off;
    ctx.tokenOffset = off;
    ctx.timeOffset = prep.timeStart ? prep.timeStart[r] : -1;
    ctx.convertedAt = prep.convertedAt ? prep.convertedAt[r] : NaN;
    if (prep.roles) {
      ctx.lead = prep.roles[3 * r];
      ctx.opportunity = prep.roles[3 * r + 1];
      ctx.closedWon = prep.roles[3 * r + 2];
    }
    const w = weightsOf(len, ctx, weightsDependOnLengthOnly(model, ctx));
    for (let i = 0; i < len; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const ch = prep.tokenChannel[data[off + i]];
      conversions[ch] += c * wi;
      value[ch] += v * wi;
      shares?.add(ch, wi);
    }
    shares?.endRow(r);
  }
  return { conversions, value, shares: shares?.finish(prep.rowCount) };
}
