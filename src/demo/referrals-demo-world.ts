import type { Rng } from './rng.ts';

/**
 * The referral program of the demo as plain records (advocates, shares, clicks, sign-ups,
 * orders, payouts, NPS answers, experiment assignments), with the organic generator and the
 * helpers the planted patterns use. Times are epoch ms; everything is relative to as-of.
 */
export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const HISTORY_DAYS = 200;

export interface Advocate {
  id: string;
  customer: string;
  code: string;
  kind: 'customer' | 'partner';
  name: string;
  email: string;
  tier: string;
  region: string;
  persona: string;
  joined: number;
  ip: string;
  ua: string;
  device: string;
  card: string;
  /** Shares per 30 days at time t (0..1 over the history). */
  rate: (t: number) => number;
  /** Multiplier of the friend's chance to buy. */
  quality: number;
}

export interface Share {
  id: string;
  adv: Advocate;
  channel: string;
  at: number;
  recipients: number;
}

export interface Click {
  id: string;
  code: string;
  share: Share | null;
  channel: string | null;
  ip: string;
  ua: string;
  device: string;
  cookie: string;
  referrer: string | null;
  at: number;
}

export interface Referral {
  id: string;
  adv: Advocate;
  friend: string;
  email: string;
  name: string;
  ip: string;
  ua: string;
  device: string;
  cookie: string;
  card: string;
  click: Click | null;
  at: number;
}

export interface Order {
  id: string;
  customer: string;
  amount: number;
  currency: string;
  stage: string;
  at: number;
  refundedAt: number | null;
  referrer: string | null;
  coupon: string | null;
}

export interface Payout {
  id: string;
  adv: Advocate;
  referral: string | null;
  kind: 'reward' | 'incentive' | 'fee';
  amount: number;
  status: 'pending' | 'paid' | 'clawed_back' | 'void';
  created: number;
  paid: number | null;
}

export const CHANNELS = ['email', 'sms', 'whatsapp', 'social', 'link'] as const;
const CLICKS_PER_SHARE: Record<string, number> = {
  email: 1.4,
  sms: 1.2,
  whatsapp: 2.2,
  social: 3.5,
  link: 1.8,
};
const SIGNUP_RATE: Record<string, number> = {
  email: 0.24,
  sms: 0.22,
  whatsapp: 0.3,
  social: 0.12,
  link: 0.18,
};
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edge/130.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Safari/605.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Chrome/131.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1) Mobile/15E148',
  'Mozilla/5.0 (Linux; Android 15; Pixel 9) Chrome/130.0 Mobile',
  'Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0',
  'Mozilla/5.0 (iPad; CPU OS 17_7) Mobile/15E148',
];
export const FRIEND_FIRST = [
  'liam',
  'emma',
  'noah',
  'olivia',
  'mateo',
  'ava',
  'lucas',
  'mia',
  'elias',
  'zara',
  'kenji',
  'ines',
  'tariq',
  'freya',
  'bruno',
  'selin',
  'arjun',
  'leila',
];
export const FRIEND_LAST = [
  'andersen',
  'baptiste',
  'castillo',
  'dimitrov',
  'eriksen',
  'fontaine',
  'gallagher',
  'hoffmann',
  'ibrahim',
  'jovanovic',
  'kowalski',
  'lindqvist',
  'marchetti',
  'nakamura',
  'oyelaran',
  'petrov',
  'quintero',
  'rasmussen',
];
const MAIL = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'proton.me'];

/** The demo's world: records and id sequences. */
export class World {
  readonly advocates: Advocate[] = [];
  readonly shares: Share[] = [];
  readonly clicks: Click[] = [];
  readonly referrals: Referral[] = [];
  readonly orders: Order[] = [];
  readonly payouts: Payout[] = [];
  readonly nps: { id: string; who: string; score: number; at: number }[] = [];
  /** experiment id → unit (advocate id) → variant and assignment time. */
  readonly assignments: { experiment: string; unit: string; variant: string; at: number }[] = [];
  private seq = new Map<string, number>();
  readonly start: number;

  constructor(
    readonly rng: Rng,
    /** End of the as-of day (exclusive). */
    readonly end: number,
  ) {
    this.start = end - HISTORY_DAYS * DAY;
  }

  next(prefix: string, width = 6): string {
    const n = (this.seq.get(prefix) ?? 0) + 1;
    this.seq.set(prefix, n);
    return `${prefix}-${String(n).padStart(width, '0')}`;
  }

