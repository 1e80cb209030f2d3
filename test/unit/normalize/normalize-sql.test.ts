/**
 * The normalization SQL of the entities track-source reads (touchpoints, opportunities), run on an
 * in-memory DuckDB fixture and checked against an independent computation in TypeScript (and, for
 * the key cases, against values written by hand).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES } from '../../../src/data/entities/index.ts';
import { ratesTableSql, type ChannelRuleSpec } from '../../../src/data/normalize/index.ts';
import { openDuckDb, type Engine } from '../../../src/data/index.ts';
import {
  DEFAULT_CHANNEL_RULES,
  DEFAULT_STAGE_MAPPING,
  DEFAULT_UTM_ALIASES,
  type ChannelRule,
} from '../../../src/workspace/index.ts';
import { createRawTable, identity } from './raw-table.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await openDuckDb();
});
afterAll(() => engine.close());

const RATES = [
  { currency: 'EUR', from: '2026-01-01', rate: 1.1 },
  { currency: 'EUR', from: '2026-03-01', rate: 1.2 },
  { currency: 'GBP', from: '2026-02-01', rate: 1.3 },
];

const PARTNER_ALIASES: Record<string, string> = {
  acme: 'acme',
  'acme cloud': 'acme',
  'acme-newsletter': 'acme',
  globex: 'globex',
  'globex inc.': 'globex',
};

const CUSTOM_RULES: ChannelRule[] = [
  { channel: 'partner_webinar', when: { source: ['acme'], medium: ['webinar'] } },
  { channel: 'acme_other', when: { source: ['acme'] } },
  { channel: 'social_ads', when: { source_regex: '^(linkedin|facebook)$', medium_regex: '^(cpc|paid.*)$' } },
  { channel: 'q4_push', when: { campaign_regex: '.*-q4' } },
];

/** The flat context these tests were written against, split into binding and settings. */
interface NormalizeContext {
  source: string;
  priority: number;
  rawTable: string;
  columns: Record<string, string | undefined>;
  defaultPartner?: string;
  defaultCurrency: string;
  partnerAliases: Record<string, string>;
  utmAliases: {
    source: Record<string, string>;
    medium: Record<string, string>;
    campaign: Record<string, string>;
  };
  channelRules: ChannelRuleSpec[];
  channelDefault: string;
  stageMapping: Record<string, string>;
  ratesTable: string;
}

function normalizeSelectSql(entity: string, c: NormalizeContext): string {
  return ENTITIES[entity].select(
    {
      source: c.source,
      entity,
      priority: c.priority,
      rawTable: c.rawTable,
      columns: c.columns,
      defaultPartner: c.defaultPartner,
      defaultCurrency: c.defaultCurrency,
    },
    { reportingCurrency: 'USD', dedupe: {}, ...c },
  );
}

/** The entity's select carries its reasons already. */
const opportunityReasonSql = () => '_reject_reason';

function context(over: Partial<NormalizeContext> = {}): NormalizeContext {
  return {
    source: 'src',
    priority: 3,
    rawTable: 'raw',
    columns: {},
    defaultCurrency: 'USD',
    partnerAliases: PARTNER_ALIASES,
    utmAliases: { ...DEFAULT_UTM_ALIASES, campaign: { 'ai launch tour': 'ai-launch-tour' } },
    channelRules: [...CUSTOM_RULES, ...DEFAULT_CHANNEL_RULES],
    channelDefault: 'unassigned',
    stageMapping: { ...DEFAULT_STAGE_MAPPING, limbo2: 'sql' },
    ratesTable: 'fx_rates',
    ...over,
  };
}

// ---------------------------------------------------------------------------------------------
// Independent reference implementations

/** The rate in force on a date: the latest `from` not after it; the reporting currency is 1. */
function rateOn(currency: string, date: string, reporting = 'USD'): number | null {
  if (currency === reporting) return 1;
  const hits = RATES.filter((r) => r.currency === currency && r.from <= date).sort((a, b) =>
    b.from.localeCompare(a.from),
  );
  return hits[0]?.rate ?? null;
}

const clean = (v: string | null) => {
  const t = v?.trim().toLowerCase();
  return t ? t : null;
};

