import { AttributionInputError } from './attribution-input-error.ts';
import { sequenceWeights, SharesBuilder, type ModelRun, type RowWeights } from './model-run.ts';
import type { PreparedPaths } from './prepare-paths.ts';
import { SequenceIndex } from './sequence-index.ts';
import { solveAbsorbing, type SparseChain } from './solve-absorbing.ts';
import type { MarkovDetails } from './types.ts';

/**
 * The state graph of a Markov model of order k over prepared paths: built once, then weighted per
 * run (so a bootstrap only re-counts transitions). State 0 is (start).
 */
export interface MarkovStructure {
  order: number;
  stateCount: number;
  stateLabels: string[];
  /** Channels a state contains, in CSR form (for removal). */
  channelStateStart: Int32Array;
  channelStates: Int32Array;
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  /**
   * How a run finds each sequence's edges: order 1 re-walks the touches through `tokenState` and the
   * dense `(from, to) → edge` table (no per-touch storage); higher orders read stored edge ids.
   */
  walk: { tokenState: Int32Array; dense: Int32Array; side: number } | null;
  /** Edge ids walked by each sequence (start → … → last state), CSR by sequence, when `walk` is null. */
  seqEdgeStart: Int32Array | null;
  seqEdges: Int32Array | null;
  seqLast: Int32Array;
  /** Gauss–Seidel sweep order: deepest states first. */
  sweepOrder: Int32Array;
}

/** The Markov order is a whole number from 1 to 10, else an error naming `markovOrder`. */
export function checkMarkovOrder(order: number): void {
  if (!Number.isInteger(order) || order < 1 || order > 10) {
    throw new AttributionInputError(
      `the Markov order must be a whole number from 1 to 10, got ${String(order)}`,
      {
        option: 'markovOrder',
      },
    );
  }
}

/**
 * Builds the state graph the way ChannelAttribution's markov_model does: for order 1 a state is a
 * channel (token); for order k a state is a window of k consecutive touches (a path shorter than k
 * is one state); consecutive repeats of the same state are collapsed.
 */
export function buildMarkovStructure(prep: PreparedPaths, order: number): MarkovStructure {
  checkMarkovOrder(order);
  const { starts, data, count } = prep.sequences;
  const windows = new SequenceIndex(1024, 4096);
  const stateOfWindow: number[] = [];
  const labels = ['(start)'];
  const windowState = (from: number, len: number): number => {
    const w = windows.add(data, from, len);
    if (w === stateOfWindow.length) {
      stateOfWindow.push(labels.length);
      const parts: string[] = [];
      for (let i = 0; i < len; i++) parts.push(prep.tokens[data[from + i]]);
      labels.push(parts.join(','));
    }
    return stateOfWindow[w];
  };

  const edges = new Map<number, number>();
  const edgeFrom: number[] = [];
  const edgeTo: number[] = [];
  const edgeId = (from: number, to: number): number => {
    const key = from * 67_108_864 + to;
    let e = edges.get(key);
    if (e === undefined) {
      e = edgeFrom.length;
      edges.set(key, e);
      edgeFrom.push(from);
      edgeTo.push(to);
    }
    return e;
  };
  // Order 1 has few states: a dense (from, to) → edge table avoids a Map lookup per touch.
  const denseSide = prep.tokens.length + 1;
  const dense =
    order === 1 && denseSide * denseSide <= 4_194_304 ? new Int32Array(denseSide * denseSide).fill(-1) : null;
  const tokenState = new Int32Array(prep.tokens.length).fill(-1);

  const seqLast = new Int32Array(count);
  const store = !dense;
  const seqEdgeStart = store ? new Int32Array(count + 1) : null;
  let seqEdges = store ? new Int32Array(Math.max(16, count * 4)) : null;
  let nEdges = 0;
  for (let s = 0; s < count; s++) {
    const off = starts[s];
    const len = starts[s + 1] - off;
    let prev = 0;
    if (dense) {
      // Order 1, the common case: discover states and edges; runs walk the touches again.
      for (let i = 0; i < len; i++) {
        const t = data[off + i];
        let state = tokenState[t];
        if (state < 0) state = tokenState[t] = windowState(off + i, 1);
        if (state === prev) continue;
        const slot = prev * denseSide + state;
        if (dense[slot] < 0) dense[slot] = edgeId(prev, state);
        prev = state;
      }
    } else {
      const steps = order === 1 ? len : Math.max(1, len - order + 1);
      if (nEdges + steps > seqEdges!.length) {
        const bigger = new Int32Array(Math.max(seqEdges!.length * 2, nEdges + steps));
        bigger.set(seqEdges!);
        seqEdges = bigger;
      }
      for (let i = 0; i < steps; i++) {
        let state: number;
        if (order === 1) {
          const t = data[off + i];
          state = tokenState[t];
          if (state < 0) state = tokenState[t] = windowState(off + i, 1);
        } else {
          state = windowState(off + i, Math.min(order, len));
        }
        if (state === prev) continue;
        seqEdges![nEdges++] = edgeId(prev, state);
        prev = state;
      }
      seqEdgeStart![s + 1] = nEdges;
    }
    seqLast[s] = prev;
  }

  const stateCount = labels.length;
  const { channelStateStart, channelStates } = channelStatesOf(
    windows,
    stateOfWindow,
    prep.channels.length,
    prep.tokenChannel,
  );

  return {
    order,
    stateCount,
    stateLabels: labels,
    channelStateStart,
    channelStates,
    edgeFrom: Int32Array.from(edgeFrom),
    edgeTo: Int32Array.from(edgeTo),
    walk: dense ? { tokenState, dense, side: denseSide } : null,
    seqEdgeStart,
    seqEdges: seqEdges ? seqEdges.slice(0, nEdges) : null,
    seqLast,
    sweepOrder: sweepOrderOf(stateCount, edgeFrom, edgeTo),
  };
}

