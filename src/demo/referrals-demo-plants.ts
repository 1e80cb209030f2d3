import type { World } from './referrals-demo-world.ts';
import { DAY, HOUR, type Advocate, type Click, type Order, type Referral } from './referrals-demo-world.ts';

/** A planted pattern: the referrals that carry it and the rule that must find it. */
export interface Planted {
  rule: string;
  referrals: string[];
  /** The band the referrals must at least reach ('review' or 'reject'). */
  band: 'review' | 'reject';
}

/** Look-alikes that are not fraud: their referrals must never be banded reject. */
export interface LookAlike {
  referrals: string[];
  /** What the generator did and which rule alone may fire (at most review). */
  note: string;
}

interface PlantOptions {
  referral?: Partial<Referral>;
  click?: Partial<Click> | null;
  /** Order this long after the sign-up (null: no order). */
  orderAfter?: number | null;
  amount?: number;
  order?: Partial<Order>;
  reward?: number;
}

/** One planted referral with its click, order and payouts, consistent with the organic ones. */
function plant(
  w: World,
  adv: Advocate,
  at: number,
  o: PlantOptions = {},
): { ref: Referral; order: Order | null } {
  const click =
    o.click === null ? null : w.click(adv, null, at - 3 * 60_000, { channel: 'link', ...o.click });
  const ref = w.signup(adv, click, at, o.referral);
  if (o.orderAfter === null) return { ref, order: null };
  const order = w.order(ref.friend, at + (o.orderAfter ?? 2 * HOUR), o.amount ?? 60, o.order);
  w.rewardConversion(ref, order, o.reward ?? 25, 10);
  return { ref, order };
}

/** A customer advocate made for a plant (joined long before the window). */
function advocate(w: World, o: Partial<Advocate>): Advocate {
  const a: Advocate = {
    id: w.next('adv', 5),
    customer: w.next('cust-a'),
    code: w.next('CODE', 5),
    kind: 'customer',
    name: 'Pat Planted',
    email: `${w.next('pat')}@outlook.com`,
    tier: 'customer',
    region: 'NA',
    persona: 'Developer',
    joined: w.start - 30 * DAY,
    ip: w.ip(),
    ua: w.ua(),
    device: w.next('dev', 7),
    card: w.next('card'),
    rate: () => 0,
    quality: 1,
    ...o,
  };
  w.advocates.push(a);
  return a;
}

/** Days before the end of the as-of day, plus an hour offset. */
const ago = (w: World, days: number, hours = 10) => w.end - days * DAY + hours * HOUR;

/**
 * The fraud planted in the window (self-referrals, a ring of shared devices and cards, coupon
 * leakage, refund after reward, disposable emails, velocity, friends already referred or already
 * customers, implausibly fast conversions, similar emails) and the look-alikes that are not fraud
 * (office colleagues, a family sharing a surname, a repeat customer, a lapsed customer).
 */
