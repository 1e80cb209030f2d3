import type { DemoPart, DemoPartOptions, DemoPartSettings } from './demo-part.ts';
import { referralsDemoFiles } from './referrals-demo-files.ts';
import { plantPatterns } from './referrals-demo-plants.ts';
import { createRng } from './rng.ts';
import { DAY, World, type Advocate, type Referral } from './referrals-demo-world.ts';

/**
 * The demo data of `optimize-referrals`: the "Acme referral program" (2,000 customer advocates and
 * 8 partners of known quality, 200 days of shares, clicks, sign-ups, orders, payouts and NPS), an
 * incentive test (`ref-double-sided`, planted lift +50% on conversion), a leak (the SMS landing page
 * converts at a quarter of its rate over the last 28 days), and in the last 30 days planted fraud
 * (self-referrals, a ring of shared devices and cards, coupon leakage, refund after reward,
 * disposable emails, velocity, friends already referred or already customers, fast conversions,
 * similar emails) next to look-alikes that are not fraud (office colleagues, a family, a repeat
 * customer, a lapsed customer). Seeded from `opts.seed`; every time is relative to `opts.asOf`.
 */
export function referralsDemo(opts: DemoPartOptions): DemoPart | null {
  const w = new World(createRng((opts.seed * 7919 + 101) >>> 0), Date.parse(`${opts.asOf}T00:00:00Z`) + DAY);
  const partners = partnerAdvocates(w);
  customerAdvocates(w, 2000);
  // 28 of the window's 30 days: the window's sms sign-up rate is ~70% below the previous window's
  // (-47% to -83% over seeds 1-60), a breakage by any seed; from 21 days back it was -52% on
  // average and under the backlog's 40% breakage line in 5 of 60 seeds (-17% at worst)
  const leak = { channel: 'sms', from: w.end - 28 * DAY, factor: 0.25 };
  const experiment = { id: 'ref-double-sided', at: w.end - 60 * DAY, lift: 0.5 };
  assign(w, experiment);
  const variantOf = new Map(w.assignments.map((a) => [a.unit, a.variant]));
  for (const adv of [...w.advocates])
    for (const r of w.organicShares(adv, leak))
      convert(
        w,
        r,
        variantOf.get(adv.id) === 'double-sided' && r.at >= experiment.at ? 1 + experiment.lift : 1,
        variantOf.get(adv.id),
      );
  newCustomers(w);
  const { planted, lookAlikes } = plantPatterns(w, partners.dealhub);
  npsAnswers(w, partners);
  const files = referralsDemoFiles(w);
  return {
    ...referralsDemoSettings(opts),
    files: files.files,
    truth: {
      usage: USAGE,
      rows: files.rows,
      rejects: files.rejects,
      duplicates: files.duplicates,
      planted,
      look_alikes: lookAlikes,
      partners: { grow: ['p-apex'], 'needs-review': ['p-dealhub'], 'needs-enablement': ['p-quietly'] },
      experiment: {
        id: experiment.id,
        control: 'one-sided',
        treatment: 'double-sided',
        conversion_lift: experiment.lift,
        assigned_at: new Date(experiment.at).toISOString(),
      },
      leak: {
        dimension: 'channel',
        value: leak.channel,
        stage: 'signup',
        factor: leak.factor,
        since: new Date(leak.from).toISOString(),
      },
    },
  };
}

export const USAGE =
  '/referral-program-orchestration:optimize-referrals --window 30d --detail full --dimensions "channel,partner-tier"';

/**
 * Partners of known quality: shares per 30 days over the history (t from 0 to 1) and friend quality
 * (multiplies the 30% chance that a friend buys). Apex's 3 (90%) keeps its conversion per click at
 * least 1.4 × the median partner's in the window over seeds 1-60; at 2 its 30-odd sign-ups a window
 * left it under the `grow` line (1.2 ×) in 11 of 60 seeds, as low as 0.86 ×.
 */
function partnerAdvocates(w: World): Record<string, Advocate> {
  const spec: [string, string, string, (t: number) => number, number][] = [
    ['p-apex', 'Apex Growth Partners', 'platinum', (t) => (t < 0.75 ? 45 : 45 + 300 * (t - 0.75)), 3],
    ['p-orbit', 'Orbit Media', 'platinum', () => 65, 1],
    ['p-brightpath', 'Brightpath Consulting', 'gold', () => 60, 1],
    ['p-northstar', 'Northstar Reviews', 'gold', () => 55, 1],
    ['p-cedar', 'Cedar & Co', 'gold', () => 45, 0.9],
    ['p-lumen', 'Lumen Creators', 'silver', () => 45, 0.9],
    ['p-dealhub', 'DealHub Network', 'silver', () => 40, 0.8],
    ['p-quietly', 'Quietly Digital', 'silver', (t) => (t < 0.6 ? 45 : Math.max(1, 45 - 140 * (t - 0.6))), 1],
  ];
  const out: Record<string, Advocate> = {};
  for (const [id, name, tier, rate, quality] of spec) {
    const a: Advocate = {
      id,
      customer: `cust-${id}`,
      code: id.toUpperCase(),
      kind: 'partner',
      name,
      email: `partners@${id.slice(2)}.example`,
      tier,
      region: w.rng.pick(['NA', 'EMEA', 'APAC']),
      persona: 'Partner',
      joined: w.start - 200 * DAY,
      ip: w.ip(),
      ua: w.ua(),
      device: w.next('dev', 7),
      card: w.next('card'),
      rate,
      quality,
    };
    w.advocates.push(a);
    out[id.slice(2)] = a;
  }
  return out;
}

