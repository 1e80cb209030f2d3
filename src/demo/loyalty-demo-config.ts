import type { DemoPart, DemoPartOptions, DemoPartSettings } from './demo-part.ts';
import { DAY, type DemoOrder } from './loyalty-demo-members.ts';
import type { World } from './loyalty-demo-plants.ts';
import { DEMO_TIERS } from './loyalty-demo-tiers.ts';

interface Inputs {
  opts: DemoPartOptions;
  usage: string;
  w: World;
  csv: (header: string[], rows: unknown[][]) => string;
  iso: (ms: number) => string;
  ledgerRows: unknown[][];
  guests: { customer: string; o: DemoOrder }[];
  experiments: { rows: unknown[][]; assignments: unknown[][] };
  newOrderId: () => string;
  truth: Record<string, unknown>;
}

const SCORES = [0.04, 0.06, 0.15, 0.4, 0.35];
const GUEST_SCORES = [0.08, 0.1, 0.22, 0.35, 0.25];

/** CSAT: about one order in ten gets a response two days later (guests answer less, and less happily). */
function csatRows(i: Inputs): unknown[][] {
  const { rng, asOf } = i.w;
  const rows: unknown[][] = [];
  let n = 0;
  const add = (customer: string, at: number, weights: number[], p: number) => {
    if (at + 2 * DAY >= asOf || !rng.chance(p)) return;
    const score = rng.weighted(weights.map((wt, k) => [k + 1, wt] as const));
    rows.push([
      `R${String(++n).padStart(6, '0')}`,
      customer,
      i.iso(at + 2 * DAY),
      score,
      rng.pick(['order', 'support', 'app']),
    ]);
  };
  for (const m of i.w.members) for (const o of m.orders) add(m.id, o.at, SCORES, 0.1);
  for (const g of i.guests) add(g.customer, g.o.at, GUEST_SCORES, 0.05);
  return rows;
}

function orderRows(i: Inputs): unknown[][] {
  const rows: unknown[][] = [];
  for (const m of i.w.members)
    for (const o of m.orders)
      rows.push([o.id, m.id, 'Y', o.amount.toFixed(2), o.currency, i.iso(o.at), o.channel, o.rewardId ?? '']);
  for (const g of i.guests)
    rows.push([g.o.id, g.customer, 'N', g.o.amount.toFixed(2), g.o.currency, i.iso(g.o.at), g.o.channel, '']);
  rows.sort((a, b) => String(a[5]).localeCompare(String(b[5])));
  // planted reject: an amount nobody can read
  rows.push([i.newOrderId(), i.w.members[0].id, 'Y', 'n/a', 'USD', i.iso(i.w.asOf - 3 * DAY), 'web', '']);
  return rows;
}

function roles(asOf: number): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return `    member_insights_analyst:
      people: [{ name: Ines Duarte, email: ines@example.com }]
    loyalty_strategist:
      people: [{ name: Kenji Mori, email: kenji@example.com }]
    loyalty_crm_manager:
      people: [{ name: Rosa Lind, email: rosa@example.com, unavailable: [{ from: ${day(asOf - 10 * DAY)}, to: ${day(asOf + 20 * DAY)}, reason: parental leave }] }]
      fallback: member_insights_analyst
    loyalty_finance:
      people: [{ name: Paul Meyer, email: paul@example.com }]
`;
}

const SOURCES = `  - name: loyalty_members
    entity: members
    kind: file
    path: data/loyalty/members.csv
    mapping: { member_id: member_id, enrolled_at: enrolled_at, tier: tier, tier_since: tier_since, previous_tier: previous_tier,
               region: region, channel: signup_channel }
  - name: loyalty_ledger
    entity: ledger
    kind: file
    path: data/loyalty/points_ledger.csv
    mapping: { entry_id: entry_id, member_id: member_id, occurred_at: ts, type: event_type, points: points, order_id: order_ref,
               reward_id: reward_ref, expires_at: expires_on }
  - name: loyalty_orders
    entity: orders
    kind: file
    path: data/loyalty/orders.csv
    mapping: { order_id: order_id, customer_id: customer_id, is_member: member, amount: total, currency: currency,
               ordered_at: created_at, channel: channel, reward_id: reward_code }
  - name: loyalty_rewards
    entity: rewards
    kind: file
    path: data/loyalty/rewards_catalog.csv
    mapping: { reward_id: reward_id, name: name, points: points_price, cost: unit_cost, currency: currency, face_value: face_value }
  - name: loyalty_tier_rules
    entity: tier_rules
    kind: file
    path: data/loyalty/tier_rules.csv
    mapping: { tier: tier, rank: rank, qualify: min_spend, retain: retain_spend, measure: measure, qualification_months: period_months,
               qualification_period: period, downgrade_policy: downgrade }
  - name: loyalty_csat
    entity: csat_responses
    kind: file
    path: data/loyalty/csat.csv
    mapping: { response_id: response_id, customer_id: customer_id, responded_at: submitted_at, score: score, touchpoint: touchpoint }
  - name: loyalty_experiments
    entity: experiments
    kind: file
    path: data/loyalty/experiments.csv
  - name: loyalty_assignments
    entity: assignments
    kind: file
    path: data/loyalty/assignments.csv
    mapping: { experiment_id: experiment_id, unit_id: member_id, variant: variant, assigned_at: assigned_at }
`;

