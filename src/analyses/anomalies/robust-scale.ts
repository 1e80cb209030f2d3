import { MAD_SCALE } from './generalized-esd.ts';
import { median } from './median.ts';

/** Consistency constant of the mean absolute deviation for the normal distribution (√(π/2)). */
const MEAN_AD_SCALE = 1.253314;

/** Robust centre and scale of a small sample, and which estimator gave the scale. */
export interface RobustScale {
  readonly center: number;
  readonly scale: number;
  readonly estimator: 'mad' | 'mean-ad' | 'floor';
}

/**
 * Median and 1.4826·MAD of `values`; when more than half the values tie (MAD = 0) the scale falls
 * back to 1.2533 × the mean absolute deviation from the median (Iglewicz & Hoaglin's modified
 * z-score), and is never below `floor`. O(m log m).
 *
 * @example
 * robustScale([10, 12, 11, 13, 12]); // { center: 12, scale: 1.4826, estimator: 'mad' }
 */
export function robustScale(values: ArrayLike<number>, floor = 0): RobustScale {
  const center = median(values);
  const m = values.length;
  const dev = new Float64Array(m);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    dev[i] = Math.abs(values[i] - center);
    sum += dev[i];
  }
  let scale = MAD_SCALE * median(dev);
  let estimator: RobustScale['estimator'] = 'mad';
  if (scale === 0 && m > 0) {
    scale = (MEAN_AD_SCALE * sum) / m;
    estimator = 'mean-ad';
  }
  if (!(scale > floor)) {
    scale = floor;
    estimator = 'floor';
  }
  return { center, scale, estimator };
}