/** First matching rule wins; lists compare normalized values ('' stands for a missing value); regexes match the whole value. */
function channelOf(
  rules: ChannelRule[],
  t: { source: string | null; medium: string | null; campaign: string | null; touch_type: string | null },
  fallback: string,
): string {
  const inList = (v: string | null, list: string[]) =>
    list.some((x) => (x === '' ? v === null : x.toLowerCase() === v));
  const full = (re: string, v: string | null) => new RegExp(`^(?:${re})$`).test(v ?? '');
  for (const r of rules) {
    const w = r.when;
    if (w.source && !inList(t.source, w.source)) continue;
    if (w.source_regex && !full(w.source_regex, t.source)) continue;
    if (w.medium && !inList(t.medium, w.medium)) continue;
    if (w.medium_regex && !full(w.medium_regex, t.medium)) continue;
    if (w.campaign_regex && !full(w.campaign_regex, t.campaign)) continue;
    if (w.touch_type && !inList(t.touch_type, w.touch_type)) continue;
    return r.channel;
  }
  return fallback;
}

// ---------------------------------------------------------------------------------------------

describe('currency conversion with date-effective rates', () => {
  const cols = ['opportunity_id', 'account_id', 'created_at', 'closed_at', 'stage', 'amount', 'currency'];
  const rows: (string | null)[][] = [
    ['o1', 'a', '2026-02-15T10:00:00Z', '2026-03-05', 'Closed Won', '1000', 'EUR'], // 1.1 at creation, 1.2 at close
    ['o2', 'a', '2026-03-01', null, 'Proposal', '1000', 'eur'], // boundary: the new rate applies from its date
    ['o3', 'a', '2026-02-28T23:59:59Z', null, 'Proposal', '1000', ' EUR '],
    ['o4', 'a', '2026-02-01', null, 'Proposal', '500', 'GBP'],
    ['o5', 'a', '2026-01-15', null, 'Proposal', '500', 'GBP'], // before GBP's first rate → rejected
    ['o6', 'a', '2025-12-31', null, 'Proposal', '500', 'EUR'], // before EUR's first rate → rejected
    ['o7', 'a', '1999-01-01', null, 'Proposal', '700', 'USD'], // reporting currency: 1, always
    ['o8', 'a', '2026-05-01', null, 'Proposal', '700', null], // no currency → the source's currency
    ['o9', 'a', '2026-02-01', null, 'Proposal', '25000', 'CHF'], // unknown currency → rejected with reason
  ];

  let out: Record<
    string,
    {
      currency: string;
      amount: number;
      _rate_created: number | null;
      _rate_closed: number | null;
      _reject_reason: string | null;
    }
  >;
  beforeAll(async () => {
    await createRawTable(engine, 'raw', cols, rows);
    await engine.exec(ratesTableSql('fx_rates', RATES, 'USD'));
    const select = normalizeSelectSql(
      'opportunities',
      context({ columns: identity(cols), defaultCurrency: 'GBP' }),
    );
    const res = await engine.query<{
      opportunity_id: string;
      currency: string;
      amount: number;
      _rate_created: number | null;
      _rate_closed: number | null;
      _reject_reason: string | null;
    }>(
      `SELECT opportunity_id, currency, amount, _rate_created, _rate_closed, ${opportunityReasonSql()} AS _reject_reason FROM (${select}) ORDER BY opportunity_id`,
    );
    out = Object.fromEntries(res.map((r) => [r.opportunity_id, r]));
  });

  it('matches the rate in force on the creation and the close date', () => {
    for (const [id, , created, closed, , , cur] of rows) {
      const currency = (cur?.trim() || 'GBP').toUpperCase();
      expect(out[id!].currency).toBe(currency);
      expect(out[id!]._rate_created, id!).toBe(rateOn(currency, created!.slice(0, 10)));
      expect(out[id!]._rate_closed, id!).toBe(rateOn(currency, (closed ?? created!).slice(0, 10)));
    }
  });

  it('written out: the values a reader would compute by hand', () => {
    expect([out.o1._rate_created, out.o1._rate_closed]).toEqual([1.1, 1.2]);
    expect(out.o2._rate_created).toBe(1.2);
    expect(out.o3._rate_created).toBe(1.1);
    expect(out.o4._rate_created).toBe(1.3);
    expect(out.o7._rate_created).toBe(1);
    expect(out.o8).toMatchObject({ currency: 'GBP', _rate_created: 1.3 });
  });

  it('rejects a currency without a rate on the date, saying which and how to fix it', () => {
    expect(out.o9._reject_reason).toBe(
      'currency: no rate for CHF on 2026-02-01; add it under currency.rates',
    );
    expect(out.o5._reject_reason).toBe(
      'currency: no rate for GBP on 2026-01-15; add it under currency.rates',
    );
    expect(out.o6._reject_reason).toBe(
      'currency: no rate for EUR on 2025-12-31; add it under currency.rates',
    );
    const rejected = Object.values(out).filter((r) => r._reject_reason !== null).length;
    expect(rejected).toBe(3);
  });
});

