import { AnomalyInputError } from './anomaly-input-error.ts';
import { formatTime } from './to-epoch-ms.ts';

/** A series laid on a regular grid: `positions[i]` is point i's slot, `values` has every slot. */
export interface RegularGrid {
  readonly positions: Int32Array;
  /** One value per slot; absent slots are linear interpolations of their neighbours. */
  readonly values: Float64Array;
}

/**
 * Lays sorted points on the grid times[0] + k·step (consecutive slots when `step` is undefined)
 * and fills absent slots by linear interpolation, so that seasonal decomposition keeps the calendar
 * phase across gaps. Filled slots are for decomposition only; callers test observed points. O(n + gaps).
 *
 * @example
 * regularGrid(Float64Array.from([0, 2 * DAY_MS]), Float64Array.from([1, 3]), DAY_MS).values; // [1, 2, 3]
 */
export function regularGrid(
  times: Float64Array,
  values: Float64Array,
  step: number | undefined,
): RegularGrid {
  const n = values.length;
  const positions = new Int32Array(n);
  if (step === undefined) {
    for (let i = 0; i < n; i++) positions[i] = i;
    return { positions, values };
  }
  if (!(step > 0) || !Number.isFinite(step))
    throw new AnomalyInputError(`step must be a positive number of ms, got ${step}.`, { option: 'step' });
  for (let i = 0; i < n; i++) {
    const g = (times[i] - times[0]) / step;
    positions[i] = Math.round(g);
    if (Math.abs(g - positions[i]) > 1e-6)
      throw new AnomalyInputError(`point ${i} (${formatTime(times[i])}) is not on the ${step} ms grid.`, {
        option: 'step',
        index: i,
        hint: 'Aggregate to the grid (e.g. one value per UTC day) first.',
      });
  }
  const grid = new Float64Array(n === 0 ? 0 : positions[n - 1] + 1);
  for (let i = 0; i < n; i++) {
    grid[positions[i]] = values[i];
    if (i > 0)
      for (let g = positions[i - 1] + 1; g < positions[i]; g++) {
        const w = (g - positions[i - 1]) / (positions[i] - positions[i - 1]);
        grid[g] = values[i - 1] * (1 - w) + values[i] * w;
      }
  }
  return { positions, values: grid };
}