const FIRST = [
  'ana',
  'ben',
  'chen',
  'dara',
  'eli',
  'fatima',
  'gus',
  'hana',
  'ivan',
  'jo',
  'kai',
  'lena',
  'mo',
  'nia',
  'omar',
  'pia',
  'raj',
  'sofia',
  'tom',
  'uma',
];
const LAST = [
  'ng',
  'silva',
  'okafor',
  'berg',
  'kim',
  'rossi',
  'novak',
  'garcia',
  'smith',
  'tanaka',
  'dubois',
  'meyer',
  'haddad',
  'walsh',
];

function customerAdvocates(w: World, n: number): void {
  const r = w.rng;
  for (let i = 0; i < n; i++) {
    const f = r.pick(FIRST);
    const l = r.pick(LAST);
    const activity = r.logNormal(Math.log(0.35), 1);
    w.advocates.push({
      id: w.next('adv', 5),
      customer: w.next('cust-a'),
      code: w.next('CODE', 5),
      kind: 'customer',
      name: `${f[0].toUpperCase()}${f.slice(1)} ${l[0].toUpperCase()}${l.slice(1)}`,
      email: `${f}.${l}${i}@${r.pick(['gmail.com', 'outlook.com', 'icloud.com', 'yahoo.com'])}`,
      tier: 'customer',
      region: r.weighted([
        ['NA', 45],
        ['EMEA', 30],
        ['APAC', 18],
        ['LATAM', 7],
      ] as const),
      persona: r.weighted([
        ['Developer', 35],
        ['Team Lead', 25],
        ['Founder', 15],
        ['Ops Manager', 25],
      ] as const),
      joined: w.end - r.int(1, 420) * DAY,
      ip: w.ip(),
      ua: w.ua(),
      device: w.next('dev', 7),
      card: w.next('card'),
      rate: () => activity,
      quality: 1,
    });
  }
}

/** The incentive test: customer advocates who joined before it, split evenly. */
function assign(w: World, e: { id: string; at: number }): void {
  for (const a of w.advocates)
    if (a.kind === 'customer' && a.joined < e.at)
      w.assignments.push({
        experiment: e.id,
        unit: a.id,
        variant: w.rng.chance(0.5) ? 'double-sided' : 'one-sided',
        at: e.at,
      });
}

/** A referral's conversion (if any): partners' friends open an opportunity first; some buy again; a few refund early. */
function convert(w: World, ref: Referral, factor: number, variant: string | undefined): void {
  const r = w.rng;
  if (!r.chance(Math.min(0.95, 0.3 * ref.adv.quality * factor))) return;
  const at = ref.at + Math.floor(r.logNormal(Math.log(1.5 * DAY), 0.9));
  if (at >= w.end) return;
  const partner = ref.adv.kind === 'partner';
  const eur = ref.adv.region === 'EMEA' && r.chance(0.4);
  const usd = partner ? r.logNormal(Math.log(900), 0.5) : r.logNormal(Math.log(85), 0.5);
  const amount = eur ? usd / 1.08 : usd;
  if (partner)
    w.order(ref.friend, ref.at + Math.floor(DAY / 2), amount, {
      stage: 'opportunity',
      currency: eur ? 'EUR' : 'USD',
    });
  const refunded = r.chance(0.03) ? at + r.int(1, 3) * DAY : null;
  const order = w.order(ref.friend, at, amount, {
    stage: partner ? 'won' : 'purchase',
    currency: eur ? 'EUR' : 'USD',
    refundedAt: refunded,
  });
  const double = variant === 'double-sided';
  w.rewardConversion(
    ref,
    order,
    partner ? Math.round(0.08 * usd) : double ? 15 : 25,
    partner ? 0 : double ? 15 : 10,
  );
  if (!partner && r.chance(0.06)) becomeAdvocate(w, ref, at);
  if (r.chance(0.4))
    for (let k = r.int(1, 3), t = at; k > 0; k--) {
      t += r.int(10, 40) * DAY;
      if (t < w.end) w.order(ref.friend, t, r.logNormal(Math.log(70), 0.5));
    }
}

