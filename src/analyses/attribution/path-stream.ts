import { directNameSet } from './direct-channels.ts';
import { channelCredits } from './attribute.ts';
import { channelStatesOf, checkMarkovOrder, solveMarkov, sweepOrderOf } from './attribute-markov.ts';
import { checkShapleyChannels, shapleyFromCoalitions, ShapleyBuffers } from './attribute-shapley.ts';
import { AttributionInputError } from './attribution-input-error.ts';
import { ruleParamsOf, shapleyRatesOf } from './create-model-runner.ts';
import { isRuleModel, type ModelName, type RuleModelName } from './model-names.ts';
import type { ModelRun } from './model-run.ts';
import { preparePaths, validateWeights } from './prepare-paths.ts';
import { SequenceIndex } from './sequence-index.ts';
import {
  ruleWeightsOf,
  weightsDependOnLengthOnly,
  type RuleParams,
  type TouchContext,
} from './touch-weights.ts';
import type { AttributionOptions, AttributionResult, AttributionTotals } from './types.ts';

/** Masks of raw channel codes are 32-bit integers. */
const MAX_STREAM_SHAPLEY_CHANNELS = 30;

/**
 * Why a model and its options need every distinct path in memory, or null when their result is a
 * sum over paths that `PathStream` accumulates one path at a time. `channels` is the dictionary the
 * paths' codes index.
 */
export function pathStreamBlocker(
  model: ModelName | 'compare',
  options: AttributionOptions,
  channels: readonly string[],
): string | null {
  if (model === 'compare') return 'compare runs fractribution, which looks up every path';
  if (model === 'fractribution') return 'fractribution looks up each path without each of its touches';
  if ((options.bootstrap ?? 0) > 0) return 'the bootstrap resamples every path';
  if (options.perPath) return 'per-path credit lists every path';
  if (
    (options.transforms?.length ?? 0) > 0 ||
    options.lookbackSteps !== undefined ||
    options.includeChannels !== undefined ||
    options.excludeChannels !== undefined ||
    (options.direct !== undefined && options.direct !== 'keep')
  )
    return 'path options can make distinct paths equal, and the distinct prepared paths are counted';
  if (new Set(channels).size !== channels.length) return 'a channel name repeats in the dictionary';
  if (model === 'shapley' && channels.length > MAX_STREAM_SHAPLEY_CHANNELS)
    return `more than ${MAX_STREAM_SHAPLEY_CHANNELS} channels in the dictionary`;
  return null;
}

/**
 * One model over a stream of distinct paths (channel codes with conversions, value and nulls),
 * without keeping the paths: each path is added to the model's sums as it arrives, so memory is
 * that of the sums, not of the paths — per channel for the rule models, per state and edge for
 * Markov, per converting channel set for Shapley. The result equals `attribute(preparePaths(
 * columns), model, options)` on the same rows in the same order: the sums are added in that order,
 * states and edges are numbered as they first appear, as the path form numbers them.
 *
 * For rows that are distinct paths (a GROUP BY path), models whose result is a sum over paths
 * (`pathStreamBlocker` is null), and options that do not reshape paths. Empty paths are pooled as
 * unmatched, as `preparePaths` does.
 *
 * @example
 * const stream = new PathStream(['email', 'search'], 'markov', {});
 * stream.add(Int32Array.of(0, 1), 0, 2, 3, 300, 10);
 * stream.add(Int32Array.of(1), 0, 1, 1, 80, 20);
 * stream.finish().channels; // credit per channel, as attribute() gives
 */
export class PathStream {
  /** Rows added so far. */
  rows = 0;
  private readonly channels: readonly string[];
  private readonly model: ModelName;
  private readonly used: Uint8Array;
  private readonly tokenDirect: Uint8Array;
  private nonEmpty = 0;
  private readonly totals = { conversions: 0, value: 0, nulls: 0 };
  private anyEmpty = false;
  private readonly empty = { conversions: 0, value: 0, nulls: 0 };
  private readonly accumulate: (
    codes: ArrayLike<number>,
    off: number,
    len: number,
    c: number,
    v: number,
    n: number,
  ) => void;
  private readonly solve: (channels: string[], rawToChannel: Int32Array) => ModelRun;

  constructor(
    channels: readonly string[],
    model: ModelName,
    private readonly options: AttributionOptions = {},
  ) {
    const blocker = pathStreamBlocker(model, options, channels);
    if (blocker) throw new Error(`PathStream cannot run ${model} with these options: ${blocker}`);
    // The path options are validated as for the path form (none reshapes a path here).
    preparePaths([], options);
    this.channels = channels;
    this.model = model;
    this.used = new Uint8Array(channels.length);
    const direct = directNameSet(options.directChannels);
    this.tokenDirect = Uint8Array.from(channels, (c) => (direct.has(c.toLowerCase()) ? 1 : 0));
    const part = isRuleModel(model)
      ? ruleSums(model, ruleParamsOf(model, options), channels.length, this.tokenDirect)
      : model === 'markov'
        ? markovSums(options.markovOrder ?? 1, channels)
        : shapleySums(shapleyRatesOf(options), options.maxShapleyChannels ?? 20);
    this.accumulate = part.add;
    this.solve = part.solve;
  }

