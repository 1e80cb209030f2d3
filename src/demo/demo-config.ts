/**
 * The demo workspace's gtm.yaml (the track-source demo's settings, then each monitoring part's) and
 * the whole demo in memory.
 */
import { SCHEMA_PATH } from '../workspace/index.ts';
import type { DemoPartOptions, DemoPartSettings } from './demo-part.ts';
import { demoParts, demoPartSettings } from './demo-parts.ts';
import {
  campaignDates,
  demoEventPayloads,
  isoDate,
  trackSourceDemo,
  type DemoFiles,
  type CoreTruth,
  type DemoOptions,
  type DemoTruth,
} from './generate-demo.ts';

/** The demo's `thresholds.max_reject_rate` when its sources are large enough. */
export const DEMO_MAX_REJECT_RATE = 0.005;

/**
 * The demo's `thresholds.max_reject_rate` and the line that says why: 0.5 %, or, when a planted bad
 * row is a larger share of its source (one row in a small demo's few opportunities: 1 of 3 at
 * `--accounts 10`), that share rounded up to 0.1 %, so the demo's own run does not stop on the rows
 * it planted to show how rejects are reported.
 */
export function demoRejectLimit(rejects: CoreTruth['rejects'] = []): { limit: number; note: string } {
  const bySource = new Map<string, { bad: number; rows: number }>();
  for (const r of rejects) {
    const s = bySource.get(r.source) ?? { bad: 0, rows: r.source_rows };
    s.bad += 1;
    bySource.set(r.source, s);
  }
  let worst: { source: string; bad: number; rows: number; rate: number } | null = null;
  for (const [source, s] of bySource) {
    const rate = s.rows > 0 ? s.bad / s.rows : 0;
    if (!worst || rate > worst.rate) worst = { source, ...s, rate };
  }
  if (!worst || worst.rate <= DEMO_MAX_REJECT_RATE) return { limit: DEMO_MAX_REJECT_RATE, note: '' };
  const up = Math.ceil(worst.rate * 1000) / 1000;
  const bad = worst.bad === 1 ? '1 planted bad row' : `${worst.bad} planted bad rows`;
  return {
    limit: Number((up < worst.rate ? up + 0.001 : up).toFixed(3)),
    note: ` # ${DEMO_MAX_REJECT_RATE} in a larger demo: here ${bad} of ${worst.rows} in ${worst.source} ${worst.bad === 1 ? 'is' : 'are'} ${(worst.rate * 100).toFixed(1)}%`,
  };
}

/**
 * The workspace's gtm.yaml: the track-source demo's settings, then each part's. `rejects` (the
 * track-source demo's planted rows) sets `thresholds.max_reject_rate` (see `demoRejectLimit`).
 */
export function demoConfigYaml(opts: DemoPartOptions, rejects?: CoreTruth['rejects']): string {
  const { start, end, rates } = campaignDates(opts.asOf);
  return demoConfig(isoDate(start), isoDate(end), rates, demoPartSettings(opts), demoRejectLimit(rejects));
}

/**
 * The whole demo workspace in memory: gtm.yaml, the parts' files, the track-source demo's files and
 * `data/_truth.json` (without `config_sha256`, which `writeDemo` adds).
 */
export function generateDemo(opts: DemoOptions): DemoFiles {
  const core = trackSourceDemo(opts);
  const events = demoEventPayloads(opts);
  const parts = demoParts({ seed: opts.seed, asOf: opts.asOf });
  const truth: DemoTruth = { ...core.truth, events: events.events };
  if (parts.length) truth.parts = Object.fromEntries(parts.map((p) => [p.name, p.truth]));
  return {
    truth,
    files: [
      { path: 'gtm.yaml', content: demoConfigYaml(opts, core.truth.rejects) },
      ...parts.flatMap((p) => p.files),
      ...core.files,
      events.file,
      { path: 'data/_truth.json', content: JSON.stringify(truth, null, 2) + '\n' },
    ],
  };
}

