import { AnomalyInputError } from './anomaly-input-error.ts';
import type { Direction } from './types.ts';

/** Shared option validation: each throws AnomalyInputError naming the option. */
export function positiveInteger(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new AnomalyInputError(`${option} must be a positive integer, got ${value}.`, { option });
  return value;
}

export function positiveNumber(value: number, option: string): number {
  if (!(value > 0) || !Number.isFinite(value))
    throw new AnomalyInputError(`${option} must be a positive number, got ${value}.`, { option });
  return value;
}

export function direction(value: Direction, option = 'direction'): Direction {
  if (value !== 'pos' && value !== 'neg' && value !== 'both')
    throw new AnomalyInputError(`${option} must be pos, neg or both, got ${String(value)}.`, { option });
  return value;
}

/** Whether a z beyond `threshold` counts in the given direction. */
export function exceeds(z: number, threshold: number, dir: Direction): boolean {
  return dir === 'pos' ? z > threshold : dir === 'neg' ? z < -threshold : Math.abs(z) > threshold;
}
