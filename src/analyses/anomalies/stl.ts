import { AnomalyInputError } from './anomaly-input-error.ts';
import { positiveInteger } from './option-checks.ts';
import { loessEstimate, loessSmooth, type Slice } from './loess-smooth.ts';

/** Options of {@link stl}; names and defaults follow R's `stats::stl`. */
export interface StlOptions {
  /** Observations per seasonal cycle (R: `frequency(x)`), an integer ≥ 2. */
  readonly period: number;
  /** Span (odd, in cycles) of the cycle-subseries loess, or `'periodic'` (R: `s.window`). */
  readonly seasonalWindow: number | 'periodic';
  /** 0 or 1 (R: `s.degree`, default 0; forced to 0 when periodic). */
  readonly seasonalDegree?: number;
  /** Span of the trend loess (R: `t.window`; default nextodd(ceiling(1.5·period / (1 − 1.5/s.window)))). */
  readonly trendWindow?: number;
  /** 0 or 1 (R: `t.degree`, default 1). */
  readonly trendDegree?: number;
  /** Span of the low-pass loess (R: `l.window`, default nextodd(period)). */
  readonly lowpassWindow?: number;
  /** 0 or 1 (R: `l.degree`, default `trendDegree`). */
  readonly lowpassDegree?: number;
  /** Loess is evaluated every `jump` points and interpolated between (R default: ceiling(window/10)). */
  readonly seasonalJump?: number;
  readonly trendJump?: number;
  readonly lowpassJump?: number;
  /** Robustness iterations with bisquare weights (R: `robust`, default false). */
  readonly robust?: boolean;
  /** Passes of the inner loop (R: `inner`, default 1 when robust, else 2). */
  readonly inner?: number;
  /** Robustness iterations (R: `outer`, default 15 when robust, else 0). */
  readonly outer?: number;
}

/** What {@link stl} returns: the three components (seasonal + trend + remainder = data) and the settings used. */
export interface StlDecomposition {
  readonly seasonal: Float64Array;
  readonly trend: Float64Array;
  readonly remainder: Float64Array;
  /** Final robustness weights (all 1 without robustness iterations). */
  readonly weights: Float64Array;
  readonly settings: {
    readonly period: number;
    readonly periodic: boolean;
    readonly seasonalWindow: number;
    readonly trendWindow: number;
    readonly lowpassWindow: number;
    readonly seasonalDegree: number;
    readonly trendDegree: number;
    readonly lowpassDegree: number;
    readonly seasonalJump: number;
    readonly trendJump: number;
    readonly lowpassJump: number;
    readonly inner: number;
    readonly outer: number;
  };
}

const nextOdd = (x: number): number => {
  const r = Math.round(x);
  return r % 2 === 0 ? r + 1 : r;
};

function degree(value: number, option: string): number {
  if (value !== 0 && value !== 1)
    throw new AnomalyInputError(`${option} must be 0 or 1, got ${value}.`, { option });
  return value;
}

/** Running mean of `len` consecutive values: out has n − len + 1 values (stl.f's `stlma`). */
function movingAverage(x: Float64Array, n: number, len: number, out: Float64Array): void {
  let v = 0;
  for (let i = 0; i < len; i++) v += x[i];
  out[0] = v / len;
  for (let j = 1, k = len, m = 0; j < n - len + 1; j++, k++, m++) {
    v = v - x[m] + x[k];
    out[j] = v / len;
  }
}

/** Accurate mean (two passes, as R's `mean`) of x[start], x[start + step], … below n. */
function strideMean(x: Float64Array, start: number, step: number, n: number): number {
  let s = 0;
  let count = 0;
  for (let i = start; i < n; i += step, count++) s += x[i];
  s /= count;
  let t = 0;
  for (let i = start; i < n; i += step) t += x[i] - s;
  return s + t / count;
}

/**
 * STL: seasonal-trend decomposition by loess (Cleveland, Cleveland, McRae & Terpenning 1990),
 * the netlib algorithm as R's `stats::stl` runs it: inner loop of cycle-subseries smoothing, a
 * low-pass filter (moving averages of period, period, 3, then loess) and trend loess; outer loop of
 * bisquare robustness weights (6 × median |residual|). With `seasonalWindow: 'periodic'` the seasonal
 * component is the mean of each cycle position, as R makes it. Agrees with R's `stl()` to ~1e-12 on
 * `nottem`, `co2` and NAB data (see stl.test.ts).
 *
 * Complexity: O((inner+1)·(outer+1)·n·(s.window/s.jump + t.window/t.jump + l.window/l.jump)), i.e.
 * about 10 loess weights per point per pass with the default jumps; memory O(n + period).
 *
 * @example
 * const { seasonal, trend, remainder } = stl(monthly, { period: 12, seasonalWindow: 'periodic' });
 */
