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
    defaults: () => loyaltyDefaults(undefined),
    shared: 'experiments and assignments',
  },
  'monitor-personalization': {
    entities: ['decisions', 'outcomes', 'rule_changes', 'consent_records'],
    section: 'personalization',
    defaults: () => personalizationDefaults(undefined),
    shared: 'experiments',
  },
};

/** Commands `gtm init --command` writes a starter for; track-source is the default template. */
export const INIT_COMMANDS: readonly string[] = ['track-source', ...Object.keys(STARTERS)];

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
 * settings with their defaults, commented out. track-source: the existing template.
 */
export function commandTemplate(command: string): string {
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
