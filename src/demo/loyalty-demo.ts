import type { DemoPart, DemoPartOptions } from './demo-part.ts';
import { loyaltyDemoConfig } from './loyalty-demo-config.ts';
import { simulateLedger, type LedgerEvent, type LotUse } from './loyalty-demo-ledger.ts';
import {
  DAY,
  demoMembers,
  makeOrder,
  orderId,
  resetOrderSeq,
  usd,
  type DemoMember,
} from './loyalty-demo-members.ts';
import { plantExperiments, plantStatusMatches, plantUpgrades, type World } from './loyalty-demo-plants.ts';
import { DEMO_TIERS, tierAt, tierTimeline } from './loyalty-demo-tiers.ts';
import { createRng, type Rng } from './rng.ts';
import { isoSeconds } from './time-text.ts';

/** The specification's usage line, run verbatim in the demo workspace. */
export const LOYALTY_USAGE = `/loyalty-lifecycle-orchestration:monitor-loyalty --window 30d --detail full --dimensions "tier,region"`;
/** Planted share of issued points that members redeem (1 − planted breakage). */
export const PLANTED_REDEEM_RATE = 0.7;
const EXPIRE_DAYS = 365;
const PENDING_DAYS = 14;
/** Returns come after the points were credited (a late return or a chargeback): out of the pending window. */
const RETURN_DAYS = 20;

const iso = isoSeconds;
const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: string[], rows: unknown[][]) =>
  [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';

/** Each member's tier fields at as-of from the timeline (tier, since when, the tier before it). */
function tierFields(w: World): void {
  for (const m of w.members) {
    const tl = w.timelines.get(m.id)!.filter((c) => c.at < w.asOf);
    const real = tl.filter((c, i) => i === 0 || c.tier !== tl[i - 1].tier);
    const last = real.at(-1)!;
    m.tier = DEMO_TIERS[last.tier].tier;
    m.tierSince = last.at;
    m.previousTier = real.length > 1 ? DEMO_TIERS[real.at(-2)!.tier].tier : undefined;
  }
}

/**
 * Earn rows of the orders (past and simulated future: points are pending for 14 days, so a lot is
 * never redeemed sooner), the enrolment bonus, returns and goodwill adjustments.
 */
function earnEvents(rng: Rng, m: DemoMember, horizon: number, seq: () => number): LedgerEvent[] {
  const out: LedgerEvent[] = [
    {
      at: m.enrolledAt + 60_000,
      seq: seq(),
      type: 'earn',
      points: 200,
      expiresAt: m.enrolledAt + 60_000 + EXPIRE_DAYS * DAY,
    },
  ];
  for (const o of [...m.orders, ...m.future].sort((a, b) => a.at - b.at)) {
    const points = Math.floor(usd(o)) * o.multiplier;
    if (points <= 0) continue;
    const earn: LedgerEvent = {
      at: o.at,
      seq: seq(),
      type: 'earn',
      points,
      orderId: o.id,
      expiresAt: o.at + EXPIRE_DAYS * DAY,
    };
    out.push(earn);
    if (rng.chance(0.015) && o.at + RETURN_DAYS * DAY < horizon) {
      earn.returned = true;
      out.push({ at: o.at + RETURN_DAYS * DAY, seq: seq(), type: 'adjust', points: -points, orderId: o.id });
    }
  }
  if (rng.chance(0.01)) {
    const at = m.enrolledAt + rng.int(1, Math.max(1, Math.floor((horizon - m.enrolledAt) / DAY) - 1)) * DAY;
    out.push({ at, seq: seq(), type: 'adjust', points: 150, expiresAt: at + EXPIRE_DAYS * DAY });
  }
  return out;
}

/** The ledger of every member (FIFO), with the reward each redemption pays for marked on the next order. */
function ledgerOf(w: World): { rows: unknown[][]; uses: LotUse[] } {
  let n = 0;
  const seq = () => ++n;
  const rows: unknown[][] = [];
  const uses: LotUse[] = [];
  for (const m of w.members) {
    const earns = earnEvents(w.rng, m, w.horizon, seq);
    const sim = simulateLedger(w.rng, earns, {
      end: w.horizon,
      snapshot: w.asOf,
      minDelayDays: PENDING_DAYS,
      expireDays: EXPIRE_DAYS,
      redeemRate: PLANTED_REDEEM_RATE,
      nextSeq: seq,
      rewardFor: () => 'R-POINTS',
    });
    uses.push(...sim.uses.filter((u) => u.issuedAt < w.asOf));
    for (const e of sim.events) {
      if (e.at >= w.asOf) continue;
      // points of the last 14 days are still pending at as-of (the return window)
      const pending = e.type === 'earn' && e.orderId && e.at >= w.asOf - PENDING_DAYS * DAY;
      rows.push([
        `E${String(e.seq).padStart(8, '0')}`,
        m.id,
        iso(e.at),
        pending ? 'pending' : e.type,
        e.points,
        e.orderId ?? '',
        e.rewardId ?? '',
        e.expiresAt && !pending ? iso(e.expiresAt).slice(0, 10) : '',
      ]);
      if (e.type !== 'redeem') continue;
      const next = m.orders
        .filter((o) => o.at > e.at && o.at < e.at + 45 * DAY && !o.rewardId)
        .sort((a, b) => a.at - b.at)[0];
      if (next) next.rewardId = 'R-POINTS';
    }
  }
  return { rows, uses };
}

/** Guests (never members) buying in the last 200 days. */
function guestOrders(rng: Rng, asOf: number): { customer: string; o: ReturnType<typeof makeOrder> }[] {
  const out = [];
  for (let i = 0; i < 2500; i++) {
    const g = { region: 'NA', channel: 'web' };
    const k = 1 + Math.floor(rng.next() * rng.next() * 3);
    for (let j = 0; j < k; j++)
      out.push({
        customer: `G${String(500001 + i)}`,
        o: makeOrder(rng, g, asOf - rng.int(1, 200) * DAY + rng.int(0, 86_000) * 1000, 45, asOf),
      });
  }
  return out;
}

/**
 * Truth of the breakage of every point issued before as-of, known because the generator runs the
 * programme 15 months past as-of: the ultimate redemption rate, the share of the points
 * outstanding at as-of that will be redeemed, and every issuance cohort fully expired at as-of.
 */
function breakageTruth(uses: LotUse[], asOf: number) {
  const sum = (f: (u: LotUse) => number) => uses.reduce((s, u) => s + f(u), 0);
  const issued = sum((u) => u.issued);
  const snap = (u: LotUse) => u.atSnapshot ?? { redeemed: 0, expired: 0, adjusted: 0 };
  const outstanding = sum((u) => u.issued - snap(u).redeemed - snap(u).expired - snap(u).adjusted);
  const byCohort = new Map<string, { issued: number; redeemed: number; expired: number; adjusted: number }>();
  for (const u of uses) {
    const c = byCohort.get(u.cohort) ?? { issued: 0, redeemed: 0, expired: 0, adjusted: 0 };
    c.issued += u.issued;
    c.redeemed += snap(u).redeemed;
    // expired is what expired; points taken back by negative adjustments are counted apart
    c.expired += snap(u).expired;
    c.adjusted += snap(u).adjusted;
    byCohort.set(u.cohort, c);
  }
  const asOfMonth = new Date(asOf - 1).toISOString().slice(0, 7);
  const age = (c: string) =>
    (Number(asOfMonth.slice(0, 4)) - Number(c.slice(0, 4))) * 12 +
    Number(asOfMonth.slice(5, 7)) -
    Number(c.slice(5, 7));
  return {
    planted_redemption_rate: PLANTED_REDEEM_RATE,
    ultimate_redemption_rate: sum((u) => u.redeemed) / issued,
    ultimate_breakage_rate: 1 - sum((u) => u.redeemed) / issued,
    outstanding_points: outstanding,
    outstanding_redemption_rate: sum((u) => u.redeemed - snap(u).redeemed) / outstanding,
    matured_cohorts: [...byCohort].filter(([c]) => age(c) >= 13).map(([cohort, v]) => ({ cohort, ...v })),
  };
}

/** The migration matrix the generator knows: tier held at the window start (−1: not yet a member) × at as-of. */
function migrationTruth(w: World): number[][] {
  const k = DEMO_TIERS.length + 1;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const m of w.members) {
    const tl = w.timelines.get(m.id)!;
    counts[tierAt(tl, m.enrolledAt, w.windowStart) + 1][tierAt(tl, m.enrolledAt, w.asOf) + 1]++;
  }
  return counts;
}

