/** The starter gtm.yaml written by `gtm init`: valid as is, every section commented. */
export const GTM_YAML_TEMPLATE = `# gtm workspace. Reference: README "gtm.yaml reference"; schema: gtm.schema.json (editors complete it).
version: 1

# Where data comes from: CSV / Parquet / NDJSON / JSON files or globs, or PostgreSQL tables/queries.
# Each source feeds one canonical table (entity); map your column names to canonical ones.
sources:
  - name: crm_opportunities
    entity: opportunities          # opportunity_id, account_id, created_at, stage, amount[, currency, closed_at, campaign, region, segment]
    kind: file
    path: data/opportunities.csv
    priority: 1                    # dedupe preference: lowest wins
    mapping: { opportunity_id: Id, account_id: AccountId, created_at: CreatedDate, stage: StageName, amount: Amount, currency: CurrencyIsoCode }
    # delimiter: ";"               # CSV separator (default ","; a tab for .tsv)
    # decimal: ","                 # European exports: 1.234,56 (default: "." with "," only as thousands separator)
    # date_order: dmy              # dates written day first: 31/12/2026 or 31.12.2026 (absent: inferred per column, month-first 12/31/2026 unless the values say day-first)
    # amount_unit: minor           # amounts in minor units (Stripe's API, Adyen): USD 1999 is 19.99, JPY 1999 is 1999, KWD 12345 is 12.345 (default: major)
    # id_format: salesforce         # 15-character Salesforce ids read as their 18-character form (default auto: when another source writes the same records in 18; as_is: never)
  - name: web_analytics
    entity: touchpoints            # occurred_at and person_id or account_id; utm_*, partner, asset, region, touch_type
    kind: file
    path: data/touchpoints/*.csv
    priority: 2
  # - name: warehouse_touches
  #   entity: touchpoints
  #   kind: postgres
  #   url: env:GTM_PG_URL          # read from the environment; never commit passwords
  #   table: marketing_touches
  # - name: contacts
  #   entity: people               # person_id, account_id[, created_at, segment, persona, region]
  #   kind: file
  #   path: data/contacts.csv

currency:
  reporting: USD
  rates:                           # date-effective: each applies from its date until the next of the same currency
    - { currency: EUR, from: 2026-01-01, rate: 1.08 }

# funnel:
#   mapping: { "Closed Won": closed_won }   # raw CRM stage → canonical stage (merged over built-in defaults)

# channels:
#   rules:                          # evaluated before the built-in default channel grouping; first match wins
#     - { channel: partner, when: { medium: [co-marketing] } }

partners:
  - { id: partner_a, name: Partner A, tier: gold, aliases: [partner-a, "Partner A Inc."] }

campaigns:
  - id: launch
    name: Launch Campaign
    partners: [partner_a]
    start: 2026-09-01
    end: 2026-12-31
    utm_campaigns: [launch]
    lookback_days: 90
    targets:
      partner_a: { pipeline: 1000000, revenue: 250000 }

roster:
  roles:
    co_marketing_analytics_lead: { people: [{ name: Your Name }] }
    revops_finance: { people: [{ name: RevOps Partner }] }
    exec_sponsor: { people: [{ name: Exec Sponsor }] }

escalation:
  track-source: [co_marketing_analytics_lead, revops_finance, exec_sponsor]

thresholds:
  attribution_confidence: 0.7      # share of pipeline with a matched touch; escalates when breached twice in a row
  max_reject_rate: 0               # share of rejected rows above which a run exits non-zero

attribution:
  model: linear
`;
