import { usd, type DemoMember } from './loyalty-demo-members.ts';

/** Demo tier rules: spend in the calendar year; kept at year end by spending the retain amount. */
export const DEMO_TIERS = [
  { tier: 'Member', qualify: 0, retain: 0 },
  { tier: 'Silver', qualify: 300, retain: 240 },
  { tier: 'Gold', qualify: 800, retain: 640 },
  { tier: 'Platinum', qualify: 2000, retain: 1600 },
] as const;

export interface TierChange {
  at: number;
  tier: number;
}

const yearStart = (y: number) => Date.UTC(y, 0, 1);
const qualified = (spend: number) => DEMO_TIERS.reduce((k, t, i) => (spend >= t.qualify ? i : k), 0);

/**
 * The member's tier over time by the rules: Member at enrolment; upgraded the moment the
 * calendar year's spend reaches a higher threshold; on January 1 kept if last year's spend reached
 * the tier's retain amount, else set to the tier last year's spend qualifies for. A status match
 * (`override`) holds a tier from one date to another.
 */
export function tierTimeline(
  m: DemoMember,
  until: number,
  override?: { from: number; to: number; tier: number },
): TierChange[] {
  const orders = [...m.orders].filter((o) => o.at < until).sort((a, b) => a.at - b.at);
  const changes: TierChange[] = [{ at: m.enrolledAt, tier: 0 }];
  let tier = 0;
  const set = (at: number, t: number) => {
    if (t !== tier) changes.push({ at, tier: t });
    tier = t;
  };
  const first = new Date(m.enrolledAt).getUTCFullYear();
  const last = new Date(until - 1).getUTCFullYear();
  for (let y = first; y <= last; y++) {
    if (y > first) {
      const prev = orders
        .filter((o) => o.at >= yearStart(y - 1) && o.at < yearStart(y))
        .reduce((s, o) => s + usd(o), 0);
      if (yearStart(y) < until) set(yearStart(y), prev >= DEMO_TIERS[tier].retain ? tier : qualified(prev));
    }
    let spend = 0;
    for (const o of orders.filter((x) => x.at >= yearStart(y) && x.at < yearStart(y + 1))) {
      spend += usd(o);
      if (qualified(spend) > tier) set(o.at, qualified(spend));
    }
  }
  if (!override) return changes;
  const before = changes.filter((c) => c.at < override.from);
  const earned = (at: number) => changes.filter((c) => c.at <= at).at(-1)?.tier ?? 0;
  return [
    ...before,
    { at: override.from, tier: override.tier },
    ...(override.to < until ? [{ at: override.to, tier: earned(override.to) }] : []),
  ];
}

/** The tier held at `at` (−1 before enrolment). */
export function tierAt(changes: TierChange[], enrolledAt: number, at: number): number {
  if (enrolledAt >= at) return -1;
  return changes.filter((c) => c.at < at).at(-1)?.tier ?? 0;
}

/** Calendar-year spend up to `at` (USD). */
export function spendYtd(m: DemoMember, at: number): number {
  const y = yearStart(new Date(at).getUTCFullYear());
  return m.orders.filter((o) => o.at >= y && o.at < at).reduce((s, o) => s + usd(o), 0);
}