export function stl(values: ArrayLike<number>, options: StlOptions): StlDecomposition {
  const n = values.length;
  const period = options.period;
  if (!Number.isInteger(period) || period < 2)
    throw new AnomalyInputError(`period must be an integer ≥ 2, got ${period}.`, { option: 'period' });
  if (n <= 2 * period)
    throw new AnomalyInputError(
      `STL needs more than two full periods: ${n} points for period ${period} (at least ${2 * period + 1}).`,
      { option: 'period', hint: 'Use a longer history or a shorter period.' },
    );
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v))
      throw new AnomalyInputError(`STL needs finite values; point ${i} is ${v}.`, {
        index: i,
        hint: 'Fill or interpolate missing points first.',
      });
    y[i] = v;
  }

  const periodic = options.seasonalWindow === 'periodic';
  const sWindow = periodic ? 10 * n + 1 : positiveInteger(options.seasonalWindow as number, 'seasonalWindow');
  const sDegree = periodic ? 0 : degree(options.seasonalDegree ?? 0, 'seasonalDegree');
  const tDegree = degree(options.trendDegree ?? 1, 'trendDegree');
  const lDegree = degree(options.lowpassDegree ?? tDegree, 'lowpassDegree');
  const tWindow = positiveInteger(
    options.trendWindow ?? nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / sWindow))),
    'trendWindow',
  );
  const lWindow = positiveInteger(options.lowpassWindow ?? nextOdd(period), 'lowpassWindow');
  const sJump = positiveInteger(options.seasonalJump ?? Math.ceil(sWindow / 10), 'seasonalJump');
  const tJump = positiveInteger(options.trendJump ?? Math.ceil(tWindow / 10), 'trendJump');
  const lJump = positiveInteger(options.lowpassJump ?? Math.ceil(lWindow / 10), 'lowpassJump');
  const robust = options.robust ?? false;
  const inner = positiveInteger(options.inner ?? (robust ? 1 : 2), 'inner');
  const outer = options.outer ?? (robust ? 15 : 0);
  if (!Number.isInteger(outer) || outer < 0)
    throw new AnomalyInputError(`outer must be an integer ≥ 0, got ${outer}.`, { option: 'outer' });

  // The Fortran core widens every span to an odd number ≥ 3.
  const odd3 = (w: number) => {
    const v = Math.max(3, w);
    return v % 2 === 0 ? v + 1 : v;
  };
  const ns = odd3(sWindow);
  const nt = odd3(tWindow);
  const nl = odd3(lWindow);
  const np = period;

  const m = n + 2 * np;
  const work1 = new Float64Array(m);
  const work2 = new Float64Array(m);
  const work3 = new Float64Array(m);
  const sub = new Float64Array(m);
  const subRw = new Float64Array(m);
  const scratch = new Float64Array(m);
  const seasonal = new Float64Array(n);
  const trend = new Float64Array(n);
  const rw = new Float64Array(n);
  let useRw = false;

  const cycleSubseries = () => {
    // Smooth each cycle-subseries of work1 (= y − trend) and extend it one cycle at both ends into work2.
    for (let j = 1; j <= np; j++) {
      const k = Math.trunc((n - j) / np) + 1;
      for (let i = 1; i <= k; i++) sub[i - 1] = work1[(i - 1) * np + j - 1];
      if (useRw) for (let i = 1; i <= k; i++) subRw[i - 1] = rw[(i - 1) * np + j - 1];
      const ySlice: Slice = { data: sub, offset: 0 };
      const rwSlice: Slice | null = useRw ? { data: subRw, offset: 0 } : null;
      // work3 is free at this point: it holds the smoothed subseries at positions 2..k+1.
      loessSmooth(ySlice, k, ns, sDegree, sJump, rwSlice, { data: work3, offset: 1 }, scratch);
      const first = loessEstimate(ySlice, k, ns, sDegree, 0, 1, Math.min(ns, k), scratch, rwSlice);
      work3[0] = Number.isNaN(first) ? work3[1] : first;
      const last = loessEstimate(ySlice, k, ns, sDegree, k + 1, Math.max(1, k - ns + 1), k, scratch, rwSlice);
      work3[k + 1] = Number.isNaN(last) ? work3[k] : last;
      for (let i = 1; i <= k + 2; i++) work2[(i - 1) * np + j - 1] = work3[i - 1];
    }
  };

  const innerLoop = () => {
    for (let pass = 0; pass < inner; pass++) {
      for (let i = 0; i < n; i++) work1[i] = y[i] - trend[i];
      cycleSubseries();
      // Low-pass filter of the extended seasonal (n + 2·np values) back to n values.
      movingAverage(work2, m, np, work3);
      movingAverage(work3, m - np + 1, np, work1);
      movingAverage(work1, m - 2 * np + 2, 3, work3);
      loessSmooth(
        { data: work3, offset: 0 },
        n,
        nl,
        lDegree,
        lJump,
        null,
        { data: work1, offset: 0 },
        scratch,
      );
      for (let i = 0; i < n; i++) seasonal[i] = work2[np + i] - work1[i];
      for (let i = 0; i < n; i++) work1[i] = y[i] - seasonal[i];
      loessSmooth(
        { data: work1, offset: 0 },
        n,
        nt,
        tDegree,
        tJump,
        useRw ? { data: rw, offset: 0 } : null,
        { data: trend, offset: 0 },
        scratch,
      );
    }
  };

  for (let k = 0; ; k++) {
    innerLoop();
    if (k + 1 > outer) break;
    robustnessWeights(y, seasonal, trend, rw, work1);
    useRw = true;
  }
  if (outer <= 0) rw.fill(1);

  if (periodic) {
    for (let j = 0; j < np; j++) {
      const mean = strideMean(seasonal, j, np, n);
      for (let i = j; i < n; i += np) seasonal[i] = mean;
    }
  }
  const remainder = new Float64Array(n);
  for (let i = 0; i < n; i++) remainder[i] = y[i] - seasonal[i] - trend[i];
  return {
    seasonal,
    trend,
    remainder,
    weights: rw,
    settings: {
      period,
      periodic,
      seasonalWindow: sWindow,
      trendWindow: tWindow,
      lowpassWindow: lWindow,
      seasonalDegree: sDegree,
      trendDegree: tDegree,
      lowpassDegree: lDegree,
      seasonalJump: sJump,
      trendJump: tJump,
      lowpassJump: lJump,
      inner,
      outer,
    },
  };
}