  /** Adds one path: `codes[off .. off + len)` (indices into the channels), its conversions, value and nulls. */
  add(
    codes: ArrayLike<number>,
    off: number,
    len: number,
    conversions: number,
    value: number,
    nulls: number,
  ): void {
    const r = this.rows++;
    validateWeights(conversions, value, nulls, r);
    const k = this.channels.length;
    for (let i = off; i < off + len; i++) {
      const c = codes[i];
      if (!(c >= 0 && c < k))
        throw new AttributionInputError(
          `record ${r + 1}: channel code ${c} is not an index into the ${k} channels`,
          { record: r, hint: 'codes index the channels list from 0' },
        );
      this.used[c] = 1;
    }
    if (len === 0) {
      this.anyEmpty = true;
      this.empty.conversions += conversions;
      this.empty.value += value;
      this.empty.nulls += nulls;
      return;
    }
    this.nonEmpty++;
    this.totals.conversions += conversions;
    this.totals.value += value;
    this.totals.nulls += nulls;
    this.accumulate(codes, off, len, conversions, value, nulls);
  }

  /** The model's result, as `attribute` returns it for the same rows. */
  finish(): AttributionResult {
    // Only channels some path uses are listed, in dictionary order.
    const rawToChannel = new Int32Array(this.channels.length).fill(-1);
    const channels: string[] = [];
    for (let c = 0; c < this.channels.length; c++)
      if (this.used[c]) {
        rawToChannel[c] = channels.length;
        channels.push(this.channels[c]);
      }
    const out = this.solve(channels, rawToChannel);
    // Journeys left with no touch go to the unmatched channel (after the model's own).
    const unmatched = { conversions: out.unmatched?.conversions ?? 0, value: out.unmatched?.value ?? 0 };
    if (this.anyEmpty) {
      unmatched.conversions += this.empty.conversions;
      unmatched.value += this.empty.value;
    }
    const run: ModelRun = { ...out, unmatched };
    const t = this.totals;
    const e = this.anyEmpty ? this.empty : null;
    const totals: AttributionTotals = {
      conversions: e ? t.conversions + e.conversions : t.conversions,
      value: e ? t.value + e.value : t.value,
      nulls: e ? t.nulls + e.nulls : t.nulls,
      paths: this.nonEmpty + (e ? 1 : 0),
      distinctPaths: this.nonEmpty,
      dropped: { journeys: 0, conversions: 0, value: 0, nulls: 0 },
    };
    const result: AttributionResult = { model: this.model, channels: channelCredits(channels, run), totals };
    if (run.markov) result.markov = run.markov;
    if (run.shapley) result.shapley = run.shapley;
    return result;
  }
}

interface ModelSums {
  add: (codes: ArrayLike<number>, off: number, len: number, c: number, v: number, n: number) => void;
  solve: (channels: string[], rawToChannel: Int32Array) => ModelRun;
}

/** Rule models: credit per channel, Σ paths weight × the touch's rule weight (as `runRuleModel`). */
function ruleSums(
  model: RuleModelName,
  params: RuleParams,
  rawCount: number,
  tokenDirect: Uint8Array,
): ModelSums {
  const conversions = new Float64Array(rawCount);
  const value = new Float64Array(rawCount);
  const weightsOf = ruleWeightsOf(model, params);
  const ctx: TouchContext = {
    tokens: [],
    tokenOffset: 0,
    tokenDirect,
    times: null,
    timeOffset: -1,
    convertedAt: NaN,
    lead: -1,
    opportunity: -1,
    closedWon: -1,
  };
  const lengthOnly = weightsDependOnLengthOnly(model, ctx);
  return {
    add(codes, off, len, c, v) {
      if (c === 0 && v === 0) return;
      ctx.tokens = codes;
      ctx.tokenOffset = off;
      const w = weightsOf(len, ctx, lengthOnly);
      for (let i = 0; i < len; i++) {
        const wi = w[i];
        if (wi === 0) continue;
        const ch = codes[off + i];
        conversions[ch] += c * wi;
        value[ch] += v * wi;
      }
    },
    solve(channels, rawToChannel) {
      const out = {
        conversions: new Float64Array(channels.length),
        value: new Float64Array(channels.length),
      };
      for (let raw = 0; raw < rawCount; raw++) {
        const ch = rawToChannel[raw];
        if (ch < 0) continue;
        out.conversions[ch] = conversions[raw];
        out.value[ch] = value[raw];
      }
      return out;
    },
  };
}

/** Growable Float64 column. */
class Floats {
  data = new Float64Array(64);
  grow(size: number): void {
    if (size <= this.data.length) return;
    const bigger = new Float64Array(Math.max(size, this.data.length * 2));
    bigger.set(this.data);
    this.data = bigger;
  }
}

