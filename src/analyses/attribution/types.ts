import type { ModelName } from './model-names.ts';

/**
 * Shapes shared by the attribution models. The universal input is the aggregated path record that
 * the SQL engine builds from raw touchpoints; everything else here is options and results.
 */

/** One aggregated customer journey (or a group of identical journeys). */
export interface PathRecord {
  /** Channel (or any dimension value) per touch, in time order. */
  path: string[];
  /** Converting journeys with this path (may be fractional weights). */
  conversions: number;
  /** Total conversion value (pipeline, revenue) of those journeys. */
  value: number;
  /** Non-converting journeys with this path (0 when unknown). */
  nulls: number;
  /** Milliseconds since the epoch, one per touch (time-decay, day lookback). */
  timestamps?: number[];
  /** Milliseconds since the epoch of the conversion (or of the journey's end when it did not convert). */
  convertedAt?: number;
  /** Touch indices (0-based) of funnel milestones, for W-shaped and full-path models. */
  roles?: { lead?: number; opportunity?: number; closedWon?: number };
}

/** Channel codes or tokens: 1, 2 or 4 bytes each. */
export type CodeArray = Int32Array | Uint16Array | Uint8Array;

/**
 * Journeys in columns rather than one object per path: row r's touches are the channel codes
 * `codes[offsets[r] .. offsets[r + 1])`, each an index into `channels` (compressed sparse rows).
 * The path-summary parser and the engine hand this to `preparePaths`, so no string array is built
 * per path. Rows may repeat a path; `preparePaths` merges them.
 */
export interface PathColumns {
  /** Channel names; a code is an index into this list. */
  channels: string[];
  rows: number;
  /** rows + 1 offsets into `codes`. */
  offsets: Int32Array;
  /** One byte a code when the channels number 256 or fewer (what the engines return), else wider. */
  codes: CodeArray;
  conversions: Float64Array;
  value: Float64Array;
  nulls: Float64Array;
  /**
   * True only when no two rows hold the same path (e.g. the rows of a GROUP BY path): `preparePaths`
   * then skips looking for repeats. Leave it unset when unsure; set wrongly, a repeated path would
   * be prepared as two.
   */
  distinct?: boolean;
}

/**
 * Path transforms, applied in the order given (as fractribution chains them). Names follow
 * google/fractribution exactly, which differs from what the names suggest:
 * - `unique`: identity (fractribution's name), `(D,A,B,B,C,D,C,C)` stays as is;
 * - `exposure`: collapse consecutive repeats → `(D,A,B,C,D,C)`;
 * - `first`: keep the first occurrence of each channel, order preserved → `(D,A,B,C)`;
 * - `frequency`: first occurrences tagged with the channel's count → `(D(2),A(1),B(2),C(3))`;
 *   credit given to `D(2)` is reported under `D`;
 * - `first-touch`: the first touch only → `(D)`;
 * - `{ trim: n }` (or `'trim(n)'`): keep the n most recent touches (fractribution's trimLongPath);
 * - `remove-direct`: drop direct touches unless the path is all direct (removeIfNotAll);
 * - `remove-last-direct`: drop the trailing run of direct touches unless the path is all direct
 *   (removeIfLastAndNotAll).
 */
export type PathTransform =
  | 'unique'
  | 'exposure'
  | 'first'
  | 'frequency'
  | 'first-touch'
  | 'remove-direct'
  | 'remove-last-direct'
  | `trim(${number})`
  | { trim: number }
  // fractribution's own spellings
  | 'removeIfNotAll'
  | 'removeIfLastAndNotAll'
  | `trimLongPath(${number})`;

/** First/middle/last weights for positional models; they are normalised to sum to 1. */
export interface PositionWeights {
  first: number;
  last: number;
  /** Defaults to 1 − first − last. */
  middle?: number;
}

/** Options that shape the paths before any model runs. Order of application is documented in `preparePaths`. */
export interface PathOptions {
  /** Keep only the last N touches of each journey. */
  lookbackSteps?: number;
  /** Keep only touches at most N days before the conversion (needs timestamps). */
  lookbackDays?: number;
  /** Drop journeys whose conversion came more than N days after their first touch (needs timestamps). */
  conversionWindowDays?: number;
  /** Keep only these channels (touches on other channels are removed). */
  includeChannels?: string[];
  /** Remove touches on these channels. */
  excludeChannels?: string[];
  /** Channel names treated as direct (case-insensitive). Default `direct`, `(direct)` and `(direct) / (none)` (Google Analytics' spellings). */
  directChannels?: string[];
  /**
   * Direct handling before the transforms: `keep` (default); `drop` removes direct touches unless
   * the path is all direct; `drop-last` removes a trailing run of direct touches unless all direct.
   */
  direct?: 'keep' | 'drop' | 'drop-last';
  /** Path transforms applied in order after the options above. */
  transforms?: PathTransform[];
}