/** Bisquare weights on |y − fit| scaled by 6 × their median (stl.f's `stlrwt`). */
function robustnessWeights(
  y: Float64Array,
  seasonal: Float64Array,
  trend: Float64Array,
  rw: Float64Array,
  abs: Float64Array,
): void {
  const n = y.length;
  for (let i = 0; i < n; i++) abs[i] = Math.abs(y[i] - (trend[i] + seasonal[i]));
  // 6 × median |residual| by selection: O(n) instead of a sort on every robustness pass.
  const work = abs.slice(0, n);
  const upper = Math.trunc(n / 2);
  const hi = selectKth(work, upper);
  let lo = hi;
  if (n % 2 === 0) {
    lo = -Infinity;
    for (let i = 0; i < upper; i++) if (work[i] > lo) lo = work[i];
  }
  const cmad = 3 * (hi + lo);
  const c9 = 0.999 * cmad;
  const c1 = 0.001 * cmad;
  for (let i = 0; i < n; i++) {
    const r = abs[i];
    if (r <= c1) rw[i] = 1;
    else if (r <= c9) {
      const u = r / cmad;
      const v = 1 - u * u;
      rw[i] = v * v;
    } else rw[i] = 0;
  }
}

/** k-th smallest (0-based) of x, partially reordering x so that x[0..k) ≤ x[k] (Hoare's selection). */
function selectKth(x: Float64Array, k: number): number {
  let left = 0;
  let right = x.length - 1;
  while (left < right) {
    const pivot = x[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (x[i] < pivot) i++;
      while (x[j] > pivot) j--;
      if (i <= j) {
        const t = x[i];
        x[i] = x[j];
        x[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return x[k];
}
