import { sequenceWeights, SharesBuilder, type ModelRun, type RowWeights } from './model-run.ts';
import type { PreparedPaths } from './prepare-paths.ts';

/**
 * google/fractribution's "simplified Shapley" (leave-one-out counterfactual) model, matching its
 * `run_shapley_attribution` / `compute_fractional_values` step for step:
 * - identical (transformed) paths are pooled; P(conversion | path) = conv / (conv + nonconv);
 * - for a converting path of one touch, that touch gets everything;
 * - otherwise touch i's marginal contribution is max(P(path) − P(path without touch i), 0), where
 *   the counterfactual is looked up as is among the observed transformed paths (not re-transformed)
 *   and counts as 0 when never observed; contributions are normalised to sum to 1;
 * - when every contribution is 0, the last touch gets all the credit;
 * - a channel's share is the sum over its touches (and, under the frequency transform, over its
 *   `A(n)` labels).
 * Paths without conversions get no attribution; any value they carry goes, as in fractribution, to
 * the unmatched channel.
 */
export function runFractribution(prep: PreparedPaths, weights: RowWeights, wantShares: boolean): ModelRun {
  const { starts, data, count } = prep.sequences;
  const { conversions: seqConv, nulls: seqNull, value: seqValue } = sequenceWeights(prep, weights);
  const prob = (s: number): number => {
    const all = seqConv[s] + seqNull[s];
    return all > 0 ? seqConv[s] / all : 0;
  };

  const nCh = prep.channels.length;
  const conversions = new Float64Array(nCh);
  const value = new Float64Array(nCh);
  // Per-sequence channel shares (CSR over sequences) only when per-path output is wanted;
  // otherwise credit goes straight to the channels.
  const seqShares = wantShares ? new SharesBuilder(count, nCh, count * 3) : null;
  let without = new Int32Array(64);
  let marginal = new Float64Array(64);
  let unmatchedValue = 0;
  const { tokenChannel } = prep;
  for (let s = 0; s < count; s++) {
    const c = seqConv[s];
    if (!(c > 0)) {
      unmatchedValue += seqValue[s];
      continue;
    }
    const v = seqValue[s];
    const off = starts[s];
    const len = starts[s + 1] - off;
    if (len === 1) {
      const ch = tokenChannel[data[off]];
      conversions[ch] += c;
      value[ch] += v;
      seqShares?.add(ch, 1);
      seqShares?.endRow(s);
      continue;
    }
    if (without.length < len) {
      without = new Int32Array(len * 2);
      marginal = new Float64Array(len * 2);
    }
    const p = prob(s);
    prep.sequences.leaveOneOut(s, without);
    let sum = 0;
    for (let i = 0; i < len; i++) {
      const cf = without[i];
      const m = Math.max(p - (cf >= 0 ? prob(cf) : 0), 0);
      marginal[i] = m;
      sum += m;
    }
    for (let i = 0; i < len; i++) {
      const share = sum > 0 ? marginal[i] / sum : i === len - 1 ? 1 : 0;
      if (share === 0) continue;
      const ch = tokenChannel[data[off + i]];
      conversions[ch] += c * share;
      value[ch] += v * share;
      seqShares?.add(ch, share);
    }
    seqShares?.endRow(s);
  }
  const run: ModelRun = { conversions, value, unmatched: { conversions: 0, value: unmatchedValue } };
  if (seqShares) {
    const bySeq = seqShares.finish(count);
    const rows = new SharesBuilder(prep.rowCount, nCh, bySeq.channel.length);
    for (let r = 0; r < prep.rowCount; r++) {
      const s = prep.rowSeq[r];
      if (s < 0) continue;
      for (let k = bySeq.start[s]; k < bySeq.start[s + 1]; k++) rows.add(bySeq.channel[k], bySeq.share[k]);
      rows.endRow(r);
    }
    run.shares = rows.finish(prep.rowCount);
  }
  return run;
}
