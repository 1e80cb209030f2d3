import { LoyaltyInputError } from './loyalty-input-error.ts';
import type { Objective } from './objective.ts';

/** Rows above which a fit is warm-started on a subsample. */
const WARM_START_ROWS = 50_000;
/** Rough size of that subsample: enough for parameters within a few percent of the optimum. */
const WARM_START_SAMPLE = 20_000;

/** Every how many rows the warm-start subsample takes one (1: no warm start). */
export function warmStartStride(rows: number): number {
  return rows > WARM_START_ROWS ? Math.ceil(rows / WARM_START_SAMPLE) : 1;
}

/** The subsample's objective, or none when the subsample alone cannot be fitted (e.g. no repeat buyer in it). */
export function subsampleObjective(prepare: () => { objective: Objective }): Objective | undefined {
  try {
    return prepare().objective;
  } catch (e) {
    if (e instanceof LoyaltyInputError) return undefined;
    throw e;
  }
}
