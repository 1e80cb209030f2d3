import type { DemoPart, DemoPartOptions } from './demo-part.ts';

/**
 * The demo data of `monitor-loyalty`, with planted ground truth. Returns null until the command exists.
 */
export function loyaltyDemo(_opts: DemoPartOptions): DemoPart | null {
  return null;
}