export function plantPatterns(
  w: World,
  dealhub: Advocate,
): { planted: Record<string, Planted>; lookAlikes: Record<string, LookAlike> } {
  const ids = (xs: { ref: Referral }[]) => xs.map((x) => x.ref.id);
  const p: Record<string, Planted> = {};

  // Self-referral: the friend's account is the advocate's own customer account.
  p.self_referral_customer_id = {
    rule: 'self-referral-customer-id',
    band: 'reject',
    referrals: ids(
      [0, 1, 2].map((k) => {
        const a = advocate(w, { name: `Sam Selfie${k}` });
        return plant(w, a, ago(w, 20 - k), { referral: { friend: a.customer } });
      }),
    ),
  };
  // Self-referral: the same Gmail mailbox written with dots, a +tag or googlemail.com.
  const variants = [
    'j.o.r.d.a.n.miles+ref@gmail.com',
    'JordanMiles@googlemail.com',
    'jordanmiles+2@gmail.com',
    'jor.danmiles@gmail.com',
  ];
  const jordan = advocate(w, { name: 'Jordan Miles', email: 'jordan.miles@gmail.com' });
  p.self_referral_email = {
    rule: 'self-referral-email',
    band: 'reject',
    referrals: ids(
      variants.map((email, k) =>
        plant(w, jordan, ago(w, 18 - 2 * k), { referral: { email, name: `Alex Other${k}` } }),
      ),
    ),
  };
  // A ring: two advocates and six friends sharing two devices and two cards; paid, then gone.
  const r1 = advocate(w, { name: 'Vic Ring', device: 'dev-ring-1', card: 'card-ring-1' });
  const r2 = advocate(w, { name: 'Val Ring', device: 'dev-ring-2', card: 'card-ring-2' });
  const ring = [0, 1, 2, 3, 4, 5].map((k) => {
    const adv = k < 3 ? r1 : r2;
    const device = k < 3 ? 'dev-ring-1' : 'dev-ring-2';
    const card = k % 2 === 0 ? 'card-ring-1' : 'card-ring-2';
    return plant(w, adv, ago(w, 26 - k), {
      click: { device },
      referral: { device, card },
      orderAfter: 6 * HOUR,
      amount: 19,
    });
  });
  p.ring = { rule: 'ring', band: 'reject', referrals: ids(ring) };
  p.shared_device_and_card = { rule: 'shared-device', band: 'reject', referrals: ids(ring) };
  // Coupon leakage: the dealhub partner's code posted on coupon sites.
  const coupon = Array.from({ length: 12 }, (_, k) => {
    const site =
      k % 3 === 0 ? 'https://slickdeals.net/f/1234-acme' : 'https://www.retailmenot.com/view/acme.example';
    return plant(w, dealhub, ago(w, 28 - 2 * k, 14), {
      click: { referrer: site },
      order: { referrer: site, coupon: dealhub.code },
      amount: 80,
      reward: 12,
    });
  });
  p.coupon_leakage = { rule: 'coupon-leakage', band: 'review', referrals: ids(coupon) };
  // Refund after the reward was paid (7 days after the order): refunded 2 to 5 days later.
  const refund = Array.from({ length: 8 }, (_, k) => {
    const a = advocate(w, { name: `Rae Refund${k}` });
    const at = ago(w, 27 - k);
    return plant(w, a, at, { order: { refundedAt: at + (9 + (k % 4)) * DAY }, amount: 140 });
  });
  p.refund_after_reward = { rule: 'refund-after-reward', band: 'review', referrals: ids(refund) };
  // Disposable email domains.
  const throwaway = [
    'qq7@mailinator.com',
    'tmp.user@yopmail.com',
    'x1@guerrillamail.com',
    'abc@10minutemail.com',
    'z@inbox.mailinator.com',
  ];
  p.disposable_email = {
    rule: 'disposable-email',
    band: 'review',
    referrals: ids(
      throwaway.map((email, k) =>
        plant(w, advocate(w, { name: `Dee Dispose${k}` }), ago(w, 15 - k), { referral: { email } }),
      ),
    ),
  };
  // Velocity: fourteen friends of one advocate bought on the same day.
  const fast = advocate(w, { name: 'Vera Velocity' });
  p.velocity = {
    rule: 'velocity',
    band: 'review',
    referrals: ids(
      Array.from({ length: 14 }, (_, k) =>
        plant(w, fast, ago(w, 9, 8) + k * 20 * 60_000, { orderAfter: HOUR }),
      ),
    ),
  };
  // The same friend claimed by a second advocate two days later.
  const again = [0, 1, 2, 3].map((k) => {
    const first = plant(w, advocate(w, { name: `Fay First${k}` }), ago(w, 24 - k));
    return plant(w, advocate(w, { name: `Sid Second${k}` }), ago(w, 22 - k), {
      referral: { friend: first.ref.friend, email: first.ref.email, name: first.ref.name },
      orderAfter: null,
    });
  });
  p.friend_already_referred = { rule: 'friend-already-referred', band: 'reject', referrals: ids(again) };
  // Friends who were already customers (ordered 40 to 90 days before).
  const existing = [40, 65, 90].map((days, k) => {
    const a = advocate(w, { name: `Cal Customer${k}` });
    const at = ago(w, 12 - k);
    const res = plant(w, a, at);
    w.order(res.ref.friend, at - days * DAY, 75);
    return res;
  });
  p.friend_already_customer = { rule: 'friend-already-customer', band: 'reject', referrals: ids(existing) };
  // Implausibly fast: bought 8 to 20 seconds after clicking.
  p.fast_conversion = {
    rule: 'fast-conversion',
    band: 'review',
    referrals: ids(
      [8, 12, 20].map((s, k) => {
        const at = ago(w, 6 - k);
        return plant(w, advocate(w, { name: `Flo Fast${k}` }), at, {
          click: { at: at - 5_000 },
          orderAfter: s * 1000 - 5_000,
        });
      }),
    ),
  };
  // Similar mailbox local parts.
  const similar = advocate(w, { name: 'Chris Nolan', email: 'cnolan.design@outlook.com' });
  p.similar_email = {
    rule: 'similar-email',
    band: 'review',
    referrals: ids(
      ['cnolan.designs@outlook.com', 'cnolan.design1@yahoo.com'].map((email, k) =>
        plant(w, similar, ago(w, 11 - k), { referral: { email, name: `Robin Vale${k}` } }),
      ),
    ),
  };
  return { planted: p, lookAlikes: lookAlikes(w) };
}

