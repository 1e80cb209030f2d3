import { AttributionInputError } from './attribution-input-error.ts';
import { SharesBuilder, type ModelRun, type RowWeights } from './model-run.ts';
import type { PreparedPaths } from './prepare-paths.ts';
import { mobius, subsetSum } from './subset-transforms.ts';

/** Channel set of every prepared sequence as a bit mask (built once, reused by the bootstrap). */
export function sequenceMasks(prep: PreparedPaths, maxChannels: number): Int32Array {
  checkShapleyChannels(prep.channels.length, maxChannels);
  const { starts, data, count } = prep.sequences;
  const masks = new Int32Array(count);
  for (let s = 0; s < count; s++) {
    let m = 0;
    for (let k = starts[s]; k < starts[s + 1]; k++) m |= 1 << prep.tokenChannel[data[k]];
    masks[s] = m;
  }
  return masks;
}

/** Exact Shapley takes at most min(maxChannels, 26) channels, else an error naming `maxShapleyChannels`. */
export function checkShapleyChannels(n: number, maxChannels: number): void {
  const limit = Math.min(maxChannels, 26);
  if (n > limit) {
    throw new AttributionInputError(
      `exact Shapley over ${n} channels needs 2^${n} coalitions; the limit is ${limit}`,
      {
        option: 'maxShapleyChannels',
        hint: 'group rare channels or use includeChannels/excludeChannels; maxShapleyChannels can go up to 26 (memory 2^n × 16 bytes)',
      },
    );
  }
}

/**
 * Exact Shapley attribution over channel coalitions (the set of channels a journey touched, order
 * and repeats ignored). The game is the observed conversion rate:
 * - `pooled` (default): v(S) = conversion rate of the journeys whose channel set ⊆ S, in the spirit
 *   of Zhao et al. (2018), "Shapley Value Methods for Attribution Modeling in Online Advertising",
 *   whose coalition worth gathers every journey inside the coalition;
 * - `exact`: v(S) = conversion rate of the journeys whose channel set is exactly S (0 when never
 *   observed), the full-Shapley counterpart of fractribution's leave-one-out model.
 * Rates are Σ conversions / Σ (conversions + nulls); v(∅) = 0.
 * Each converting coalition T keeps its own conversions: they (and its value) are split over T's
 * channels by the Shapley values of v restricted to subsets of T, φ^T_j. With the Harsanyi
 * dividends d = Möbius(v) and G = subset-sum of d(S)/|S|, φ^T_j = G(T) − G(T∖{j}), so all
 * coalitions together cost O(n·2^n). Σ_j φ^T_j = v(T) > 0; a negative φ^T_j (the channel lowers the
 * rate within T) is floored at 0 and the rest renormalised. Raw (unfloored) credit is kept in the
 * details.
 */
export function runShapleyModel(
  prep: PreparedPaths,
  masks: Int32Array,
  rates: 'pooled' | 'exact',
  weights: RowWeights,
  wantShares: boolean,
  wantDetails: boolean,
  buffers: ShapleyBuffers = new ShapleyBuffers(prep.channels.length),
): ModelRun {
  const { game, all, convOf, valueOf } = buffers.cleared();
  for (let r = 0; r < prep.rowCount; r++) {
    const s = prep.rowSeq[r];
    if (s < 0) continue;
    const m = masks[s];
    const c = weights.conversions[r];
    convOf[m] += c;
    valueOf[m] += weights.value[r];
    all[m] += c + weights.nulls[r];
  }
  const { run, g } = shapleyFromCoalitions(prep.channels, { game, all, convOf, valueOf }, rates, wantDetails);
  if (wantShares) run.shares = rowShares(prep, masks, g, convOf);
  return run;
}

/**
 * The Shapley split from the per-coalition sums (`convOf`, `valueOf`, `all` = conversions + nulls,
 * indexed by channel mask; `game` is scratch): O(n·2^n), whatever the number of paths. The path
 * form (`runShapleyModel`) and a stream of paths (`PathStream`) both end here. Returns the run and
 * g (g[T] = Σ_{S⊆T} d(S)/|S|, for per-path shares).
 */
