import { generateSamplePayloads } from '../analyses/instrumentation/payload-generator.ts';
import { draftPlan, useCaseRequirements } from '../analyses/instrumentation/requirements.ts';
import type { ViolationType } from '../analyses/instrumentation/validation-report.ts';
import type { DemoPartOptions } from './demo-part.ts';
import { createRng } from './rng.ts';
import { isoSeconds } from './time-text.ts';

/**
 * Generates the "AI Launch Tour" demo: a joint campaign of two partners (Nimbus Cloud, Quantia Data)
 * with people, accounts, touchpoints from four systems that overlap (our CRM, our web analytics,
 * each partner's export), opportunities in USD/EUR/GBP with stage history, and planted ground truth.
 * Everything is relative to `asOf`, so the verbatim usage line (window 30d) has data whenever it runs.
 */
export interface DemoOptions {
  seed: number;
  /** YYYY-MM-DD */
  asOf: string;
  accounts?: number;
}

export interface DemoTruth {
  seed: number;
  as_of: string;
  campaign: { start: string; end: string };
  people: number;
  accounts: number;
  /** duplicates planted per source: rows that must be deduplicated */
  duplicates: {
    touchpoints_cross_source: number;
    touchpoints_double_fired: number;
    opportunities_cross_source: number;
  };
  /**
   * planted rejects: the file (relative to the workspace), its physical line (a CSV header is line
   * 1), the column at fault, and how many rows its source has (the planted one included)
   */
  rejects: { source: string; file: string; row: number; reason: string; source_rows: number }[];
  /** true lift used to generate opportunities, by touch kind */
  lift: Record<string, number>;
  registrations: { before_creation: Record<string, number>; after_creation: number };
  opportunities: { total: number; campaign_tagged_without_touches: number };
  /** sha256 of the gtm.yaml written, so a later `gtm demo` can tell whether it was edited. */
  config_sha256?: string;
  /** Planted truth of the monitoring commands' parts of the demo, by part name. */
  parts?: Record<string, Record<string, unknown>>;
  /** Captured product/CRM event payloads for define-events, with violations planted per type. */
  events: { messages: number; planted: Partial<Record<ViolationType, number>> };
}

export interface DemoFiles {
  files: { path: string; content: string }[];
  truth: DemoTruth;
}

/** The truth of track-source's own data: all of `DemoTruth` but the captured events' and the parts'. */
export type CoreTruth = Omit<DemoTruth, 'events' | 'parts' | 'config_sha256'>;

/** The track-source demo's own files (without the captured event payloads) and their truth. */
export interface CoreFiles {
  files: { path: string; content: string }[];
  truth: CoreTruth;
}

export const DAY = 86_400_000;
const iso = isoSeconds;
export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const usDate = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
};
const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",;\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: string[], rows: unknown[][], sep = ',') =>
  [header.map(csvCell).join(sep), ...rows.map((r) => r.map(csvCell).join(sep))].join('\n') + '\n';

type Kind = {
  key: string;
  weight: number;
  lift: number;
  source: string[];
  medium: string[];
  touch: string;
  partner: 'nimbus' | 'quantia' | null;
  asset: string | null;
  /** where it is recorded */
  systems: ('web' | 'crm' | 'nimbus' | 'quantia')[];
};