describe('opportunity values: amounts, timestamps and stage mapping', () => {
  const cols = ['opportunity_id', 'account_id', 'created_at', 'stage', 'amount'];
  const cases: {
    row: (string | null)[];
    stage?: string;
    amount?: number;
    created?: string;
    reason?: string;
  }[] = [
    {
      row: ['s1', 'a', '2026-02-15T10:00:00Z', 'Closed Won', '1,234.50'],
      stage: 'closed_won',
      amount: 1234.5,
      created: '2026-02-15 10:00:00',
    },
    {
      row: ['s2', 'a', '2026-02-15', ' proposal/price QUOTE ', '$2,000'],
      stage: 'proposal',
      amount: 2000,
      created: '2026-02-15 00:00:00',
    },
    {
      row: ['s3', 'a', '02/15/2026 10:30', 'closed-lost', 'USD 300'],
      stage: 'closed_lost',
      amount: 300,
      created: '2026-02-15 10:30:00',
    },
    {
      row: ['s4', 'a', '1771151400', 'Discovery', '99.9'],
      stage: 'opportunity',
      amount: 99.9,
      created: '2026-02-15 10:30:00',
    },
    {
      // a symbol of another currency than the row's (here the source's default, USD) is refused,
      // not read as dollars (e213daf)
      row: ['s4b', 'a', '1771151400', 'Discovery', '€ 99.9'],
      reason:
        "amount: € 99.9 is in €, but the row has no currency and the source's default is USD; fill in the row's currency",
    },
    {
      row: ['s5', 'a', '1771151400000', 'LIMBO2', '1'],
      stage: 'sql',
      amount: 1,
      created: '2026-02-15 10:30:00',
    },
    {
      row: ['s6', 'a', '2026-02-15T10:00:00+02:00', 'won', '5'],
      stage: 'closed_won',
      amount: 5,
      created: '2026-02-15 08:00:00',
    },
    {
      row: ['s7', 'a', '2026-02-15', 'Limbo', '1'],
      reason: 'stage: Limbo is not mapped; add it under funnel.mapping',
    },
    { row: ['s8', 'a', '2026-02-15', 'lead', 'abc'], reason: 'amount: cannot read abc as a number' },
    {
      row: ['s9', 'a', 'yesterday', 'lead', '1'],
      reason: 'created_at: cannot read yesterday as a timestamp',
    },
    { row: ['s10', '  ', '2026-02-15', 'lead', '1'], reason: 'account_id: missing' },
    { row: [null, 'a', '2026-02-15', 'lead', '1'], reason: 'opportunity_id: missing' },
  ];

  it.each(cases.map((c) => [c.row[0] ?? '(no id)', c] as const))('%s', async (_id, c) => {
    await createRawTable(engine, 'raw', cols, [c.row]);
    await engine.exec(ratesTableSql('fx_rates', RATES, 'USD'));
    const select = normalizeSelectSql('opportunities', context({ columns: identity(cols) }));
    const [r] = await engine.query<{
      stage: string | null;
      amount: number | null;
      created: string | null;
      reason: string | null;
    }>(
      `SELECT stage, amount, strftime(created_at, '%Y-%m-%d %H:%M:%S') AS created, ${opportunityReasonSql()} AS reason FROM (${select})`,
    );
    if (c.reason) expect(r.reason).toBe(c.reason);
    else expect(r).toEqual({ stage: c.stage, amount: c.amount, created: c.created, reason: null });
  });
});

