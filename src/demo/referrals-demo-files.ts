import { DAY, type World } from './referrals-demo-world.ts';
import { isoSeconds } from './time-text.ts';

const iso = isoSeconds;
const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",;\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: string[], rows: unknown[][]) =>
  [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';

/** The demo's CSV files, the rows of each, and the planted rejects and duplicates. */
export interface ReferralsDemoFiles {
  files: { path: string; content: string }[];
  rows: Record<string, number>;
  /** Planted rejects: file, physical line (header = line 1), the column at fault. */
  rejects: { source: string; file: string; row: number; reason: string }[];
  /** Rows repeated verbatim (exported twice), which must be deduplicated. */
  duplicates: Record<string, number>;
}

/**
 * Writes the world as the exports a referral platform, a store and a survey tool would produce.
 * Planted in them: one click with an unreadable timestamp (rejected, cited by file and line) and
 * three clicks exported twice (deduplicated).
 */
export function referralsDemoFiles(w: World): ReferralsDemoFiles {
  const dir = 'data/referrals';
  const clickRows = w.clicks
    .sort((a, b) => a.at - b.at)
    .map((c) => [
      c.id,
      c.code,
      c.share?.id ?? '',
      c.channel ?? '',
      c.ip,
      c.ua,
      c.device,
      c.cookie,
      c.referrer ?? '',
      iso(c.at),
    ]);
  const dupes = [10, 200, 3000].filter((i) => i < clickRows.length).map((i) => clickRows[i]);
  clickRows.push(...dupes);
  const badLine = clickRows.length + 2;
  clickRows.push([
    'clk-broken-1',
    w.advocates[0].code,
    '',
    'email',
    '10.0.0.1',
    'curl/8',
    'dev-x',
    'ck-x',
    '',
    'yesterday-ish',
  ]);
  const tables: Record<string, [string[], unknown[][]]> = {
    'advocates.csv': [
      [
        'advocate_id',
        'customer_id',
        'referral_code',
        'kind',
        'name',
        'email',
        'tier',
        'region',
        'persona',
        'joined_at',
        'ip',
        'user_agent',
        'device_id',
        'payment_fingerprint',
      ],
      w.advocates.map((a) => [
        a.id,
        a.customer,
        a.code,
        a.kind,
        a.name,
        a.email,
        a.tier,
        a.region,
        a.persona,
        iso(a.joined),
        a.ip,
        a.ua,
        a.device,
        a.card,
      ]),
    ],
    'shares.csv': [
      ['share_id', 'advocate_id', 'channel', 'shared_at', 'recipients'],
      w.shares.sort((a, b) => a.at - b.at).map((s) => [s.id, s.adv.id, s.channel, iso(s.at), s.recipients]),
    ],
    'clicks.csv': [
      ['id', 'code', 'share_id', 'channel', 'ip', 'ua', 'device_id', 'cookie_id', 'referrer', 'ts'],
      clickRows,
    ],
    'signups.csv': [
      [
        'referral_id',
        'advocate_id',
        'referral_code',
        'friend_id',
        'email',
        'name',
        'ip',
        'user_agent',
        'device_id',
        'cookie_id',
        'payment_fingerprint',
        'click_id',
        'signed_up_at',
      ],
      w.referrals
        .sort((a, b) => a.at - b.at)
        .map((r, i) => [
          r.id,
          i % 4 === 0 ? '' : r.adv.id,
          r.adv.code,
          r.friend,
          r.email,
          r.name,
          r.ip,
          r.ua,
          r.device,
          r.cookie,
          r.card,
          r.click?.id ?? '',
          iso(r.at),
        ]),
    ],
    'orders.csv': [
      [
        'order_id',
        'customer_id',
        'amount',
        'currency',
        'stage',
        'ordered_at',
        'refunded_at',
        'referrer',
        'coupon_code',
      ],
      w.orders
        .sort((a, b) => a.at - b.at)
        .map((o) => [
          o.id,
          o.customer,
          o.amount.toFixed(2),
          o.currency,
          o.stage,
          iso(o.at),
          o.refundedAt === null ? '' : iso(o.refundedAt),
          o.referrer ?? '',
          o.coupon ?? '',
        ]),
    ],
    'payouts.csv': [
      [
        'payout_id',
        'advocate_id',
        'referral_id',
        'kind',
        'amount',
        'currency',
        'status',
        'created_at',
        'paid_at',
      ],
      w.payouts.map((p) => [
        p.id,
        p.adv.id,
        p.referral ?? '',
        p.kind,
        p.amount.toFixed(2),
        'USD',
        p.status,
        iso(p.created),
        p.paid === null ? '' : iso(p.paid),
      ]),
    ],
    'nps.csv': [
      ['response_id', 'respondent_id', 'score', 'responded_at'],
      w.nps.map((n) => [n.id, n.who, n.score, iso(n.at)]),
    ],
    'experiments.csv': [
      [
        'experiment_id',
        'name',
        'variant',
        'weight',
        'is_control',
        'start_at',
        'end_at',
        'primary_metric',
        'guardrail_metrics',
        'method',
        'status',
        'subject',
      ],
      [
        [
          'ref-double-sided',
          'Double-sided reward',
          'one-sided',
          50,
          'true',
          iso(w.end - 60 * DAY),
          '',
          'referred_conversions',
          'fraud_rate;cost_per_referred_customer',
          'frequentist',
          'running',
          'incentive',
        ],
        [
          'ref-double-sided',
          'Double-sided reward',
          'double-sided',
          50,
          'false',
          iso(w.end - 60 * DAY),
          '',
          'referred_conversions',
          'fraud_rate;cost_per_referred_customer',
          'frequentist',
          'running',
          'incentive',
        ],
      ],
    ],
    'assignments.csv': [
      ['experiment_id', 'unit_id', 'variant', 'assigned_at'],
      w.assignments.map((a) => [a.experiment, a.unit, a.variant, iso(a.at)]),
    ],
  };
  const files = Object.entries(tables).map(([name, [header, rows]]) => ({
    path: `${dir}/${name}`,
    content: csv(header, rows),
  }));
  return {
    files,
    rows: Object.fromEntries(Object.entries(tables).map(([name, [, rows]]) => [name, rows.length])),
    rejects: [{ source: 'referral_clicks', file: `${dir}/clicks.csv`, row: badLine, reason: 'clicked_at' }],
    duplicates: { referral_clicks: dupes.length },
  };
}
