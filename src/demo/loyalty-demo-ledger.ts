import type { Rng } from './rng.ts';

/**
 * The points ledger of one demo member, simulated first-in-first-out as a programme runs it: every
 * earn is a lot expiring after `expireDays`; each lot is redeemed with probability `redeemRate`
 * after a delay drawn from the planted redemption curve (months since issue), and whatever of a
 * lot is left at its expiry expires. Redemptions and negative adjustments consume the oldest
 * points first, exactly as monitor-loyalty attributes them, so the breakage of every matured
 * issuance cohort is known here to the point.
 */
export interface LedgerEvent {
  /** Sort key: time (ms), then a sequence number (entry ids sort the same way). */
  at: number;
  seq: number;
  type: 'earn' | 'redeem' | 'expire' | 'adjust' | 'pending';
  points: number;
  orderId?: string;
  rewardId?: string;
  expiresAt?: number;
  /** An earn whose order was returned: its points are taken back, so they are not redeemed. */
  returned?: boolean;
}

export interface LotUse {
  /** Issue month of the lot (YYYY-MM) and what happened to its points (ultimately). */
  cohort: string;
  issuedAt: number;
  redeemed: number;
  expired: number;
  adjusted: number;
  issued: number;
  /** The same at the snapshot time (as-of). */
  atSnapshot: { redeemed: number; expired: number; adjusted: number } | null;
}

/** Planted redemption curve: share of the redeemed points redeemed in month 0, 1, … after issue. */
export const REDEMPTION_DELAY_MONTHS = [
  0.2, 0.18, 0.14, 0.11, 0.09, 0.07, 0.06, 0.05, 0.04, 0.03, 0.02, 0.01,
];

const DAY = 86_400_000;
const month = (ms: number) => new Date(ms).toISOString().slice(0, 7);

interface Lot {
  at: number;
  seq: number;
  points: number;
  left: number;
  expiresAt: number;
  use: LotUse;
}

/**
 * Consumes `amount` points FIFO from the lots available at `now` (oldest first); returns what was
 * consumed. A lot is available once out of its pending window (`available` ms after issue): no
 * redemption or take-back spends points the member does not hold yet, which the ledger could not
 * show (a consumption beyond the member's points is no lot's, and pending points are in no lot).
 */
function consume(
  lots: Lot[],
  amount: number,
  kind: 'redeemed' | 'adjusted',
  now: number,
  available: number,
): number {
  let need = amount;
  for (const lot of lots) {
    if (need <= 0) break;
    if (lot.at + available > now) continue;
    const take = Math.min(lot.left, need);
    lot.left -= take;
    lot.use[kind] += take;
    need -= take;
  }
  return amount - need;
}

/**
 * Adds the redemptions and expiries of a member's earn and adjust events (up to `end`), FIFO.
 * Returns the full event list (sorted) and the per-lot outcomes (for the planted truth).
 */
export function simulateLedger(
  rng: Rng,
  earns: LedgerEvent[],
  opts: {
    end: number;
    snapshot: number;
    minDelayDays: number;
    expireDays: number;
    redeemRate: number;
    nextSeq: () => number;
    rewardFor: (points: number) => string;
  },
): { events: LedgerEvent[]; uses: LotUse[] } {
  type Pending = {
    at: number;
    seq: number;
    kind: 'redeem' | 'expire' | 'adjust';
    points: number;
    lot?: Lot;
    event?: LedgerEvent;
  };
  const queue: Pending[] = [];
  const lots: Lot[] = [];
  const out: LedgerEvent[] = [...earns];
  for (const e of earns) {
    if (e.type === 'adjust' && e.points < 0)
      queue.push({ at: e.at, seq: e.seq, kind: 'adjust', points: -e.points, event: e });
    if (e.type !== 'earn' && !(e.type === 'adjust' && e.points > 0)) continue;
    const lot: Lot = {
      at: e.at,
      seq: e.seq,
      points: e.points,
      left: e.points,
      expiresAt: e.expiresAt ?? e.at + opts.expireDays * DAY,
      use: {
        cohort: month(e.at),
        issuedAt: e.at,
        redeemed: 0,
        expired: 0,
        adjusted: 0,
        issued: e.points,
        atSnapshot: null,
      },
    };
    lots.push(lot);
    if (rng.chance(opts.redeemRate)) {
      const m = rng.weighted(REDEMPTION_DELAY_MONTHS.map((w, k) => [k, w] as const));
      const at =
        e.at + Math.max(opts.minDelayDays, m * 30 + rng.int(0, 29)) * DAY + rng.int(0, 86_000) * 1000;
      if (!e.returned)
        queue.push({
          at: Math.min(at, lot.expiresAt - DAY),
          seq: opts.nextSeq(),
          kind: 'redeem',
          points: e.points,
        });
    }
    queue.push({ at: lot.expiresAt, seq: opts.nextSeq(), kind: 'expire', points: 0, lot });
  }
  lots.sort((a, b) => a.at - b.at || a.seq - b.seq);
  queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  const snap = () => {
    for (const l of lots)
      if (!l.use.atSnapshot)
        l.use.atSnapshot = { redeemed: l.use.redeemed, expired: l.use.expired, adjusted: l.use.adjusted };
  };
  const available = opts.minDelayDays * DAY;
  for (const q of queue) {
    if (q.at >= opts.snapshot) snap();
    if (q.at >= opts.end) break;
    if (q.kind === 'expire' && q.lot) {
      const left = q.lot.left;
      if (left <= 0) continue;
      q.lot.left = 0;
      q.lot.use.expired += left;
      out.push({ at: q.at, seq: q.seq, type: 'expire', points: left });
    } else if (q.kind === 'redeem') {
      const used = consume(lots, q.points, 'redeemed', q.at, available);
      if (used > 0)
        out.push({ at: q.at, seq: q.seq, type: 'redeem', points: used, rewardId: opts.rewardFor(used) });
    } else {
      // the take-back row says what was taken back (nothing: no row)
      const used = consume(lots, q.points, 'adjusted', q.at, available);
      if (q.event) q.event.points = -used;
    }
  }
  snap();
  const events = out.filter((e) => !(e.type === 'adjust' && e.points === 0));
  events.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return { events, uses: lots.map((l) => l.use) };
}