/**
 * States per channel (CSR by channel): the states whose window holds one of the channel's tokens.
 * `stateOfWindow[w]` is window w's state.
 */
export function channelStatesOf(
  windows: SequenceIndex,
  stateOfWindow: ArrayLike<number>,
  channelCount: number,
  tokenChannel: ArrayLike<number>,
): { channelStateStart: Int32Array; channelStates: Int32Array } {
  const perChannel: number[][] = Array.from({ length: channelCount }, () => []);
  for (let w = 0; w < windows.count; w++) {
    const state = stateOfWindow[w];
    const seen = new Set<number>();
    for (let k = windows.starts[w]; k < windows.starts[w + 1]; k++) seen.add(tokenChannel[windows.data[k]]);
    for (const ch of seen) perChannel[ch].push(state);
  }
  const channelStateStart = new Int32Array(channelCount + 1);
  perChannel.forEach((states, ch) => (channelStateStart[ch + 1] = channelStateStart[ch] + states.length));
  return { channelStateStart, channelStates: Int32Array.from(perChannel.flat()) };
}

/** States by decreasing breadth-first depth from (start), so Gauss–Seidel updates successors first. */
export function sweepOrderOf(n: number, from: number[], to: number[]): Int32Array {
  const adjStart = new Int32Array(n + 1);
  for (const f of from) adjStart[f + 1]++;
  for (let i = 0; i < n; i++) adjStart[i + 1] += adjStart[i];
  const fill = adjStart.slice(0, n);
  const adj = new Int32Array(from.length);
  for (let e = 0; e < from.length; e++) adj[fill[from[e]]++] = to[e];
  const depth = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  depth[0] = 0;
  queue[tail++] = 0;
  while (head < tail) {
    const s = queue[head++];
    for (let k = adjStart[s]; k < adjStart[s + 1]; k++) {
      if (depth[adj[k]] < 0) {
        depth[adj[k]] = depth[s] + 1;
        queue[tail++] = adj[k];
      }
    }
  }
  return Int32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => depth[b] - depth[a] || a - b));
}

/**
 * Markov-chain attribution with exact removal effects (ChannelAttribution's markov_model semantics,
 * solved instead of simulated):
 * - transitions (start) → s1 → … → sk weigh conversions + nulls of each path; the last state goes
 *   to (conversion) with the path's conversions and to (null) with its nulls;
 * - removing channel c turns every state containing c into (null); removal effect
 *   RE_c = 1 − P(conversion | c removed) / P(conversion), from the absorption probabilities;
 * - credit_c = RE_c / Σ RE × total conversions;
 * - value: as ChannelAttribution, a conversion reached from state s is worth the mean value per
 *   conversion of the paths ending in s; the same removal on that expected value gives value
 *   removal effects, and value credit = RE^value_c / Σ RE^value × total value.
 * ChannelAttribution estimates these by simulation, counting walks that exceed the longest observed
 * path as (null); the exact solution has no such cut-off, so it matches the package up to its
 * simulation noise.
 * Per-path shares (on request) split each path's credit over its channels in proportion to their
 * conversion removal effects; their sum over paths is therefore not the channel total above.
 */
