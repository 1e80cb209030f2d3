import { tQuantile } from '../experiments/distributions.ts';
import { AnomalyInputError } from './anomaly-input-error.ts';
import type { Direction } from './types.ts';

/** Consistency constant of the MAD for the normal distribution (R's `mad`). */
export const MAD_SCALE = 1.4826;

export interface GeneralizedEsdOptions {
  /** At most this many points are tested as outliers (Rosner's r). */
  readonly maxOutliers: number;
  /** Significance level of the sequence of tests (default 0.05). */
  readonly alpha?: number;
  /** Which tail(s) to test (default `both`). */
  readonly direction?: Direction;
}

/** One step of the test: the point removed, its statistic and the critical value it was held to. */
export interface EsdStep {
  /** Index into the input array. */
  readonly index: number;
  /** R_i = |x − median| / (1.4826·MAD) of the points left before this removal (signed by tail for one-sided tests). */
  readonly statistic: number;
  /** λ_i, Rosner's critical value for step i. */
  readonly critical: number;
  /** Median and scale (1.4826·MAD) of the points left before this removal. */
  readonly center: number;
  readonly scale: number;
}

export interface GeneralizedEsdResult {
  /** Steps in removal order; the first `outliers` of them are the outliers. */
  readonly steps: readonly EsdStep[];
  /** The largest i with R_i > λ_i (0 when none). */
  readonly outliers: number;
}

/** k-th smallest (1-based) of the union of two ascending sequences given by accessors, in O(log n). */
function kthOfTwo(
  a: (i: number) => number,
  lenA: number,
  b: (i: number) => number,
  lenB: number,
  k: number,
): number {
  let lo = Math.max(0, k - lenB);
  let hi = Math.min(k, lenA);
  while (lo < hi) {
    const i = (lo + hi) >> 1;
    const j = k - i;
    if (j > 0 && a(i) < b(j - 1)) lo = i + 1;
    else hi = i;
  }
  const i = lo;
  const j = k - i;
  return Math.max(i > 0 ? a(i - 1) : -Infinity, j > 0 ? b(j - 1) : -Infinity);
}

/**
 * Critical value λ_i of the generalized ESD test (Rosner 1983) for n points at step i.
 *
 * @example
 * esdCriticalValue(14_398, 1, 0.05, true); // 4.63902194929116 (R: qt-based formula)
 */
export function esdCriticalValue(n: number, i: number, alpha: number, twoSided: boolean): number {
  const p = twoSided ? 1 - alpha / (2 * (n - i + 1)) : 1 - alpha / (n - i + 1);
  const t = tQuantile(p, n - i - 1);
  return (t * (n - i)) / Math.sqrt((n - i - 1 + t * t) * (n - i + 1));
}

/**
 * Generalized ESD many-outlier test (Rosner 1983) in its hybrid form (Hochenbaum, Vallis &
 * Kejariwal 2017): the mean and standard deviation are replaced by the median and the MAD, so that
 * the outliers themselves do not mask each other. Runs exactly as Twitter's AnomalyDetection
 * `detect_anoms`: at step i the point farthest from the median (of the points left) is removed, its
 * R_i is compared with λ_i, and the outliers are the first `max{i : R_i > λ_i}` removed. Ties go to
 * the earliest point.
 *
 * The removed point is always the smallest or largest left, so the points left are a contiguous
 * range of the sorted values: each step finds the median in O(1) and the MAD in O(log n) (k-th of
 * two sorted sequences of deviations). Complexity O(n log n + r log n), memory O(n).
 *
 * @example
 * generalizedEsd(Float64Array.from([1, 2, 1, 2, 1, 50, 2, 1, 2, 1]), { maxOutliers: 2 }).outliers; // 1
 */
export function generalizedEsd(values: Float64Array, options: GeneralizedEsdOptions): GeneralizedEsdResult {
  const n = values.length;
  const alpha = options.alpha ?? 0.05;
  const direction = options.direction ?? 'both';
  if (!(alpha > 0 && alpha < 1))
    throw new AnomalyInputError(`alpha must be in (0, 1), got ${alpha}.`, { option: 'alpha' });
  if (!Number.isInteger(options.maxOutliers) || options.maxOutliers < 0)
    throw new AnomalyInputError(`maxOutliers must be an integer ≥ 0, got ${options.maxOutliers}.`, {
      option: 'maxOutliers',
    });
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const idx = Int32Array.from(order);
  const sv = Float64Array.from(order, (i) => values[i]);
  let lo = 0;
  let hi = n - 1;
  const steps: EsdStep[] = [];
  let outliers = 0;
  // Rosner's λ needs n − i − 1 ≥ 1 degrees of freedom.
  const rounds = Math.min(options.maxOutliers, n - 2);
  for (let step = 1; step <= rounds; step++) {
    const len = hi - lo + 1;
    const c = lo + (len >> 1);
    const center = len % 2 === 1 ? sv[c] : (sv[c - 1] + sv[c]) / 2;
    const left = (t: number) => center - sv[c - 1 - t];
    const right = (t: number) => sv[c + t] - center;
    const lenL = c - lo;
    const lenR = hi - c + 1;
    const half = len >> 1;
    const madRaw =
      len % 2 === 1
        ? kthOfTwo(left, lenL, right, lenR, half + 1)
        : (kthOfTwo(left, lenL, right, lenR, half) + kthOfTwo(left, lenL, right, lenR, half + 1)) / 2;
    const scale = MAD_SCALE * madRaw;
    // A constant remainder has no scale: nothing can be called an outlier (as detect_anoms stops).
    if (scale === 0) break;
    const up = (sv[hi] - center) / scale;
    const down = (center - sv[lo]) / scale;
    // Within a run of equal extremes the earliest point goes first, as R's which(…)[1] picks it.
    const topRun = () => {
      let g = hi;
      while (g > lo && sv[g - 1] === sv[hi]) g--;
      return g;
    };
    let takeTop: boolean;
    if (direction === 'pos') takeTop = true;
    else if (direction === 'neg') takeTop = false;
    else if (up !== down) takeTop = up > down;
    else takeTop = idx[topRun()] < idx[lo];
    let index: number;
    let statistic: number;
    if (takeTop) {
      const g = topRun();
      index = idx[g];
      // Keep the sorted range contiguous: move the earliest of the tied points to the end.
      for (let k = g; k < hi; k++) idx[k] = idx[k + 1];
      idx[hi] = index;
      hi--;
      statistic = up;
    } else {
      index = idx[lo];
      lo++;
      statistic = down;
    }
    const critical = esdCriticalValue(n, step, alpha, direction === 'both');
    steps.push({ index, statistic, critical, center, scale });
    if (statistic > critical) outliers = step;
  }
  return { steps, outliers };
}
