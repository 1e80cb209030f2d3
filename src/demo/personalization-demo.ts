import type { DemoPart, DemoPartOptions } from './demo-part.ts';

/**
 * The demo data of `monitor-personalization`, with planted ground truth. Returns null until the command exists.
 */
export function personalizationDemo(_opts: DemoPartOptions): DemoPart | null {
  return null;
}