/** Options of the models themselves. */
export interface ModelOptions {
  /** Time-decay half-life in days (default 7) when touches carry timestamps. */
  halfLifeDays?: number;
  /** Time-decay half-life in touch steps (default 1) when they do not. */
  halfLifeSteps?: number;
  /** Position-based (U-shaped) weights, default 40/20/40. */
  positionWeights?: PositionWeights;
  /** J-shaped weights, default first 20 / middle 20 / last 60. */
  jShapedWeights?: PositionWeights;
  /** Inverse-J weights, default first 60 / middle 20 / last 20. */
  inverseJWeights?: PositionWeights;
  /** Custom model: positional weights, or explicit relative weights per touch from the first. */
  customWeights?: PositionWeights | number[];
  /** W-shaped shares, default 0.3/0.3/0.3 and 0.1 over the rest. */
  wShapedWeights?: { first: number; lead: number; opportunity: number; rest: number };
  /** Full-path (Z-shaped) shares, default 0.225 × 4 and 0.1 over the rest. */
  fullPathWeights?: { first: number; lead: number; opportunity: number; closedWon: number; rest: number };
  /** Markov chain order (default 1). */
  markovOrder?: number;
  /**
   * Conversion rates of the Shapley game: `pooled` (default) v(S) = rate of journeys whose channel
   * set ⊆ S; `exact` v(S) = rate of journeys whose channel set is exactly S.
   */
  shapleyRates?: 'pooled' | 'exact';
  /** Exact Shapley refuses more channels than this (memory is 2^n × 16 bytes; default 20, at most 26). */
  maxShapleyChannels?: number;
}

/** Everything `attribute` accepts. */
export interface AttributionOptions extends PathOptions, ModelOptions {
  /** Number of Poisson bootstrap resamples for confidence intervals (0 = none). */
  bootstrap?: number;
  /** Seed of the bootstrap (default 1). */
  seed?: number;
  /** Confidence level of the percentile intervals (default 0.95). */
  ciLevel?: number;
  /** Also return per-path credit. */
  perPath?: boolean;
}

/** Credit of one channel. */
export interface ChannelCredit {
  channel: string;
  conversions: number;
  value: number;
  /** Percentile bootstrap interval of `conversions`, when a bootstrap ran. */
  conversionsCI?: [number, number];
  /** Percentile bootstrap interval of `value`, when a bootstrap ran. */
  valueCI?: [number, number];
}

/** Credit of one (prepared) path: the share of its conversions and value each channel gets. */
export interface PathCredit {
  path: string[];
  conversions: number;
  value: number;
  nulls: number;
  /** channel → share in [0, 1]; shares sum to 1 for paths with conversions. */
  shares: Record<string, number>;
}

export interface AttributionTotals {
  conversions: number;
  value: number;
  nulls: number;
  /** Rows after aggregation of identical prepared paths. */
  paths: number;
  /** Distinct prepared paths. */
  distinctPaths: number;
  /** Journeys removed by the conversion window. */
  dropped: { journeys: number; conversions: number; value: number; nulls: number };
}

export interface MarkovDetails {
  order: number;
  /** Probability that a journey from (start) converts, and its expected value. */
  conversionProbability: number;
  expectedValue: number;
  removalEffects: { channel: string; conversions: number; value: number }[];
  transitions: { from: string; to: string; probability: number }[];
}

export interface ShapleyDetails {
  rates: 'pooled' | 'exact';
  /** Distinct converting channel sets. */
  coalitions: number;
  /** Credit before negative Shapley values are floored at 0 (may be negative). */
  unfloored: { channel: string; conversions: number; value: number }[];
}

export interface AttributionResult {
  model: ModelName;
  channels: ChannelCredit[];
  totals: AttributionTotals;
  perPath?: PathCredit[];
  markov?: MarkovDetails;
  shapley?: ShapleyDetails;
  bootstrap?: { resamples: number; seed: number; level: number };
}