export function runMarkovModel(
  prep: PreparedPaths,
  structure: MarkovStructure,
  weights: RowWeights,
  wantShares: boolean,
  wantDetails: boolean,
): ModelRun {
  const { stateCount: n, seqLast, edgeFrom, walk } = structure;
  const seqCount = prep.sequences.count;
  const { conversions: seqConv, nulls: seqNull, value: seqValue } = sequenceWeights(prep, weights);
  const { starts, data } = prep.sequences;
  const counts: MarkovCounts = {
    edgeW: new Float64Array(edgeFrom.length),
    toConv: new Float64Array(n),
    toNull: new Float64Array(n),
    valueOut: new Float64Array(n),
    totalConv: 0,
    totalValue: 0,
  };
  const { edgeW, toConv, toNull, valueOut } = counts;
  let totalConv = 0;
  let totalValue = 0;
  for (let s = 0; s < seqCount; s++) {
    const c = seqConv[s];
    const v = seqValue[s];
    totalConv += c;
    totalValue += v;
    const w = c + seqNull[s];
    if (w === 0 && v === 0) continue;
    if (walk) {
      const { tokenState, dense, side } = walk;
      let prev = 0;
      for (let k = starts[s]; k < starts[s + 1]; k++) {
        const state = tokenState[data[k]];
        if (state === prev) continue;
        edgeW[dense[prev * side + state]] += w;
        prev = state;
      }
    } else {
      const end = structure.seqEdgeStart![s + 1];
      for (let k = structure.seqEdgeStart![s]; k < end; k++) edgeW[structure.seqEdges![k]] += w;
    }
    const last = seqLast[s];
    toConv[last] += c;
    toNull[last] += seqNull[s];
    valueOut[last] += v;
  }
  counts.totalConv = totalConv;
  counts.totalValue = totalValue;
  const solved = solveMarkov(prep.channels, structure, counts, wantDetails);
  const run: ModelRun = { conversions: solved.conversions, value: solved.value };
  if (wantShares) run.shares = sharesByEffect(prep, solved.reConv);
  if (solved.markov) run.markov = solved.markov;
  return run;
}

/**
 * What a Markov run counts over the paths before solving: weight per edge (conversions + nulls of
 * the paths walking it), and per state the conversions, nulls and value of the paths ending there.
 * A sum over paths: the path form (`runMarkovModel`) and a stream of paths (`PathStream`) fill it
 * in the same order.
 */
export interface MarkovCounts {
  edgeW: Float64Array;
  toConv: Float64Array;
  toNull: Float64Array;
  valueOut: Float64Array;
  totalConv: number;
  totalValue: number;
}

/**
 * Removal effects and credit from the counts: the chain's absorption probabilities (and expected
 * value) with every channel removed in turn. O(states + edges) memory, whatever the number of paths.
 */
export function solveMarkov(
  channels: readonly string[],
  structure: Pick<
    MarkovStructure,
    | 'order'
    | 'stateCount'
    | 'stateLabels'
    | 'channelStateStart'
    | 'channelStates'
    | 'edgeFrom'
    | 'edgeTo'
    | 'sweepOrder'
  >,
  counts: MarkovCounts,
  wantDetails: boolean,
): { conversions: Float64Array; value: Float64Array; reConv: Float64Array; markov?: MarkovDetails } {
  const { stateCount: n, edgeFrom, edgeTo } = structure;
  const { edgeW, toConv, toNull, valueOut, totalConv, totalValue } = counts;
  const outTotal = new Float64Array(n);
  for (let e = 0; e < edgeW.length; e++) outTotal[edgeFrom[e]] += edgeW[e];
  for (let i = 0; i < n; i++) outTotal[i] += toConv[i] + toNull[i];

  const chain = sparseChain(n, edgeFrom, edgeTo, edgeW, outTotal);
  const bConv = new Float64Array(n);
  const bValue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (outTotal[i] === 0) continue;
    bConv[i] = toConv[i] / outTotal[i];
    // P(s → conversion) × mean value per conversion ending in s
    bValue[i] = toConv[i] > 0 ? valueOut[i] / outTotal[i] : 0;
  }
  const full = solveAbsorbing(chain, [bConv, bValue], null, structure.sweepOrder);
  const pConv = full[0][0];
  const eValue = full[1][0];

  const nCh = channels.length;
  const reConv = new Float64Array(nCh);
  const reValue = new Float64Array(nCh);
  const removed = new Uint8Array(n);
  for (let ch = 0; ch < nCh; ch++) {
    const a = structure.channelStateStart[ch];
    const b = structure.channelStateStart[ch + 1];
    if (a === b) continue;
    for (let k = a; k < b; k++) removed[structure.channelStates[k]] = 1;
    const [h, hv] = solveAbsorbing(chain, [bConv, bValue], removed, structure.sweepOrder, full);
    for (let k = a; k < b; k++) removed[structure.channelStates[k]] = 0;
    reConv[ch] = pConv > 0 ? 1 - h[0] / pConv : 0;
    reValue[ch] = eValue !== 0 ? 1 - hv[0] / eValue : 0;
  }

  const conversions = scaleTo(reConv, totalConv);
  const value = scaleTo(reValue, totalValue);
  const markov = wantDetails
    ? details(channels, structure, chain, toConv, toNull, outTotal, pConv, eValue, reConv, reValue)
    : undefined;
  return { conversions, value, reConv, markov };
}