/** A referred customer who joins the program after buying and shares their own link (friends turned advocates). */
function becomeAdvocate(w: World, ref: Referral, boughtAt: number): void {
  const joined = boughtAt + w.rng.int(1, 5) * DAY;
  if (joined >= w.end) return;
  const a: Advocate = {
    ...ref.adv,
    id: w.next('adv', 5),
    customer: ref.friend,
    code: w.next('CODE', 5),
    name: ref.name,
    email: ref.email,
    joined,
    ip: ref.ip,
    ua: ref.ua,
    device: ref.device,
    card: ref.card,
    rate: () => 0,
  };
  w.advocates.push(a);
  const at = joined + w.rng.int(0, 3) * DAY;
  if (at < w.end) w.shares.push({ id: w.next('shr', 7), adv: a, channel: 'whatsapp', at, recipients: 2 });
}

/** Customers who came from anywhere else: their first orders make the share of new customers. */
function newCustomers(w: World): void {
  const r = w.rng;
  for (let t = w.start; t < w.end; t += DAY)
    for (let k = 0; k < 25; k++) {
      const id = w.next('cust-n');
      const at = t + r.int(0, DAY - 1);
      w.order(id, at, r.logNormal(Math.log(80), 0.6));
      if (r.chance(0.3) && at + 20 * DAY < w.end)
        w.order(id, at + r.int(20, 60) * DAY, r.logNormal(Math.log(70), 0.5));
    }
}

function npsAnswers(w: World, partners: Record<string, Advocate>): void {
  const r = w.rng;
  const scores: Record<string, number[]> = {
    apex: [9, 10, 10, 9],
    dealhub: [3, 5, 6, 4],
    quietly: [6, 7, 5],
  };
  for (const [key, a] of Object.entries(partners))
    for (const s of scores[key] ?? [8, 9, 7])
      w.nps.push({ id: w.next('nps'), who: a.id, score: s, at: w.end - r.int(1, 80) * DAY });
  for (const a of w.advocates.filter((x) => x.kind === 'customer' && r.chance(0.2)))
    w.nps.push({
      id: w.next('nps'),
      who: a.id,
      score: Math.min(10, Math.max(0, Math.round(8 + 2 * r.normal()))),
      at: w.end - r.int(1, 85) * DAY,
    });
}

/** The gtm.yaml parts and the files of the referrals demo. */
export function referralsDemoSettings(opts: DemoPartOptions): DemoPartSettings {
  return {
    name: 'referrals',
    paths: [
      'advocates.csv',
      'shares.csv',
      'clicks.csv',
      'signups.csv',
      'orders.csv',
      'payouts.csv',
      'nps.csv',
      'experiments.csv',
      'assignments.csv',
    ].map((f) => `data/referrals/${f}`),
    sources: SOURCES,
    roles: roles(opts.asOf),
    escalation: '  optimize-referrals: [referral_architect, partner_ops, exec_sponsor]\n',
    thresholds: '  referral_conversion_rate: 0.2\n  referral_fraud_reject_share: 0.01\n',
    config: CONFIG,
    usage: USAGE,
  };
}

function roles(asOf: string): string {
  const day = (d: number) => new Date(Date.parse(`${asOf}T00:00:00Z`) + d * DAY).toISOString().slice(0, 10);
  return `    referral_architect:
      people: [{ name: Nadia Petrov, email: nadia@example.com }]
    partner_ops:
      people: [{ name: Jonas Weber, email: jonas@example.com }, { name: Aiko Sato, email: aiko@example.com }]
    referral_growth_marketer:
      people: [{ name: Amara Okoye, email: amara@example.com, unavailable: [{ from: ${day(-3)}, to: ${day(6)}, reason: conference }] }]
      fallback: referral_architect
    referral_fraud_analyst:
      people: [{ name: Luis Moreno, email: luis@example.com, unavailable: [{ from: ${day(10)}, to: ${day(16)}, reason: leave }] }]
      fallback: referral_architect
`;
}

const SOURCES = `  - name: referral_advocates
    entity: advocates
    kind: file
    path: data/referrals/advocates.csv
  - name: referral_shares
    entity: shares
    kind: file
    path: data/referrals/shares.csv
  - name: referral_clicks
    entity: clicks
    kind: file
    path: data/referrals/clicks.csv
    mapping: { click_id: id, referral_code: code, clicked_at: ts, user_agent: ua }
  - name: referral_signups
    entity: referrals
    kind: file
    path: data/referrals/signups.csv
  - name: orders
    entity: conversions
    kind: file
    path: data/referrals/orders.csv
    mapping: { conversion_id: order_id, converted_at: ordered_at }
  - name: referral_payouts
    entity: payouts
    kind: file
    path: data/referrals/payouts.csv
  - name: nps_survey
    entity: nps_responses
    kind: file
    path: data/referrals/nps.csv
  - name: referral_experiments
    entity: experiments
    kind: file
    path: data/referrals/experiments.csv
  - name: referral_assignments
    entity: assignments
    kind: file
    path: data/referrals/assignments.csv
`;

const CONFIG = `referrals:
  program: Acme referral program
  revenue_stages: [purchase, won]
  lost_stages: [lost]
  backlog:
    capacity: { partner_ops: 1.5 }
`;
