import type { Rng } from './rng.ts';

/**
 * Demo members and their orders, drawn from the BG/NBD story: a purchase rate λ ~ Gamma(1.2, 9)
 * per week while alive and a dropout chance p ~ Beta(0.7, 5) after each purchase, with a personal
 * mean spend, from the day they enrol to as-of. Planted churners buy often for months, then stop for good;
 * their spend is kept well above the 80th percentile of the members', so that they are high-value.
 */
export interface DemoOrder {
  id: string;
  at: number;
  amount: number;
  currency: 'USD' | 'EUR';
  channel: string;
  /** Points multiplier of the order (2 under the double-points test; 0: the member was not identified). */
  multiplier: number;
  rewardId?: string;
}

export interface DemoMember {
  id: string;
  enrolledAt: number;
  region: string;
  channel: string;
  orders: DemoOrder[];
  /** Orders after as-of: not written, only simulated so the breakage truth is the ultimate one. */
  future: DemoOrder[];
  churner: boolean;
  tier?: string;
  tierSince?: number;
  previousTier?: string;
}

export const DAY = 86_400_000;
export const WEEK = 7 * DAY;
const REGIONS = [
  ['NA', 45],
  ['EMEA', 30],
  ['APAC', 18],
  ['LATAM', 7],
] as const;
const CHANNELS = [
  ['web', 50],
  ['app', 30],
  ['store', 20],
] as const;

/** Gamma(shape, 1) by Marsaglia–Tsang (shape ≥ 1; boosted below 1). */
export function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(rng.next() || 1e-12, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v > 0 && Math.log(1 - rng.next()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(a, b) as a ratio of gammas. */
export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  return x / (x + gamma(rng, b));
}

let orderSeq = 0;
export const resetOrderSeq = () => (orderSeq = 0);
export const orderId = () => `O${String(++orderSeq).padStart(7, '0')}`;

/** One order at `at` with the member's spend level (EUR for some EMEA orders in the last 90 days). */
export function makeOrder(
  rng: Rng,
  m: { region: string; channel: string },
  at: number,
  mean: number,
  asOf: number,
): DemoOrder {
  const amount = Math.max(3, Math.round(gamma(rng, 6) * (mean / 6) * 100) / 100);
  const eur = m.region === 'EMEA' && asOf - at < 90 * DAY && rng.chance(0.3);
  return {
    id: orderId(),
    at,
    amount: eur ? Math.round((amount / EUR_USD) * 100) / 100 : amount,
    currency: eur ? 'EUR' : 'USD',
    channel: rng.chance(0.8) ? m.channel : rng.pick(['web', 'app', 'store']),
    multiplier: rng.chance(0.04) ? 0 : 1,
  };
}

/** The demo's one exchange rate: USD per EUR. */
const EUR_USD = 1.08;

/** An order's amount in USD. */
export const usd = (o: { amount: number; currency: string }): number =>
  o.currency === 'EUR' ? o.amount * EUR_USD : o.amount;

/** The 80th percentile of the members' spend to as-of (USD). */
function percentile80(members: DemoMember[]): number {
  const spend = members.map((m) => m.orders.reduce((s, o) => s + usd(o), 0)).sort((a, b) => a - b);
  return spend[Math.floor(0.8 * (spend.length - 1))] ?? 0;
}

/** Purchases from enrolment while alive: exponential gaps at rate λ/week, dropout p after each. */
function purchases(rng: Rng, from: number, to: number, lambda: number, p: number): number[] {
  const out = [from];
  let t = from;
  for (;;) {
    if (rng.chance(p)) break;
    t += (-Math.log(1 - rng.next()) / lambda) * WEEK;
    if (t >= to) break;
    out.push(t);
  }
  return out;
}

/**
 * `n` members enrolled over the programme's life (growing enrolment), and `churners` planted
 * churners: enrolled 16–30 months ago, buying about every 1.5 weeks for 25–40 weeks, then never
 * again (their last purchase at least 30 weeks before as-of), their amounts scaled up when their
 * spend falls short of 1.5 × the other members' 80th percentile (no extra random draws).
 */
export function demoMembers(
  rng: Rng,
  n: number,
  churners: number,
  start: number,
  asOf: number,
  horizon: number,
): DemoMember[] {
  const members: DemoMember[] = [];
  let floor: number | undefined;
  for (let i = 0; i < n + churners; i++) {
    const churner = i >= n;
    const u = churner ? rng.next() : Math.sqrt(rng.next());
    const enrolledAt = churner
      ? asOf - rng.int(480, 900) * DAY
      : start + Math.floor(u * (asOf - start - DAY));
    const m: DemoMember = {
      id: `M${String(100001 + i)}`,
      enrolledAt,
      region: rng.weighted(REGIONS),
      channel: rng.weighted(CHANNELS),
      orders: [],
      future: [],
      churner,
    };
    const mean = Math.exp(Math.log(churner ? 75 : 55) + 0.4 * rng.normal());
    const times = churner
      ? purchases(rng, enrolledAt, Math.min(enrolledAt + rng.int(25, 40) * WEEK, asOf - 30 * WEEK), 0.7, 0)
      : purchases(rng, enrolledAt, horizon, gamma(rng, 1.2) / 9, beta(rng, 0.7, 5));
    const all = times.map((t) => makeOrder(rng, m, Math.floor(t), mean, asOf));
    if (churner) {
      // a planted churner is a high-value member: its spend clears the members' 80th percentile
      // (the win-back segment's value floor) by half again, however few or small its orders
      floor ??= 1.5 * percentile80(members);
      const spent = all.reduce((s, o) => s + usd(o), 0);
      if (spent < floor)
        for (const o of all) o.amount = Math.round(o.amount * (floor / spent) * 100 + 1) / 100;
    }
    m.orders = all.filter((o) => o.at < asOf);
    m.future = all.filter((o) => o.at >= asOf);
    members.push(m);
  }
  return members;
}