const KINDS: Kind[] = [
  {
    key: 'nimbus_webinar',
    weight: 8,
    lift: 3.0,
    source: ['nimbus'],
    medium: ['webinar'],
    touch: 'webinar_attended',
    partner: 'nimbus',
    asset: 'ailt-keynote-webinar',
    systems: ['crm', 'nimbus'],
  },
  {
    key: 'nimbus_workshop',
    weight: 3,
    lift: 2.6,
    source: ['nimbus'],
    medium: ['event'],
    touch: 'event_attended',
    partner: 'nimbus',
    asset: 'ailt-workshop-nyc',
    systems: ['crm', 'nimbus'],
  },
  {
    key: 'nimbus_email',
    weight: 10,
    lift: 1.0,
    source: ['nimbus-newsletter'],
    medium: ['email', 'Email', 'e-mail'],
    touch: 'email_click',
    partner: 'nimbus',
    asset: 'ailt-case-study',
    systems: ['nimbus', 'web'],
  },
  {
    key: 'quantia_ebook',
    weight: 9,
    lift: 2.0,
    source: ['quantia', 'Quantia'],
    medium: ['co-marketing', 'partner'],
    touch: 'content_download',
    partner: 'quantia',
    asset: 'ailt-ebook',
    systems: ['crm', 'quantia'],
  },
  {
    key: 'quantia_video',
    weight: 7,
    lift: 0.7,
    source: ['youtube', 'yt'],
    medium: ['video'],
    touch: 'video_view',
    partner: 'quantia',
    asset: 'ailt-demo-video',
    systems: ['quantia'],
  },
  {
    key: 'linkedin_ads',
    weight: 14,
    lift: 1.0,
    source: ['linkedin', 'LinkedIn', 'lnkd.in', ' li '],
    medium: ['paid_social', 'cpc', 'Paid-Social'],
    touch: 'ad_click',
    partner: null,
    asset: 'ailt-roi-calculator',
    systems: ['web'],
  },
  {
    key: 'google_ads',
    weight: 12,
    lift: 1.1,
    source: ['google', 'Google', 'adwords'],
    medium: ['cpc', 'ppc'],
    touch: 'ad_click',
    partner: null,
    asset: 'ailt-roi-calculator',
    systems: ['web'],
  },
  {
    key: 'display',
    weight: 10,
    lift: 0.25,
    source: ['programmatic', 'dv360'],
    medium: ['display', 'banner'],
    touch: 'ad_click',
    partner: null,
    asset: null,
    systems: ['web'],
  },
  {
    key: 'organic_search',
    weight: 12,
    lift: 0.8,
    source: ['google', 'bing'],
    medium: ['organic'],
    touch: 'page_view',
    partner: null,
    asset: 'ailt-blog-series',
    systems: ['web'],
  },
  {
    key: 'own_email',
    weight: 10,
    lift: 0.6,
    source: ['marketo', 'newsletter'],
    medium: ['email', 'E-mail', 'e_mail'],
    touch: 'email_click',
    partner: null,
    asset: 'ailt-case-study',
    systems: ['web'],
  },
  {
    key: 'direct',
    weight: 8,
    lift: 0.4,
    source: ['(direct)', ''],
    medium: ['(none)', ''],
    touch: 'page_view',
    partner: null,
    asset: null,
    systems: ['web'],
  },
];

const REGIONS = [
  ['NA', 45],
  ['EMEA', 30],
  ['APAC', 18],
  ['LATAM', 7],
] as const;
const SEGMENTS = [
  ['Enterprise', 20],
  ['Mid-Market', 35],
  ['SMB', 45],
] as const;
const PERSONAS = [
  ['Engineering Leader', 25],
  ['Data Scientist', 25],
  ['IT Operations', 20],
  ['Executive', 10],
  ['Procurement', 8],
  ['Developer', 12],
] as const;
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
  'vik',
  'wen',
  'yusuf',
  'zoe',
];
const LAST = [
  'ng',
  'silva',
  'okafor',
  'berg',
  'kim',
  'rossi',
  'patel',
  'novak',
  'garcia',
  'smith',
  'tanaka',
  'dubois',
  'meyer',
  'haddad',
  'lopez',
  'walsh',
];
const WORDS = [
  'apex',
  'blue',
  'cedar',
  'delta',
  'ember',
  'fjord',
  'granite',
  'harbor',
  'iris',
  'juniper',
  'krypton',
  'lumen',
  'maple',
  'nova',
  'orbit',
  'pine',
  'quartz',
  'river',
  'summit',
  'tidal',
];
const STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
];
const RATES: Record<string, number[]> = { EUR: [1.08, 1.09, 1.07, 1.1], GBP: [1.27, 1.26, 1.29, 1.28] };