/**
 * Markov: the state graph discovered path by path (as `buildMarkovStructure` numbers states and
 * edges) and its counts (as `runMarkovModel` adds them), then solved once.
 */
function markovSums(order: number, tokens: readonly string[]): ModelSums {
  checkMarkovOrder(order);
  const windows = new SequenceIndex(1024, 4096);
  const stateOfWindow: number[] = [];
  const labels = ['(start)'];
  let codes: ArrayLike<number> = [];
  const windowState = (from: number, len: number): number => {
    const w = windows.add(codes, from, len);
    if (w === stateOfWindow.length) {
      stateOfWindow.push(labels.length);
      const parts: string[] = [];
      for (let i = 0; i < len; i++) parts.push(tokens[codes[from + i]]);
      labels.push(parts.join(','));
    }
    return stateOfWindow[w];
  };
  const edges = new Map<number, number>();
  const edgeFrom: number[] = [];
  const edgeTo: number[] = [];
  const edgeW = new Floats();
  const edgeId = (from: number, to: number): number => {
    const key = from * 67_108_864 + to;
    let e = edges.get(key);
    if (e === undefined) {
      e = edgeFrom.length;
      edges.set(key, e);
      edgeFrom.push(from);
      edgeTo.push(to);
      edgeW.grow(e + 1);
    }
    return e;
  };
  const tokenState = new Int32Array(tokens.length).fill(-1);
  const toConv = new Floats();
  const toNull = new Floats();
  const valueOut = new Floats();
  let totalConv = 0;
  let totalValue = 0;
  const stateTouched = () => {
    toConv.grow(labels.length);
    toNull.grow(labels.length);
    valueOut.grow(labels.length);
  };
  return {
    add(path, off, len, c, v, n) {
      codes = path;
      totalConv += c;
      totalValue += v;
      const w = c + n;
      const weigh = !(w === 0 && v === 0);
      let prev = 0;
      const steps = order === 1 ? len : Math.max(1, len - order + 1);
      for (let i = 0; i < steps; i++) {
        let state: number;
        if (order === 1) {
          const t = path[off + i];
          state = tokenState[t];
          if (state < 0) state = tokenState[t] = windowState(off + i, 1);
        } else {
          state = windowState(off + i, Math.min(order, len));
        }
        if (state === prev) continue;
        const e = edgeId(prev, state);
        if (weigh) edgeW.data[e] += w;
        prev = state;
      }
      stateTouched();
      if (!weigh) return;
      toConv.data[prev] += c;
      toNull.data[prev] += n;
      valueOut.data[prev] += v;
    },
    solve(channels, rawToChannel) {
      const stateCount = labels.length;
      stateTouched();
      const structure = {
        order,
        stateCount,
        stateLabels: labels,
        ...channelStatesOf(windows, stateOfWindow, channels.length, rawToChannel),
        edgeFrom: Int32Array.from(edgeFrom),
        edgeTo: Int32Array.from(edgeTo),
        sweepOrder: sweepOrderOf(stateCount, edgeFrom, edgeTo),
      };
      const counts = {
        edgeW: edgeW.data.subarray(0, edgeFrom.length),
        toConv: toConv.data.subarray(0, stateCount),
        toNull: toNull.data.subarray(0, stateCount),
        valueOut: valueOut.data.subarray(0, stateCount),
        totalConv,
        totalValue,
      };
      const solved = solveMarkov(channels, structure, counts, true);
      return { conversions: solved.conversions, value: solved.value, markov: solved.markov };
    },
  };
}

/** Shapley: conversions, value and journeys per channel set (as `runShapleyModel` sums them). */
function shapleySums(rates: 'pooled' | 'exact', maxChannels: number): ModelSums {
  const slot = new Map<number, number>();
  const masks: number[] = [];
  const conv = new Floats();
  const value = new Floats();
  const all = new Floats();
  return {
    add(codes, off, len, c, v, n) {
      let m = 0;
      for (let i = off; i < off + len; i++) m |= 1 << codes[i];
      let k = slot.get(m);
      if (k === undefined) {
        k = masks.length;
        slot.set(m, k);
        masks.push(m);
        conv.grow(k + 1);
        value.grow(k + 1);
        all.grow(k + 1);
      }
      conv.data[k] += c;
      value.data[k] += v;
      all.data[k] += c + n;
    },
    solve(channels, rawToChannel) {
      checkShapleyChannels(channels.length, maxChannels);
      const buffers = new ShapleyBuffers(channels.length).cleared();
      for (let k = 0; k < masks.length; k++) {
        let m = 0;
        for (let bits = masks[k]; bits; bits &= bits - 1)
          m |= 1 << rawToChannel[31 - Math.clz32(bits & -bits)];
        buffers.convOf[m] = conv.data[k];
        buffers.valueOf[m] = value.data[k];
        buffers.all[m] = all.data[k];
      }
      return shapleyFromCoalitions(channels, buffers, rates, true).run;
    },
  };
}
