import jsYaml from 'js-yaml';
import { entitySpec } from '../../data/entities/registry.ts';
import { loyaltyDefaults } from '../../workspace/loyalty-config.ts';
import { personalizationDefaults } from '../../workspace/personalization-config.ts';
import { referralsDefaults } from '../../workspace/referrals-config.ts';
import { GTM_YAML_TEMPLATE } from './gtm-yaml-template.ts';

interface Starter {
  entities: readonly string[];
  /** The command's settings section of gtm.yaml and its defaults. */
  section: string;
  defaults: () => unknown;
  /** The shared experiment entities it reads when there are tests (optional, so not written). */
  shared: string;
}

const STARTERS: Readonly<Record<string, Starter>> = {
  'optimize-referrals': {
    entities: ['advocates', 'shares', 'clicks', 'referrals', 'conversions', 'payouts', 'nps_responses'],
    section: 'referrals',
    defaults: () => referralsDefaults(undefined),
    shared: 'experiments and assignments',
  },
  'monitor-loyalty': {
    entities: ['members', 'ledger', 'orders', 'rewards', 'tier_rules', 'csat_responses'],
    section: 'loyalty',
    // one expiry setting: points_expiry holds points_expire_months's value (both at once are refused)
    defaults: () => {
      const { points_expire_months: months, ...rest } = loyaltyDefaults(undefined);
      return { ...rest, points_expiry: { policy: 'lot_age', months } };
    },
    shared: 'experiments and assignments',
  },
  'monitor-personalization': {
    entities: ['decisions', 'outcomes', 'rule_changes', 'consent_records'],
    section: 'personalization',
    defaults: () => personalizationDefaults(undefined),
    shared: 'experiments',
  },
};

/**
 * define-events reads no source (its use case, source systems and tools are flags): the starter
 * lists none, and its settings (captured payloads, governance, guardrail, owners) commented out.
 */
const DEFINE_EVENTS_TEMPLATE = `# gtm workspace for define-events. Reference: README "define-events" and "gtm.yaml reference"; schema: gtm.schema.json.
# define-events reads no data source: the use case, the source systems and the tools are its flags. Run \`gtm doctor\`, then:
#   gtm define-events --use-case "pipeline velocity" --sources product,crm --tools Segment,dbt
version: 1

# none for define-events; the other commands' data goes here (README "gtm.yaml reference", sources[])
sources: []

currency:
  reporting: USD

# define-events settings (uncomment what you use):
# events:
#   payloads: data/events/captured.ndjson   # captured Segment-spec payloads validated as QA evidence (or --payloads)
#   plan: tracking-plan.json                # the current tracking plan, for the gtm events commands
#   iglu_vendor: com.acme                   # your Iglu vendor (reverse DNS) for --tools Snowplow; unset: the placeholder com.example
#   governance:                             # retention (days) and consent every catalog gets; unset parts follow --constraints
#     retention: { default_days: 730, categories: { Advertising: 180 }, events: { "Opportunity Closed": 1095 } }
#     consent: { default_category: Analytics }
# thresholds:
#   instrumentation_defect_rate: 0.02       # guardrail on the share of captured messages with violations
# roster:                                   # owners of the catalog's events, QA and rollout tasks
#   roles:
#     analytics_data_strategist: { people: [{ name: Your Name }] }
#     data_engineering_lead: { people: [{ name: Data Engineering Lead }] }
#     revops: { people: [{ name: RevOps Partner }] }
# escalation:
#   define-events: [analytics_data_strategist, data_engineering_lead, revops]
`;

/** Commands `gtm init --command` writes a starter for; track-source is the default template. */
export const INIT_COMMANDS: readonly string[] = ['track-source', 'define-events', ...Object.keys(STARTERS)];

/** One source per entity, at data/<entity>.csv with canonical headers, its columns in a comment. */
function sourceLines(entity: string): string[] {
  const spec = entitySpec(entity)!;
  const cols = spec.columns.map((c) => (spec.required.includes(c) ? `${c}*` : c)).join(', ');
  return [
    `  - name: ${entity}`,
    `    entity: ${entity}`,
    `    kind: file`,
    `    path: data/${entity}.csv`,
    `    # columns (* required): ${cols}`,
    `    # mapping: { ${spec.required[0]}: Your Column }   # your header names, when they are not the canonical ones`,
  ];
}

/**
 * The starter gtm.yaml for `command`: a source per entity the command reads (canonical names and
 * headers, so `gtm doctor` lists what is missing), the reporting currency, and the command's
 * settings with their defaults, commented out. track-source: the existing template; define-events:
 * no source (`DEFINE_EVENTS_TEMPLATE`).
 */
export function commandTemplate(command: string): string {
  if (command === 'define-events') return DEFINE_EVENTS_TEMPLATE;
  const s = STARTERS[command];
  if (!s) return GTM_YAML_TEMPLATE;
  const settings = jsYaml
    .dump({ [s.section]: s.defaults() }, { lineWidth: 110, flowLevel: 3 })
    .trimEnd()
    .split('\n')
    .map((l) => `# ${l}`);
  return [
    `# gtm workspace for ${command}. Reference: README "${command}" and "gtm.yaml reference"; schema: gtm.schema.json.`,
    `# Put one CSV per entity under data/ with the canonical headers below (or map yours), then run \`gtm doctor\`.`,
    'version: 1',
    '',
    'sources:',
    ...s.entities.flatMap(sourceLines),
    `  # Experiments: add sources of the shared entities ${s.shared} (README "${command}", Data).`,
    '',
    'currency:',
    '  reporting: USD',
    '  # rates: [{ currency: EUR, from: 2026-01-01, rate: 1.08 }]',
    '',
    `# ${command} settings, with their defaults (uncomment what you change):`,
    ...settings,
    '',
  ].join('\n');
}