/** The campaign's first and last day and the currency rates in gtm.yaml, from the as-of day. */
export function campaignDates(asOfDay: string) {
  const start = Date.parse(`${asOfDay}T00:00:00Z`) - 75 * DAY;
  const end = Date.parse(`${asOfDay}T00:00:00Z`) + 15 * DAY;
  const rates = Object.entries(RATES).flatMap(([cur, rs]) =>
    rs.map((r, m) => ({
      currency: cur,
      from: isoDate(start + m * 30 * DAY - (m === 0 ? 400 * DAY : 0)),
      rate: r,
    })),
  );
  return { start, end, rates };
}

/**
 * The data of the track-source demo (CRM, web analytics, both partners' exports) and its truth:
 * everything but gtm.yaml, the captured event payloads (`demoEventPayloads`), the parts' data and
 * data/_truth.json.
 */
export function trackSourceDemo(opts: DemoOptions): CoreFiles {
  const rng = createRng(opts.seed);
  const asOf = Date.parse(`${opts.asOf}T00:00:00Z`) + DAY - 1000; // end of the as-of day
  const { start, end } = campaignDates(opts.asOf);
  const nAccounts = opts.accounts ?? 3000;

  // Accounts and people
  const accounts = Array.from({ length: nAccounts }, (_, i) => ({
    id: `ACC-${String(10001 + i)}`,
    domain: `${rng.pick(WORDS)}${rng.pick(WORDS)}${i}.example`,
    region: rng.weighted(REGIONS),
    segment: rng.weighted(SEGMENTS),
    people: [] as string[],
  }));
  const people: { email: string; account: (typeof accounts)[number]; persona: string; created: number }[] =
    [];
  for (const a of accounts) {
    const n = 2 + Math.floor(rng.next() * 8);
    for (let k = 0; k < n; k++) {
      const email = `${rng.pick(FIRST)}.${rng.pick(LAST)}${k}@${a.domain}`;
      people.push({
        email,
        account: a,
        persona: rng.weighted(PERSONAS),
        created: start - rng.int(1, 400) * DAY,
      });
      a.people.push(email);
    }
  }
  const personByEmail = new Map(people.map((p) => [p.email, p]));

  // Touches of engaged accounts, and opportunity creation driven by the planted lift
  type Touch = { kind: Kind; email: string; account: string; at: number; source: string; medium: string };
  const touches: Touch[] = [];
  type Opp = {
    id: string;
    account: (typeof accounts)[number];
    created: number;
    tagged: boolean;
    lift: number;
    partners: Set<string>;
  };
  const opps: Opp[] = [];
  let oppSeq = 100001;
  const engaged = accounts.filter(() => rng.chance(0.5));
  for (const a of engaged) {
    const nTouches = 1 + Math.floor(rng.logNormal(1.3, 0.7));
    const list: Touch[] = [];
    for (let k = 0; k < nTouches; k++) {
      const kind = rng.weighted(KINDS.map((x) => [x, x.weight] as const));
      list.push({
        kind,
        email: rng.pick(a.people),
        account: a.id,
        at: start + Math.floor(rng.next() * (asOf - start)),
        source: rng.pick(kind.source),
        medium: rng.pick(kind.medium),
      });
    }
    list.sort((x, y) => x.at - y.at);
    touches.push(...list);
    let score = 0;
    const partners = new Set<string>();
    for (const t of list) {
      score += t.kind.lift;
      if (t.kind.partner) partners.add(t.kind.partner);
      const hazard = 1 - Math.exp(-0.07 * t.kind.lift);
      if (rng.chance(hazard)) {
        const created = t.at + Math.floor((0.5 + rng.next() * 6) * DAY);
        if (created <= asOf)
          opps.push({
            id: `OPP-${oppSeq++}`,
            account: a,
            created,
            tagged: rng.chance(0.7),
            lift: score,
            partners: new Set(partners),
          });
        break;
      }
    }
  }
  // Campaign-tagged opportunities with no campaign touch at all: the unattributed share
  let taggedWithout = 0;
  const engagedSet = new Set(engaged);
  for (const a of accounts) {
    if (engagedSet.has(a) || !rng.chance(0.012)) continue;
    opps.push({
      id: `OPP-${oppSeq++}`,
      account: a,
      created: start + Math.floor(rng.next() * (asOf - start)),
      tagged: true,
      lift: 0,
      partners: new Set(),
    });
    taggedWithout++;
  }
  // Opportunities outside the campaign (other sources of pipeline) for realism
  for (const a of accounts) {
    if (!rng.chance(0.03)) continue;
    opps.push({
      id: `OPP-${oppSeq++}`,
      account: a,
      created: start + Math.floor(rng.next() * (asOf - start)),
      tagged: false,
      lift: 0,
      partners: new Set(),
    });
  }
  opps.sort((x, y) => x.created - y.created || x.id.localeCompare(y.id));

  // Deal registrations (partner-sourced), a few after creation (which must not count as sourced)
  const registrations: { partner: string; email: string; at: number; opp: Opp }[] = [];
  const regBefore: Record<string, number> = { nimbus: 0, quantia: 0 };
  const registered = new Set<Opp>();
  let regAfter = 0;
  for (const o of opps) {
    for (const p of ['nimbus', 'quantia']) {
      if (!o.partners.has(p) || !rng.chance(p === 'nimbus' ? 0.25 : 0.15)) continue;
      if (registered.has(o)) continue;
      const after = rng.chance(0.1);
      const at = after ? o.created + rng.int(1, 4) * DAY : o.created - rng.int(1, 5) * DAY;
      if (at > asOf) continue;
      registrations.push({ partner: p, email: rng.pick(o.account.people), at, opp: o });
      registered.add(o);
      if (after) regAfter++;
      else regBefore[p]++;
    }
  }

  // Opportunity amounts, currencies, stages and history
  const rateAt = (cur: string, ms: number) => {
    if (cur === 'USD') return 1;
    const month = Math.min(3, Math.max(0, Math.floor((ms - start) / (30 * DAY))));
    return RATES[cur][month];
  };
  const oppRows: unknown[][] = [];
  const historyRows: unknown[][] = [];
  const oppFacts = new Map<
    string,
    { amount: number; currency: string; stage: string; closed: number | null }
  >();
  for (const o of opps) {
    const seg = o.account.segment;
    const usd =
      Math.round(rng.logNormal(seg === 'Enterprise' ? 11.4 : seg === 'Mid-Market' ? 10.4 : 9.3, 0.5) / 100) *
      100;
    const currency =
      o.account.region === 'EMEA'
        ? rng.weighted([
            ['EUR', 70],
            ['GBP', 20],
            ['USD', 10],
          ] as const)
        : 'USD';
    const amount = Math.round((usd / rateAt(currency, o.created)) * 100) / 100;
    const ageDays = (asOf - o.created) / DAY;
    let t = o.created;
    let stageIdx = 0;
    historyRows.push([o.id, STAGES[0], iso(t)]);
    let stage = STAGES[0];
    let closed: number | null = null;
    while (true) {
      const step = rng.int(2, 7) * DAY;
      if (t + step > asOf || (t + step - o.created) / DAY > ageDays) break;
      t += step;
      const winP = Math.min(0.85, 0.3 + 0.06 * o.lift);
      if (stageIdx < STAGES.length - 1 && rng.chance(0.7)) {
        stageIdx++;
        stage = STAGES[stageIdx];
      } else if (stageIdx >= 2) {
        stage = rng.chance(winP) ? 'Closed Won' : 'Closed Lost';
        closed = t;
      } else if (rng.chance(0.25)) {
        stage = 'Closed Lost';
        closed = t;
      } else continue;
      historyRows.push([o.id, stage, iso(t)]);
      if (closed) break;
    }
    const campaign = o.tagged ? 'AI Launch Tour' : rng.pick(['Q3 Webinar Series', 'Website', 'Outbound', '']);
    oppFacts.set(o.id, { amount, currency, stage, closed });
    oppRows.push([
      o.id,
      o.account.id,
      `${o.account.domain} — ${rng.pick(WORDS)} expansion`,
      iso(o.created),
      closed ? isoDate(closed) : isoDate(o.created + 60 * DAY),
      stage,
      amount.toFixed(2),
      currency,
      campaign,
      o.account.region,
      o.account.segment,
    ]);
  }
  // Planted reject: an opportunity in a currency with no rate
  const chfRow = oppRows.length + 1;
  oppRows.push([
    `OPP-${oppSeq++}`,
    accounts[0].id,
    'zurich pilot',
    iso(asOf - 10 * DAY),
    isoDate(asOf + 30 * DAY),
    'Prospecting',
    '25000.00',
    'CHF',
    'AI Launch Tour',
    'EMEA',
    'Mid-Market',
  ]);

  // Our CRM touches (campaign members), the partners' exports, our web analytics
  const crmTouchRows: unknown[][] = [];
  const nimbusRows: unknown[][] = [];
  const quantiaRows: unknown[][] = [];
  const webLines: string[] = [];
  let crossDupes = 0;
  let doubleFired = 0;
  let eventSeq = 1;
  const utmCampaign = () =>
    rng.weighted([
      ['ai-launch-tour', 80],
      ['AI-Launch-Tour', 10],
      ['ailt-2026', 10],
    ] as const);
  for (const t of touches) {
    const person = personByEmail.get(t.email)!;
    const k = t.kind;
    const inCrm = k.systems.includes('crm');
    if (inCrm)
      crmTouchRows.push([
        t.email,
        k.touch,
        iso(t.at),
        'ai-launch-tour',
        k.asset,
        k.partner ?? '',
        t.source,
        t.medium,
      ]);
    if (k.systems.includes('nimbus')) {
      const shift = inCrm ? rng.int(-90, 90) * 1000 : 0;
      const activity = k.touch
        .split('_')
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join(' ');
      nimbusRows.push([
        t.email.toUpperCase().startsWith('Z') ? t.email.toUpperCase() : t.email,
        activity,
        iso(t.at + shift),
        'AI Launch Tour',
        k.asset,
        t.source,
        t.medium,
        person.account.region,
      ]);
      // the same touch also reaches our CRM (webinars, workshops) or our web analytics (email clicks)
      if (inCrm || k.systems.includes('web')) crossDupes++;
    }
    if (k.systems.includes('quantia')) {
      const shift = inCrm ? rng.int(-60, 60) * 1000 : 0;
      quantiaRows.push([
        t.email,
        k.touch.replace('_', ' '),
        usDate(t.at + shift),
        'ai-launch-tour',
        t.source,
        t.medium,
        k.asset,
        'Quantia Data Inc.',
      ]);
      // The US date format has minute precision, so shifted copies land within the dedupe tolerance.
      if (inCrm) crossDupes++;
    }
    if (k.systems.includes('web')) {
      const ev = {
        event_id: `ev-${eventSeq++}`,
        timestamp: iso(t.at),
        user_id: t.email,
        account_id: rng.chance(0.6) ? t.account : null,
        utm_source: t.source,
        utm_medium: t.medium,
        utm_campaign: utmCampaign(),
        utm_content: k.asset,
        event: k.touch,
        geo_region: person.account.region,
      };
      webLines.push(JSON.stringify(ev));
      if (rng.chance(0.01)) {
        webLines.push(JSON.stringify(ev)); // the tag fired twice
        doubleFired++;
      }
    }
  }
  for (const r of registrations)
    nimbusRows.push(
      ...(r.partner === 'nimbus'
        ? [
            [
              r.email,
              'Deal Registration',
              iso(r.at),
              'AI Launch Tour',
              '',
              'nimbus',
              'partner',
              r.opp.account.region,
            ],
          ]
        : []),
    );
  for (const r of registrations)
    if (r.partner === 'quantia')
      quantiaRows.push([
        r.email,
        'deal registration',
        usDate(r.at),
        'ai-launch-tour',
        'quantia',
        'partner',
        '',
        'Quantia',
      ]);
  // Unrelated web traffic (other campaigns), which the campaign filter must leave out
  for (let i = 0; i < nAccounts * 3; i++) {
    const p = rng.pick(people);
    const at = start + Math.floor(rng.next() * (asOf - start));
    webLines.push(
      JSON.stringify({
        event_id: `ev-${eventSeq++}`,
        timestamp: iso(at),
        user_id: p.email,
        account_id: p.account.id,
        utm_source: rng.pick(['google', 'bing', '(direct)', 'linkedin']),
        utm_medium: rng.pick(['organic', 'cpc', '(none)', 'paid_social']),
        utm_campaign: rng.pick(['brand', 'spring-promo', 'always-on', '']),
        utm_content: null,
        event: 'page_view',
        geo_region: p.account.region,
      }),
    );
  }
  // Planted reject: a web event whose timestamp cannot be parsed
  const badWebLine = webLines.length + 1;
  webLines.push(
    JSON.stringify({
      event_id: `ev-${eventSeq++}`,
      timestamp: 'not-a-date',
      user_id: people[1].email,
      account_id: null,
      utm_source: 'google',
      utm_medium: 'cpc',
      utm_campaign: 'ai-launch-tour',
      utm_content: null,
      event: 'ad_click',
      geo_region: 'NA',
    }),
  );

  // Quantia shares co-sell deals: copies of our opportunities (ours must win the dedupe)
  const coSell: unknown[][] = [];
  for (const o of opps) {
    if (!o.partners.has('quantia') || !rng.chance(0.4)) continue;
    const f = oppFacts.get(o.id)!;
    coSell.push([
      o.id,
      o.account.id,
      usDate(o.created),
      f.stage.replace('Closed ', ''),
      (f.amount * 0.98).toFixed(0),
      f.currency,
    ]);
  }

  const peopleRows = people.map((p) => [
    p.email,
    p.account.id,
    iso(p.created),
    p.persona,
    p.account.region,
    p.account.segment,
  ]);
  const webHalf = Math.floor(webLines.length / 2);
  const truth: CoreTruth = {
    seed: opts.seed,
    as_of: opts.asOf,
    campaign: { start: isoDate(start), end: isoDate(end) },
    people: people.length,
    accounts: accounts.length,
    duplicates: {
      touchpoints_cross_source: crossDupes,
      touchpoints_double_fired: doubleFired,
      opportunities_cross_source: coSell.length,
    },
    rejects: [
      // the web events are split in two files below; the bad line is the last, so it is in the second
      {
        source: 'web_analytics',
        file: 'data/web/events-2.ndjson',
        row: badWebLine - webHalf,
        reason: 'occurred_at',
        source_rows: webLines.length,
      },
      // data row chfRow is line chfRow + 1 of the CSV, after its header
      {
        source: 'crm_opportunities',
        file: 'data/crm/opportunities.csv',
        row: chfRow + 1,
        reason: 'currency',
        source_rows: oppRows.length,
      },
    ],
    lift: Object.fromEntries(KINDS.map((k) => [k.key, k.lift])),
    registrations: { before_creation: regBefore, after_creation: regAfter },
    opportunities: { total: oppRows.length, campaign_tagged_without_touches: taggedWithout },
  };

  return {
    truth,
    files: [
      {
        path: 'data/crm/opportunities.csv',
        content: csv(
          [
            'Id',
            'AccountId',
            'Name',
            'CreatedDate',
            'CloseDate',
            'StageName',
            'Amount',
            'CurrencyIsoCode',
            'Primary_Campaign__c',
            'Region__c',
            'Segment__c',
          ],
          oppRows,
        ),
      },
      {
        path: 'data/crm/opportunity_history.csv',
        content: csv(['OpportunityId', 'StageName', 'CreatedDate'], historyRows),
      },
      {
        path: 'data/crm/contacts.csv',
        content: csv(
          ['Email', 'AccountId', 'CreatedDate', 'Persona__c', 'Region__c', 'Segment__c'],
          peopleRows,
        ),
      },
      {
        path: 'data/crm/campaign_members.csv',
        content: csv(
          ['Email', 'Activity', 'Timestamp', 'Campaign', 'Asset', 'Partner', 'LeadSource', 'Medium'],
          crmTouchRows,
        ),
      },
      { path: 'data/web/events-1.ndjson', content: webLines.slice(0, webHalf).join('\n') + '\n' },
      { path: 'data/web/events-2.ndjson', content: webLines.slice(webHalf).join('\n') + '\n' },
      {
        path: 'data/partners/nimbus/activity_export.csv',
        content: csv(
          [
            'Attendee Email',
            'Activity',
            'Activity Time (UTC)',
            'Campaign',
            'Asset',
            'Source',
            'Medium',
            'Region',
          ],
          nimbusRows,
        ),
      },
      {
        path: 'data/partners/quantia/engagement.csv',
        content: csv(
          [
            'contact',
            'type',
            'when',
            'utm_campaign',
            'utm_source',
            'utm_medium',
            'content_id',
            'partner_name',
          ],
          quantiaRows,
          ';',
        ),
      },
      {
        path: 'data/partners/quantia/co_sell_deals.csv',
        content: csv(['Deal Ref', 'Account', 'Opened', 'Stage', 'Value', 'Currency'], coSell),
      },
    ],
  };
}