function demoConfig(
  start: string,
  end: string,
  rates: { currency: string; from: string; rate: number }[],
  parts: DemoPartSettings[] = [],
  rejects: { limit: number; note: string } = { limit: DEMO_MAX_REJECT_RATE, note: '' },
): string {
  const join = (pick: (p: DemoPartSettings) => string) =>
    parts
      .map(pick)
      .filter((x) => x.trim())
      .map((x) => `${x.replace(/\n+$/, '')}\n`)
      .join('');
  return `# yaml-language-server: $schema=${SCHEMA_PATH}
# gtm demo workspace: the "AI Launch Tour" joint campaign of Nimbus Cloud and Quantia Data.
# Run inside this folder:
#   gtm run '/partner-co-marketing-orchestration:track-source --campaign "AI Launch Tour" --window 30d --detail full'
version: 1

sources:
  - name: crm_opportunities
    entity: opportunities
    kind: file
    path: data/crm/opportunities.csv
    priority: 1
    mapping: { opportunity_id: Id, account_id: AccountId, created_at: CreatedDate, closed_at: CloseDate, stage: StageName,
               amount: Amount, currency: CurrencyIsoCode, campaign: Primary_Campaign__c, region: Region__c, segment: Segment__c }
  - name: quantia_co_sell
    entity: opportunities
    kind: file
    path: data/partners/quantia/co_sell_deals.csv
    priority: 20
    partner: quantia
    mapping: { opportunity_id: Deal Ref, account_id: Account, created_at: Opened, stage: Stage, amount: Value, currency: Currency }
  - name: crm_stage_history
    entity: stage_history
    kind: file
    path: data/crm/opportunity_history.csv
    mapping: { opportunity_id: OpportunityId, stage: StageName, changed_at: CreatedDate }
  - name: crm_contacts
    entity: people
    kind: file
    path: data/crm/contacts.csv
    mapping: { person_id: Email, account_id: AccountId, created_at: CreatedDate, persona: Persona__c, region: Region__c, segment: Segment__c }
  - name: crm_campaign_members
    entity: touchpoints
    kind: file
    path: data/crm/campaign_members.csv
    priority: 1
    mapping: { person_id: Email, touch_type: Activity, occurred_at: Timestamp, utm_campaign: Campaign, asset: Asset,
               partner: Partner, utm_source: LeadSource, utm_medium: Medium }
  - name: web_analytics
    entity: touchpoints
    kind: file
    path: data/web/*.ndjson
    priority: 2
    mapping: { touch_id: event_id, occurred_at: timestamp, person_id: user_id, account_id: account_id, utm_source: utm_source,
               utm_medium: utm_medium, utm_campaign: utm_campaign, asset: utm_content, touch_type: event, region: geo_region }
  - name: nimbus_activity
    entity: touchpoints
    kind: file
    path: data/partners/nimbus/activity_export.csv
    partner: nimbus
    priority: 5
    mapping: { person_id: Attendee Email, touch_type: Activity, occurred_at: Activity Time (UTC), utm_campaign: Campaign,
               asset: Asset, utm_source: Source, utm_medium: Medium, region: Region }
  - name: quantia_engagement
    entity: touchpoints
    kind: file
    path: data/partners/quantia/engagement.csv
    delimiter: ";"
    partner: quantia
    priority: 5
    mapping: { person_id: contact, touch_type: type, occurred_at: when, utm_campaign: utm_campaign, utm_source: utm_source,
               utm_medium: utm_medium, asset: content_id, partner: partner_name }
${join((p) => p.sources)}
currency:
  reporting: USD
  rates:
${rates.map((r) => `    - { currency: ${r.currency}, from: ${r.from}, rate: ${r.rate} }`).join('\n')}

funnel:
  stages: [lead, mql, sql, opportunity, proposal, negotiation, closed_won]
  mapping: { "Won": closed_won, "Lost": closed_lost }

utm:
  aliases:
    campaign: { "ai launch tour": ai-launch-tour, "ailt-2026": ai-launch-tour }

partners:
  - { id: nimbus, name: Nimbus Cloud, tier: platinum, aliases: [nimbus-cloud, "Nimbus Cloud Inc.", nimbus-newsletter] }
  - { id: quantia, name: Quantia Data, tier: gold, aliases: [quantia.io, "Quantia Data Inc."] }

campaigns:
  - id: ai-launch-tour
    name: AI Launch Tour
    partners: [nimbus, quantia]
    start: ${start}
    end: ${end}
    utm_campaigns: [ai-launch-tour]
    lookback_days: 90
    assets:
      - { id: ailt-keynote-webinar, name: "Keynote webinar: AI in production", type: webinar, partner: nimbus }
      - { id: ailt-workshop-nyc, name: "Hands-on workshop, New York", type: event, partner: nimbus }
      - { id: ailt-case-study, name: "Case study: Nimbus + us", type: content, partner: nimbus }
      - { id: ailt-ebook, name: "E-book: The AI data stack", type: content, partner: quantia }
      - { id: ailt-demo-video, name: "Demo video", type: video, partner: quantia }
      - { id: ailt-roi-calculator, name: "ROI calculator", type: tool }
      - { id: ailt-blog-series, name: "Blog series", type: content }
    targets:
      nimbus: { pipeline: 6000000, revenue: 900000 }
      quantia: { pipeline: 4000000, revenue: 600000 }

dedupe:
  touchpoints: { keys: [person_id, touch_type, occurred_at, utm_campaign, asset, channel], time_tolerance_seconds: 120 }
  opportunities: { keys: [opportunity_id] }

roster:
  roles:
    co_marketing_analytics_lead:
      people: [{ name: Priya Raman, email: priya@example.com, unavailable: [{ from: 2026-01-01, to: 2026-01-10, reason: leave }] }]
      fallback: marketing_ops
    revops_finance:
      people: [{ name: Marcus Lee, email: marcus@example.com }, { name: Ana Souza, email: ana@example.com }]
    exec_sponsor:
      people: [{ name: Dana Whitfield, email: dana@example.com }]
    partner_manager:
      people: [{ name: Tomás Ortega, email: tomas@example.com, unavailable: [{ from: 2000-01-01, to: 2099-12-31, reason: parental leave }] }]
      fallback: co_marketing_analytics_lead
    content_lead:
      people: [{ name: Grace Kim, email: grace@example.com }]
    demand_gen_lead:
      people: [{ name: Omar Haddad, email: omar@example.com }]
    marketing_ops:
      people: [{ name: Lena Berg, email: lena@example.com }]
    analytics_data_strategist:
      people: [{ name: Sofia Rossi, email: sofia@example.com }]
    data_engineering_lead:
      people: [{ name: Kai Tanaka, email: kai@example.com }]
    revops:
      people: [{ name: Marcus Lee, email: marcus@example.com }]
${join((p) => p.roles)}
escalation:
  track-source: [co_marketing_analytics_lead, revops_finance, exec_sponsor]
  define-events: [analytics_data_strategist, data_engineering_lead, revops]
${join((p) => p.escalation)}
# define-events validates these captured payloads against the tracking plan it drafts:
#   gtm run '/analytics-pipeline-orchestration:define-events --use_case "pipeline velocity" --sources "product,crm" --tools "Segment,dbt"'
events:
  payloads: data/events/captured.ndjson

thresholds:
  attribution_confidence: 0.7
  max_reject_rate: ${rejects.limit}${rejects.note}
  instrumentation_defect_rate: 0.02
${join((p) => p.thresholds)}
attribution:
  model: linear
  half_life_days: 7
  bootstrap: 100
  seed: 42

cadence: weekly
${join((p) => p.config)}`;
}