  ip(): string {
    const r = this.rng;
    return `${r.int(11, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
  }

  ua(): string {
    return this.rng.pick(UAS);
  }

  friendIdentity(): { name: string; email: string } {
    const f = this.rng.pick(FRIEND_FIRST);
    const l = this.rng.pick(FRIEND_LAST);
    const n = this.rng.int(1, 9999);
    return {
      name: `${f[0].toUpperCase()}${f.slice(1)} ${l[0].toUpperCase()}${l.slice(1)}`,
      email: `${f}.${l}${n}@${this.rng.pick(MAIL)}`,
    };
  }

  /** A click on an advocate's code, from a fresh device, `at`. */
  click(adv: Advocate, share: Share | null, at: number, o: Partial<Click> = {}): Click {
    const c: Click = {
      id: this.next('clk', 7),
      code: adv.code,
      share,
      channel: share ? null : (o.channel ?? 'link'),
      ip: this.ip(),
      ua: this.ua(),
      device: this.next('dev', 7),
      cookie: this.next('ck', 7),
      referrer: share?.channel === 'social' ? 'https://www.facebook.com/' : null,
      at,
      ...o,
    };
    this.clicks.push(c);
    return c;
  }

  /** A sign-up from a click's session (or a direct one), with a new friend unless given. */
  signup(adv: Advocate, click: Click | null, at: number, o: Partial<Referral> = {}): Referral {
    const id = this.friendIdentity();
    const r: Referral = {
      id: this.next('ref'),
      adv,
      friend: this.next('cust-f'),
      email: id.email,
      name: id.name,
      ip: click?.ip ?? this.ip(),
      ua: click?.ua ?? this.ua(),
      device: click?.device ?? this.next('dev', 7),
      cookie: click?.cookie ?? this.next('ck', 7),
      card: this.next('card'),
      click,
      at,
      ...o,
    };
    this.referrals.push(r);
    return r;
  }

  order(customer: string, at: number, amount: number, o: Partial<Order> = {}): Order {
    const x: Order = {
      id: this.next('ord', 7),
      customer,
      amount: Math.round(amount * 100) / 100,
      currency: 'USD',
      stage: 'purchase',
      at,
      refundedAt: null,
      referrer: null,
      coupon: null,
      ...o,
    };
    this.orders.push(x);
    return x;
  }

  /**
   * The program's payouts for a converted referral: the advocate's reward (paid 7 days after the
   * order, pending before, void when the order was refunded first), the friend's incentive and a
   * platform fee.
   */
  rewardConversion(r: Referral, order: Order, reward: number, incentive: number): Payout {
    const due = order.at + 7 * DAY;
    const refundedFirst = order.refundedAt !== null && order.refundedAt < due;
    const status = refundedFirst ? 'void' : due <= this.end ? 'paid' : 'pending';
    const p: Payout = {
      id: this.next('pay', 7),
      adv: r.adv,
      referral: r.id,
      kind: 'reward',
      amount: reward,
      status,
      created: order.at,
      paid: status === 'paid' ? due : null,
    };
    this.payouts.push(p);
    if (incentive > 0)
      this.payouts.push({
        id: this.next('pay', 7),
        adv: r.adv,
        referral: r.id,
        kind: 'incentive',
        amount: incentive,
        status: 'paid',
        created: order.at,
        paid: order.at,
      });
    this.payouts.push({
      id: this.next('pay', 7),
      adv: r.adv,
      referral: r.id,
      kind: 'fee',
      amount: 1.5,
      status: 'paid',
      created: order.at,
      paid: order.at,
    });
    return p;
  }

  /** Shares, clicks and sign-ups of one advocate over the history (Poisson in 1-day steps). */
  organicShares(adv: Advocate, leak: { channel: string; from: number; factor: number }): Referral[] {
    const out: Referral[] = [];
    const r = this.rng;
    for (let t = Math.max(this.start, adv.joined); t < this.end; t += DAY) {
      const lambda = adv.rate((t - this.start) / (this.end - this.start)) / 30;
      const n = poisson(r, lambda);
      for (let k = 0; k < n; k++) {
        const channel =
          adv.kind === 'partner' ? r.pick(['link', 'social', 'email'] as const) : r.weighted(CHANNEL_MIX);
        const share: Share = {
          id: this.next('shr', 7),
          adv,
          channel,
          at: t + r.int(0, DAY - 1),
          recipients: channel === 'social' ? 1 : r.int(1, 3),
        };
        if (share.at >= this.end) continue;
        this.shares.push(share);
        const clicks = poisson(r, CLICKS_PER_SHARE[channel]);
        for (let c = 0; c < clicks; c++) {
          const at = share.at + Math.floor(r.logNormal(Math.log(6 * HOUR), 1));
          if (at >= this.end) continue;
          const click = this.click(adv, share, at);
          const leaking = channel === leak.channel && at >= leak.from ? leak.factor : 1;
          if (r.chance(SIGNUP_RATE[channel] * leaking * (adv.kind === 'partner' ? 1.2 : 1))) {
            const s = at + Math.floor(r.logNormal(Math.log(20 * 60_000), 1));
            if (s < this.end) out.push(this.signup(adv, click, s));
          }
        }
      }
    }
    return out;
  }
}

const CHANNEL_MIX: (readonly [string, number])[] = [
  ['email', 35],
  ['sms', 20],
  ['whatsapp', 20],
  ['social', 10],
  ['link', 15],
];

export function poisson(r: Rng, mean: number): number {
  let p = Math.exp(-mean);
  let k = 0;
  let s = p;
  const u = r.next();
  while (u > s && k < 50) {
    k++;
    p *= mean / k;
    s += p;
  }
  return k;
}
