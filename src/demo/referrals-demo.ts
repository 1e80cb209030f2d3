import type { DemoPart, DemoPartOptions } from './demo-part.ts';

/**
 * The demo data of `optimize-referrals`, with planted ground truth. Returns null until the command exists.
 */
export function referralsDemo(_opts: DemoPartOptions): DemoPart | null {
  return null;
}