function sparseChain(
  n: number,
  from: Int32Array,
  to: Int32Array,
  w: Float64Array,
  outTotal: Float64Array,
): SparseChain {
  const rowStart = new Int32Array(n + 1);
  for (let e = 0; e < from.length; e++) rowStart[from[e] + 1]++;
  for (let i = 0; i < n; i++) rowStart[i + 1] += rowStart[i];
  const fill = rowStart.slice(0, n);
  const col = new Int32Array(from.length);
  const prob = new Float64Array(from.length);
  for (let e = 0; e < from.length; e++) {
    const k = fill[from[e]]++;
    col[k] = to[e];
    prob[k] = outTotal[from[e]] > 0 ? w[e] / outTotal[from[e]] : 0;
  }
  return { n, rowStart, col, prob };
}

function scaleTo(effects: Float64Array, total: number): Float64Array {
  let sum = 0;
  for (const e of effects) sum += e;
  const out = new Float64Array(effects.length);
  if (sum !== 0 && Number.isFinite(sum)) {
    for (let i = 0; i < effects.length; i++) out[i] = (effects[i] / sum) * total;
  } else if (total !== 0) {
    // Only when the chain's conversion probability underflows (counts of wildly different sizes):
    // zero credit for real conversions would lose them silently.
    throw new AttributionInputError(
      'the Markov chain gives no channel a removal effect, so its conversions cannot be credited',
      { hint: 'check the counts for a broken value many orders of magnitude above the others' },
    );
  }
  return out;
}

/** Each path's channels share its credit in proportion to their removal effects (equally if all are 0). */
function sharesByEffect(prep: PreparedPaths, effect: Float64Array) {
  const { starts, data } = prep.sequences;
  const builder = new SharesBuilder(prep.rowCount, prep.channels.length, data.length);
  const seen = new Uint8Array(prep.channels.length);
  const list: number[] = [];
  for (let r = 0; r < prep.rowCount; r++) {
    const s = prep.rowSeq[r];
    if (s < 0) continue;
    list.length = 0;
    let sum = 0;
    for (let k = starts[s]; k < starts[s + 1]; k++) {
      const ch = prep.tokenChannel[data[k]];
      if (!seen[ch]) {
        seen[ch] = 1;
        list.push(ch);
        sum += Math.max(0, effect[ch]);
      }
    }
    for (const ch of list) {
      builder.add(ch, sum > 0 ? Math.max(0, effect[ch]) / sum : 1 / list.length);
      seen[ch] = 0;
    }
    builder.endRow(r);
  }
  return builder.finish(prep.rowCount);
}

function details(
  channels: readonly string[],
  structure: Pick<MarkovStructure, 'order' | 'stateLabels'>,
  chain: SparseChain,
  toConv: Float64Array,
  toNull: Float64Array,
  outTotal: Float64Array,
  pConv: number,
  eValue: number,
  reConv: Float64Array,
  reValue: Float64Array,
): MarkovDetails {
  const transitions: MarkovDetails['transitions'] = [];
  const labels = structure.stateLabels;
  for (let i = 0; i < chain.n; i++) {
    if (outTotal[i] === 0) continue;
    for (let k = chain.rowStart[i]; k < chain.rowStart[i + 1]; k++) {
      if (chain.prob[k] > 0)
        transitions.push({ from: labels[i], to: labels[chain.col[k]], probability: chain.prob[k] });
    }
    if (toConv[i] > 0)
      transitions.push({ from: labels[i], to: '(conversion)', probability: toConv[i] / outTotal[i] });
    if (toNull[i] > 0)
      transitions.push({ from: labels[i], to: '(null)', probability: toNull[i] / outTotal[i] });
  }
  return {
    order: structure.order,
    conversionProbability: pConv,
    expectedValue: eValue,
    removalEffects: channels.map((channel, ch) => ({
      channel,
      conversions: reConv[ch],
      value: reValue[ch],
    })),
    transitions,
  };
}