/** The path of the captured event payloads, the last file of the track-source demo. */
export const CAPTURED_EVENTS_PATH = 'data/events/captured.ndjson';

/**
 * The captured product/CRM event payloads that define-events validates (the pipeline-velocity
 * tracking plan it drafts for product + CRM sources, 4,000 messages in the week before the as-of
 * day) with a known number of violations of each kind planted, and that truth. Independent of the
 * rest of the track-source demo, so it can be generated after track-source's own data.
 */
export function demoEventPayloads(opts: DemoPartOptions): {
  file: { path: string; content: string };
  events: DemoTruth['events'];
} {
  const asOf = Date.parse(`${opts.asOf}T00:00:00Z`) + DAY - 1000; // end of the as-of day
  const eventPlan = draftPlan(useCaseRequirements(['pipeline velocity'], { sources: ['product', 'crm'] }), {
    name: 'pipeline velocity tracking plan',
    sources: ['product', 'crm'],
  });
  const plant: Partial<Record<ViolationType, number>> = {
    unplanned_event: 14,
    missing_required_property: 9,
    wrong_type: 7,
    additional_property: 6,
    constraint_violation: 5,
    consent_violation: 4,
    pii_detected: 3,
  };
  const payloads = generateSamplePayloads({
    plan: eventPlan,
    seed: opts.seed,
    count: 4000,
    plant,
    startTime: iso(asOf - 7 * DAY),
  });

  return {
    file: {
      path: CAPTURED_EVENTS_PATH,
      content: payloads.messages.map((m) => JSON.stringify(m)).join('\n') + '\n',
    },
    events: {
      messages: payloads.messages.length,
      planted: Object.fromEntries(Object.entries(payloads.planted).filter(([, n]) => n > 0)),
    },
  };
}