describe('touchpoints: UTM aliases, case folding, trimming and channel grouping', () => {
  const cols = ['person_id', 'occurred_at', 'utm_source', 'utm_medium', 'utm_campaign', 'touch_type'];
  // [raw source, raw medium, raw campaign, raw touch type] → expected normalized source, medium, campaign, channel
  const cases: [
    string | null,
    string | null,
    string | null,
    string | null,
    string | null,
    string | null,
    string | null,
    string,
  ][] = [
    [
      ' FB ',
      'Paid-Social',
      'AI Launch Tour',
      'Ad Click',
      'facebook',
      'paid_social',
      'ai-launch-tour',
      'social_ads',
    ],
    ['lnkd.in', 'CPC', ' ai launch tour ', null, 'linkedin', 'cpc', 'ai-launch-tour', 'social_ads'],
    ['linkedin', 'social', null, null, 'linkedin', 'social', null, 'organic_social'],
    ['LinkedInX', 'cpc', null, null, 'linkedinx', 'cpc', null, 'paid_search'], // regexes match whole values only
    ['Acme', 'Webinar', null, null, 'acme', 'webinar', null, 'partner_webinar'], // first match wins over acme_other
    ['acme', 'email', null, null, 'acme', 'email', null, 'acme_other'],
    ['', '', null, null, null, null, null, 'direct'],
    [null, null, null, null, null, null, null, 'direct'],
    ['  ', '(none)', null, null, null, '(none)', null, 'direct'],
    ['(direct)', '(none)', null, null, '(direct)', '(none)', null, 'direct'],
    ['', 'E-Mail', null, null, null, 'email', null, 'email'], // an empty source alone is not direct
    ['Google', 'cpc', 'brand', null, 'google', 'cpc', 'brand', 'paid_search'],
    ['google.com', 'organic', null, null, 'google', 'organic', null, 'organic_search'],
    ['yt', null, null, null, 'youtube', null, null, 'video'],
    ['foo', 'bar', 'promo-q4', null, 'foo', 'bar', 'promo-q4', 'q4_push'],
    ['foo', 'bar', 'promo-q4x', null, 'foo', 'bar', 'promo-q4x', 'unassigned'],
    ['foo', 'bar', null, 'Deal Registration', 'foo', 'bar', null, 'partner'],
    // a partner portal's registration or referral carries no UTMs: partner, not direct
    [null, null, null, 'Deal Registration', null, null, null, 'partner'],
    ['(direct)', '(none)', null, 'partner-referral', '(direct)', '(none)', null, 'partner'],
    ['Newsletter', 'mail', null, null, 'newsletter', 'email', null, 'email'],
  ];

  let got: {
    utm_source: string | null;
    utm_medium: string | null;
    utm_campaign: string | null;
    touch_type: string | null;
    channel: string;
  }[];
  beforeAll(async () => {
    await createRawTable(
      engine,
      'raw',
      cols,
      cases.map(([s, m, c, t], i) => [`p${i}@x.example`, '2026-02-01', s, m, c, t]),
    );
    const select = normalizeSelectSql('touchpoints', context({ columns: identity(cols) }));
    got = await engine.query(
      `SELECT utm_source, utm_medium, utm_campaign, touch_type, channel FROM (${select}) ORDER BY _row`,
    );
  });

  it('normalizes UTMs as written out by hand', () => {
    expect(got.map((g) => [g.utm_source, g.utm_medium, g.utm_campaign])).toEqual(
      cases.map((c) => [c[4], c[5], c[6]]),
    );
  });

  it('groups channels as written out by hand', () => {
    expect(got.map((g) => g.channel)).toEqual(cases.map((c) => c[7]));
  });

  it('agrees with an independent implementation of the aliases and the rules', () => {
    const alias = (m: Record<string, string>, v: string | null) => {
      const c = clean(v);
      return c === null ? null : (m[c] ?? c);
    };
    const ctx = context();
    cases.forEach(([s, m, c, t], i) => {
      const source = alias(ctx.utmAliases.source, s);
      const medium = alias(ctx.utmAliases.medium, m);
      const campaign = alias(ctx.utmAliases.campaign, c);
      const touch_type = clean(t)?.replace(/[\s-]+/g, '_') ?? null;
      expect(got[i]).toEqual({
        utm_source: source,
        utm_medium: medium,
        utm_campaign: campaign,
        touch_type,
        channel: channelOf(ctx.channelRules, { source, medium, campaign, touch_type }, 'unassigned'),
      });
    });
  });

  it('agrees with the independent rules on every combination of a grid of values', async () => {
    const sources = [
      '',
      'google',
      'acme',
      'facebook',
      'linkedin',
      'x',
      'youtube',
      'newsletter',
      '(direct)',
      'partnerco',
      'bing',
    ];
    const media = [
      '',
      'cpc',
      'paid_social',
      'organic',
      'email',
      'webinar',
      'display',
      'referral',
      'partner',
      '(none)',
      'video',
      'social',
    ];
    const types = ['', 'page_view', 'partner_referral'];
    const rows = sources.flatMap((s) => media.flatMap((m) => types.map((t) => [s, m, t])));
    await createRawTable(
      engine,
      'raw',
      cols,
      rows.map(([s, m, t], i) => [`g${i}`, '2026-02-01', s, m, null, t]),
    );
    const ctx = context({ columns: identity(cols) });
    const res = await engine.query<{ channel: string }>(
      `SELECT channel FROM (${normalizeSelectSql('touchpoints', ctx)}) ORDER BY _row`,
    );
    const expected = rows.map(([s, m, t]) =>
      channelOf(
        ctx.channelRules,
        { source: clean(s), medium: clean(m), campaign: null, touch_type: clean(t) },
        'unassigned',
      ),
    );
    expect(res.map((r) => r.channel)).toEqual(expected);
    expect(new Set(expected).size).toBeGreaterThan(8);
  });
});

