import type { PreparedPaths } from './prepare-paths.ts';
import type { MarkovDetails, ShapleyDetails } from './types.ts';

/** Per-row weights a model runs on: the prepared ones, or a bootstrap resample of them. */
export interface RowWeights {
  conversions: Float64Array;
  value: Float64Array;
  nulls: Float64Array;
}

/** Per-row channel shares in compressed rows: row r owns entries start[r]..start[r+1). */
export interface RowShares {
  start: Int32Array;
  channel: Int32Array;
  share: Float64Array;
}

/** What one model returns on prepared paths: credit per prepared channel (same order as `channels`). */
export interface ModelRun {
  conversions: Float64Array;
  value: Float64Array;
  shares?: RowShares;
  /** Credit the model could not give to any channel (reported under the unmatched channel). */
  unmatched?: { conversions: number; value: number };
  markov?: MarkovDetails;
  shapley?: ShapleyDetails;
}

/** Accumulates per-row channel shares into CSR arrays. */
export class SharesBuilder {
  start: Int32Array;
  channel: Int32Array;
  share: Float64Array;
  private n = 0;
  private row = 0;
  private scratch: Float64Array;
  private touched: Int32Array;
  private touchedCount = 0;

  constructor(rows: number, channels: number, expected: number) {
    this.start = new Int32Array(rows + 1);
    this.channel = new Int32Array(Math.max(16, expected));
    this.share = new Float64Array(Math.max(16, expected));
    this.scratch = new Float64Array(channels);
    this.touched = new Int32Array(channels);
  }

  /** Adds `share` to `channel` in the current row. */
  add(channel: number, share: number): void {
    if (this.scratch[channel] === 0) this.touched[this.touchedCount++] = channel;
    this.scratch[channel] += share;
    // A channel whose shares cancel to exactly 0 would be listed twice; keep it marked instead.
    if (this.scratch[channel] === 0) this.scratch[channel] = Number.MIN_VALUE;
  }

  /** Closes row `row` (rows must be closed in order; skipped rows are empty). */
  endRow(row: number): void {
    while (this.row < row) this.start[++this.row] = this.n;
    if (this.n + this.touchedCount > this.channel.length) {
      const cap = Math.max(this.channel.length * 2, this.n + this.touchedCount);
      const c = new Int32Array(cap);
      c.set(this.channel);
      const s = new Float64Array(cap);
      s.set(this.share);
      this.channel = c;
      this.share = s;
    }
    for (let k = 0; k < this.touchedCount; k++) {
      const ch = this.touched[k];
      this.channel[this.n] = ch;
      this.share[this.n++] = this.scratch[ch] === Number.MIN_VALUE ? 0 : this.scratch[ch];
      this.scratch[ch] = 0;
    }
    this.touchedCount = 0;
    this.start[++this.row] = this.n;
  }

  finish(rows: number): RowShares {
    while (this.row < rows) this.start[++this.row] = this.n;
    return {
      start: this.start,
      channel: this.channel.subarray(0, this.n),
      share: this.share.subarray(0, this.n),
    };
  }
}

/** Channel totals from fixed shares: Σ rows weight × share. */
export function creditFromShares(
  shares: RowShares,
  weights: RowWeights,
  channels: number,
): { conversions: Float64Array; value: Float64Array } {
  const conversions = new Float64Array(channels);
  const value = new Float64Array(channels);
  const rows = shares.start.length - 1;
  for (let r = 0; r < rows; r++) {
    const c = weights.conversions[r];
    const v = weights.value[r];
    if (c === 0 && v === 0) continue;
    for (let k = shares.start[r]; k < shares.start[r + 1]; k++) {
      const ch = shares.channel[k];
      conversions[ch] += c * shares.share[k];
      value[ch] += v * shares.share[k];
    }
  }
  return { conversions, value };
}

/**
 * Weights per distinct sequence. When rows are sequences (the usual case) these are views of the row
 * weights, not copies: large typed-array allocations are what trigger full garbage collections in a
 * process holding many records, so models avoid them.
 */
export function sequenceWeights(prep: PreparedPaths, weights: RowWeights): RowWeights {
  const count = prep.sequences.count;
  if (prep.rowsAreSequences) {
    return {
      conversions: weights.conversions.subarray(0, count),
      value: weights.value.subarray(0, count),
      nulls: weights.nulls.subarray(0, count),
    };
  }
  const out: RowWeights = {
    conversions: new Float64Array(count),
    value: new Float64Array(count),
    nulls: new Float64Array(count),
  };
  for (let r = 0; r < prep.rowCount; r++) {
    const s = prep.rowSeq[r];
    if (s < 0) continue;
    out.conversions[s] += weights.conversions[r];
    out.value[s] += weights.value[r];
    out.nulls[s] += weights.nulls[r];
  }
  return out;
}