export function shapleyFromCoalitions(
  channels: readonly string[],
  buffers: { game: Float64Array; all: Float64Array; convOf: Float64Array; valueOf: Float64Array },
  rates: 'pooled' | 'exact',
  wantDetails: boolean,
): { run: ModelRun; g: Float64Array } {
  const n = channels.length;
  const size = 1 << n;
  const { game, all, convOf, valueOf } = buffers;
  game.set(convOf);
  if (rates === 'pooled') {
    subsetSum(game, n);
    subsetSum(all, n);
  }
  for (let t = 0; t < size; t++) game[t] = all[t] > 0 ? game[t] / all[t] : 0;
  game[0] = 0;
  mobius(game, n);
  for (let t = 1; t < size; t++) game[t] /= popcount(t);
  subsetSum(game, n);
  const g = game; // g[T] = Σ_{S⊆T} d(S)/|S|

  const conversions = new Float64Array(n);
  const value = new Float64Array(n);
  const raw = wantDetails ? new Float64Array(n) : null;
  const rawValue = wantDetails ? new Float64Array(n) : null;
  let coalitions = 0;
  let unmatchedValue = 0;
  // Coalitions in mask order: the g[T ∖ {j}] reads then stream through memory instead of jumping.
  for (let t = 1; t < size; t++) {
    const c = convOf[t];
    if (!(c > 0)) {
      // A coalition that never converted has no Shapley split; its value (if any) is unmatched.
      unmatchedValue += valueOf[t];
      continue;
    }
    coalitions++;
    const v = valueOf[t];
    const gt = g[t];
    let positive = 0;
    let total = 0; // Σ_j φ^T_j = v(T)
    for (let bits = t; bits; bits &= bits - 1) {
      const phi = gt - g[t ^ (bits & -bits)];
      total += phi;
      if (phi > 0) positive += phi;
    }
    for (let bits = t; bits; bits &= bits - 1) {
      const low = bits & -bits;
      const j = 31 - Math.clz32(low);
      const phi = gt - g[t ^ low];
      if (phi > 0) {
        conversions[j] += (c * phi) / positive;
        value[j] += (v * phi) / positive;
      }
      if (raw) {
        raw[j] += (c * phi) / total;
        rawValue![j] += (v * phi) / total;
      }
    }
  }

  const run: ModelRun = { conversions, value, unmatched: { conversions: 0, value: unmatchedValue } };
  if (raw) {
    run.shapley = {
      rates,
      coalitions,
      unfloored: channels.map((channel, j) => ({ channel, conversions: raw[j], value: rawValue![j] })),
    };
  }
  return { run, g };
}
/** Work arrays of 2^n doubles, reused across runs (a bootstrap would otherwise allocate them B times). */
export class ShapleyBuffers {
  private arrays: Float64Array[] | undefined;
  constructor(private readonly n: number) {}

  cleared(): { game: Float64Array; all: Float64Array; convOf: Float64Array; valueOf: Float64Array } {
    if (!this.arrays) this.arrays = Array.from({ length: 4 }, () => new Float64Array(1 << this.n));
    else for (const a of this.arrays) a.fill(0);
    const [game, all, convOf, valueOf] = this.arrays;
    return { game, all, convOf, valueOf };
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** A row's shares are its coalition's floored, renormalised Shapley values. */
function rowShares(prep: PreparedPaths, masks: Int32Array, g: Float64Array, convOf: Float64Array) {
  const n = prep.channels.length;
  const builder = new SharesBuilder(prep.rowCount, n, prep.rowCount * 4);
  for (let r = 0; r < prep.rowCount; r++) {
    const s = prep.rowSeq[r];
    if (s < 0) continue;
    const t = masks[s];
    if (convOf[t] > 0) {
      let positive = 0;
      for (let bits = t; bits; bits &= bits - 1) positive += Math.max(0, g[t] - g[t ^ (bits & -bits)]);
      for (let bits = t; bits; bits &= bits - 1) {
        const low = bits & -bits;
        const phi = g[t] - g[t ^ low];
        if (phi > 0) builder.add(31 - Math.clz32(low), phi / positive);
      }
    }
    builder.endRow(r);
  }
  return builder.finish(prep.rowCount);
}