describe('partner alias resolution: explicit column > utm_source alias > source default', () => {
  const cols = ['person_id', 'occurred_at', 'utm_source', 'partner'];
  const rows: (string | null)[][] = [
    ['p1', '2026-02-01', 'globex', 'Acme Cloud'], // explicit wins over the utm_source alias
    ['p2', '2026-02-01', 'Acme-Newsletter', null], // utm_source alias
    ['p3', '2026-02-01', 'google', ''], // nothing: the source default
    ['p4', '2026-02-01', 'ACME', '  '], // utm_source alias beats the default
    ['p5', '2026-02-01', null, ' GLOBEX INC. '], // explicit alias, trimmed and case-folded
  ];

  it('with a source default', async () => {
    await createRawTable(engine, 'raw', cols, rows);
    const select = normalizeSelectSql(
      'touchpoints',
      context({ columns: identity(cols), defaultPartner: 'Globex Inc.' }),
    );
    const got = await engine.query<{ partner: string | null }>(
      `SELECT partner FROM (${select}) ORDER BY _row`,
    );
    expect(got.map((g) => g.partner)).toEqual(['acme', 'acme', 'globex', 'acme', 'globex']);
  });

  it('without a default: no partner, and an unknown explicit name stays visible', async () => {
    await createRawTable(engine, 'raw', cols, [...rows, ['p6', '2026-02-01', 'google', 'Initech']]);
    const select = normalizeSelectSql('touchpoints', context({ columns: identity(cols) }));
    const got = await engine.query<{ partner: string | null }>(
      `SELECT partner FROM (${select}) ORDER BY _row`,
    );
    expect(got.map((g) => g.partner)).toEqual(['acme', 'acme', null, 'acme', 'globex', 'initech']);
  });
});

describe('touchpoint reject reasons', () => {
  it('names the column and the value', async () => {
    const cols = ['person_id', 'account_id', 'occurred_at'];
    await createRawTable(engine, 'raw', cols, [
      ['p1', null, 'not-a-date'],
      ['p2', null, null],
      [null, ' ', '2026-02-01'],
      ['P3@X.example', null, '2026-02-01'],
    ]);
    const got = await engine.query<{ person_id: string | null; _reject_reason: string | null; _row: number }>(
      `SELECT person_id, _reject_reason, _row FROM (${normalizeSelectSql('touchpoints', context({ columns: identity(cols) }))}) ORDER BY _row`,
    );
    expect(got).toEqual([
      { person_id: 'p1', _reject_reason: 'occurred_at: cannot read not-a-date as a timestamp', _row: 2 },
      { person_id: 'p2', _reject_reason: 'occurred_at: missing', _row: 3 },
      { person_id: null, _reject_reason: 'person_id and account_id: both missing', _row: 4 },
      { person_id: 'p3@x.example', _reject_reason: null, _row: 5 },
    ]);
  });
});