/**
 * The demo data of `monitor-loyalty`: a points programme 30 months old (members, ledger, orders of
 * members and guests, rewards, tier rules, CSAT, two campaign tests), with planted churners, tier
 * movers inside the 30-day window and a known redemption curve (planted breakage 30%).
 */
export function loyaltyDemo(opts: DemoPartOptions): DemoPart {
  resetOrderSeq();
  const rng = createRng(((opts.seed * 2654435761) ^ 0x10ca1) >>> 0);
  const asOf = Date.parse(`${opts.asOf}T00:00:00Z`) + DAY;
  const start = asOf - 913 * DAY;
  const windowStart = asOf - 30 * DAY;
  const horizon = asOf + 456 * DAY;
  const members = demoMembers(rng, 2400, 50, start, asOf, horizon);
  const w: World = { rng, asOf, start, windowStart, horizon, members, timelines: new Map() };
  const experiments = plantExperiments(w);
  for (const m of members) m.orders = m.orders.filter((o) => o.at < asOf);
  for (const m of members) w.timelines.set(m.id, tierTimeline(m, asOf + DAY));
  const upgrades = plantUpgrades(w);
  const downgrades = plantStatusMatches(w, new Set(upgrades.map((u) => u.id)));
  tierFields(w);
  const ledger = ledgerOf(w);
  const guests = guestOrders(rng, asOf);
  return loyaltyDemoConfig({
    opts,
    usage: LOYALTY_USAGE,
    w,
    csv,
    iso,
    ledgerRows: ledger.rows,
    guests,
    experiments,
    newOrderId: orderId,
    truth: {
      members: members.length,
      churners: members.filter((m) => m.churner).map((m) => m.id),
      tier_movers: { upgrades, downgrades },
      migration: {
        tiers: ['(joined in window)', ...DEMO_TIERS.map((t) => t.tier)],
        counts: migrationTruth(w),
      },
      breakage: breakageTruth(ledger.uses, asOf),
      experiments: experiments.truth,
      value_per_point: 0.01,
    },
  });
}