const FILES = [
  'members.csv',
  'points_ledger.csv',
  'orders.csv',
  'rewards_catalog.csv',
  'tier_rules.csv',
  'csat.csv',
  'experiments.csv',
  'assignments.csv',
];

/** The gtm.yaml parts and the files of the loyalty demo (`usage`: its usage line). */
export function loyaltyDemoSettings(opts: DemoPartOptions, usage: string): DemoPartSettings {
  return {
    name: 'loyalty',
    paths: FILES.map((f) => `data/loyalty/${f}`),
    sources: SOURCES,
    roles: roles(Date.parse(`${opts.asOf}T00:00:00Z`) + DAY),
    escalation: '  monitor-loyalty: [member_insights_analyst, loyalty_strategist, exec_sponsor]\n',
    thresholds: '  loyalty_active_member_rate: 0.25\n  loyalty_liability_spike: 0.1\n',
    config: `
# monitor-loyalty: programme settings (value of a point, expiry, models, segments, plays and owners).
#   gtm run '${usage}'
loyalty:
  program: Rewards Club
  value_per_point: 0.01
  points_expire_months: 12
  experiments: { holdout_variants: [holdout, control], margin_rate: 0.35 }
`,
    usage,
  };
}

/** The files, gtm.yaml parts and truth of the loyalty demo. */
export function loyaltyDemoConfig(i: Inputs): DemoPart {
  const { csv, iso } = i;
  const ledger = [...i.ledgerRows];
  // planted: three rows exported twice (deduplicated) and one of an unknown type (rejected)
  for (const k of [10, 500, 5000]) ledger.push([...(ledger[k] as unknown[])]);
  ledger.push(['E99999999', i.w.members[1].id, iso(i.w.asOf - 2 * DAY), 'bonus', 100, '', '', '']);
  const orders = orderRows(i);
  const member = (m: World['members'][number]) => [
    m.id,
    iso(m.enrolledAt),
    m.tier,
    iso(m.tierSince ?? m.enrolledAt),
    m.previousTier ?? '',
    m.region,
    m.channel,
  ];
  return {
    ...loyaltyDemoSettings(i.opts, i.usage),
    files: [
      {
        path: 'data/loyalty/members.csv',
        content: csv(
          ['member_id', 'enrolled_at', 'tier', 'tier_since', 'previous_tier', 'region', 'signup_channel'],
          i.w.members.map(member),
        ),
      },
      {
        path: 'data/loyalty/points_ledger.csv',
        content: csv(
          ['entry_id', 'member_id', 'ts', 'event_type', 'points', 'order_ref', 'reward_ref', 'expires_on'],
          ledger,
        ),
      },
      {
        path: 'data/loyalty/orders.csv',
        content: csv(
          ['order_id', 'customer_id', 'member', 'total', 'currency', 'created_at', 'channel', 'reward_code'],
          orders,
        ),
      },
      {
        path: 'data/loyalty/rewards_catalog.csv',
        content: csv(
          ['reward_id', 'name', 'points_price', 'unit_cost', 'currency', 'face_value'],
          [
            ['R-POINTS', 'Pay with points (per point)', 1, 0.008, 'USD', 0.01],
            ['R-SHIP', 'Free shipping', 300, 2.1, 'USD', 3],
            ['R-V5', '$5 voucher', 500, 3.9, 'USD', 5],
            ['R-V25', '$25 voucher', 2500, 17.5, 'USD', 25],
          ],
        ),
      },
      {
        path: 'data/loyalty/tier_rules.csv',
        content: csv(
          ['tier', 'rank', 'min_spend', 'retain_spend', 'measure', 'period_months', 'period', 'downgrade'],
          DEMO_TIERS.map((t, k) => [
            t.tier,
            k,
            t.qualify,
            t.retain,
            'spend',
            12,
            'calendar',
            'end_of_period',
          ]),
        ),
      },
      {
        path: 'data/loyalty/csat.csv',
        content: csv(['response_id', 'customer_id', 'submitted_at', 'score', 'touchpoint'], csatRows(i)),
      },
      {
        path: 'data/loyalty/experiments.csv',
        content: csv(
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
            'initiative',
          ],
          i.experiments.rows,
        ),
      },
      {
        path: 'data/loyalty/assignments.csv',
        content: csv(['experiment_id', 'member_id', 'variant', 'assigned_at'], i.experiments.assignments),
      },
    ],
    truth: {
      ...i.truth,
      rejects: [
        {
          source: 'loyalty_ledger',
          file: 'data/loyalty/points_ledger.csv',
          row: ledger.length + 1,
          reason: 'type',
        },
        {
          source: 'loyalty_orders',
          file: 'data/loyalty/orders.csv',
          row: orders.length + 1,
          reason: 'amount',
        },
      ],
      duplicates: { loyalty_ledger: 3 },
    },
  };
}