/** Genuine referrals that share something with fraud: none of them may be banded reject. */
function lookAlikes(w: World): Record<string, LookAlike> {
  const out: Record<string, LookAlike> = {};
  // Office colleagues: one office IP, different devices and browsers, the company's email domain; they keep buying.
  const office = '198.51.100.20';
  const maria = advocate(w, {
    name: 'Maria Chen',
    email: 'maria.chen@northwind-logistics.example',
    ip: office,
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0',
    region: 'EMEA',
  });
  const colleagues = ['tom.baker', 'ines.alvarez', 'raj.patel', 'lena.fischer'].map((local, k) => {
    const res = plant(w, maria, w.end - (25 - 3 * k) * DAY + 10 * HOUR, {
      click: {
        ip: office,
        ua: [
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Safari/605.1',
          'Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0',
          'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edge/130.0',
          'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1) Mobile/15E148',
        ][k],
      },
      referral: {
        email: `${local}@northwind-logistics.example`,
        name: local
          .split('.')
          .map((s) => s[0].toUpperCase() + s.slice(1))
          .join(' '),
      },
      amount: 220,
    });
    // bought again after the reward
    w.order(res.ref.friend, res.ref.at + (9 + k) * DAY, 180);
    w.order(res.ref.friend, res.ref.at + (12 + k) * DAY, 95);
    return res.ref.id;
  });
  out.office_colleagues = {
    referrals: colleagues,
    note: 'same office IP, different devices and user agents, company email domain; bought again after the reward (shared-ip may fire: approve)',
  };
  // A family sharing a surname and the home IP, each on their own device and browser.
  const home = '203.0.113.77';
  const ana = advocate(w, {
    name: 'Ana Lopez',
    email: 'ana.lopez.home@gmail.com',
    ip: home,
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Safari/605.1',
  });
  const family = [
    [
      'Diego Lopez',
      'diego.lopez88@outlook.com',
      'Mozilla/5.0 (Linux; Android 15; Pixel 9) Chrome/130.0 Mobile',
    ],
    ['Lucia Lopez', 'lucia.l@yahoo.com', 'Mozilla/5.0 (iPad; CPU OS 17_7) Mobile/15E148'],
  ].map(
    ([name, email, ua], k) =>
      plant(w, ana, w.end - (19 - 4 * k) * DAY + 20 * HOUR, {
        click: { ip: home, ua },
        referral: { name, email },
      }).ref.id,
  );
  out.family_same_surname = {
    referrals: family,
    note: 'same surname and home IP, different first names, devices and browsers (shared-ip may fire: approve)',
  };
  // A genuine repeat customer referred once: four orders after the referral.
  const rep = plant(w, advocate(w, { name: 'Ria Repeat' }), w.end - 28 * DAY, { amount: 55 });
  for (const d of [5, 11, 17, 23]) w.order(rep.ref.friend, rep.ref.at + d * DAY, 60);
  out.repeat_customer = { referrals: [rep.ref.id], note: 'one referral, then four repeat orders (approve)' };
  // A lapsed customer (last order 500 days before) won back by a referral.
  const lapsed = plant(w, advocate(w, { name: 'Wyn Back' }), w.end - 14 * DAY);
  w.order(lapsed.ref.friend, lapsed.ref.at - 500 * DAY, 90);
  out.lapsed_customer = {
    referrals: [lapsed.ref.id],
    note: 'ordered 500 days before the referral: friend-win-back may fire (review at most)',
  };
  return out;
}
