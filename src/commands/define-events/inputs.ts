import path from 'node:path';
import type { GovernancePolicy } from '../../analyses/instrumentation/governance-policy.ts';
import { findUseCase, knownUseCases } from '../../analyses/instrumentation/requirements.ts';
import {
  REGULATIONS,
  SOURCE_KINDS,
  type Regulation,
  type SourceKind,
} from '../../analyses/instrumentation/tracking-plan.ts';
import { editDistance } from '../../analyses/text/index.ts';
import { usageError, type GtmError } from '../../errors/index.ts';
import type { WorkspaceConfig } from '../../workspace/index.ts';
import type { CommandManifest } from '../kit/command-def.ts';
import { defineFlags, type FlagValuesOf } from '../kit/flag-spec.ts';
import type { PayloadsOnClickHouse } from './clickhouse-validation.ts';
import { asOfDay } from '../shared/window/index.ts';

/** The flags of `define-events`, as its specification names them. */
export const DEFINE_EVENTS_FLAGS = defineFlags({
  use_case: {
    type: 'list',
    placeholder: 'NAME',
    description:
      'business question or KPI family: pipeline velocity, activation, trial conversion, attribution, referral program, loyalty program, personalization, e-commerce funnel',
    required: true,
    example: '"pipeline velocity"',
  },
  sources: {
    type: 'list',
    placeholder: 'LIST',
    description: `source systems: ${SOURCE_KINDS.join(', ')}`,
    example: 'product,crm',
  },
  tools: {
    type: 'list',
    placeholder: 'LIST',
    description:
      'instrumentation stack: Segment, RudderStack, Amplitude, Snowplow, Mixpanel, Avo, dbt, warehouses',
    example: 'Segment,dbt',
  },
  constraints: {
    type: 'list',
    placeholder: 'LIST',
    description: 'legal/compliance regulations to enforce: GDPR, CCPA, HIPAA, COPPA (any case)',
    example: 'GDPR,CCPA',
  },
  timeline: {
    type: 'date',
    placeholder: 'DATE',
    description: 'delivery date (YYYY-MM-DD) for the rollout plan',
  },
  payloads: {
    type: 'string',
    placeholder: 'PATH',
    description:
      'captured Segment-spec payloads (NDJSON file or folder) to validate as QA evidence (default: events.payloads in gtm.yaml)',
    example: 'data/events/captured.ndjson',
  },
  retention_days: {
    type: 'integer',
    placeholder: 'DAYS',
    min: 1,
    max: 36500,
    description:
      'retention period of every event without a per-event or per-category setting in events.governance (default: what --constraints imply, e.g. 365 days under GDPR for events with personal data, else 730)',
    example: '395',
  },
  alert_threshold: {
    type: 'number',
    placeholder: '0..1',
    min: 0,
    max: 1,
    description:
      'guardrail on the share of captured messages with violations (default thresholds.instrumentation_defect_rate or 0.02)',
    example: '0.02',
  },
});

/** What the CLI and agent tools know of define-events before loading it. */
export const DEFINE_EVENTS_COMMAND: CommandManifest<typeof DEFINE_EVENTS_FLAGS> = {
  name: 'define-events',
  plugin: 'analytics-pipeline-orchestration',
  summary: 'Instrumentation spec and tracking plan: requirements, catalog, governance, QA, change management',
  flags: DEFINE_EVENTS_FLAGS,
  examples: [
    `gtm run '/analytics-pipeline-orchestration:define-events --use_case "pipeline velocity" --sources "product,crm" --tools "Segment,dbt"'`,
    'gtm define-events --use-case activation --sources product,web --tools Amplitude --constraints GDPR --timeline 2026-12-15',
  ],
};

/** Instrumentation stacks gtm knows, and the plan format each one takes (a warehouse: its table DDL). */
export const TOOLS: Record<string, { label: string; format: string | null; kind: string }> = {
  segment: { label: 'Segment', format: 'segment', kind: 'CDP' },
  rudderstack: { label: 'RudderStack', format: 'rudderstack', kind: 'CDP' },
  amplitude: { label: 'Amplitude', format: 'amplitude', kind: 'product analytics' },
  snowplow: { label: 'Snowplow', format: 'iglu', kind: 'CDP' },
  mixpanel: { label: 'Mixpanel', format: 'json-schema', kind: 'product analytics' },
  avo: { label: 'Avo', format: 'json-schema', kind: 'tracking-plan tool' },
  'json-schema': { label: 'JSON Schema', format: 'json-schema', kind: 'schema registry' },
  dbt: { label: 'dbt', format: 'dbt', kind: 'warehouse transformation' },
  snowflake: { label: 'Snowflake', format: 'snowflake', kind: 'warehouse' },
  bigquery: { label: 'BigQuery', format: 'bigquery', kind: 'warehouse' },
  redshift: { label: 'Redshift', format: 'redshift', kind: 'warehouse' },
  databricks: { label: 'Databricks', format: 'databricks', kind: 'warehouse' },
};

const SOURCE_ALIASES: Record<string, SourceKind> = {
  marketing: 'map',
  marketo: 'map',
  hubspot: 'map',
  salesforce: 'crm',
  stripe: 'billing',
  app: 'product',
  website: 'web',
  ios: 'mobile',
  android: 'mobile',
  backend: 'server',
};

export interface DefineEventsInputs {
  use_case: string[];
  sources: SourceKind[];
  tools: string[];
  constraints: { regulations: Regulation[]; notes: string[] };
  timeline: string | null;
  /** `--retention-days`, or null when not given. */
  retention_days: number | null;
  as_of: string;
}

/** Everything a run derives from its inputs and the workspace before it starts. */
export interface DefineEventsContext {
  inputs: DefineEventsInputs;
  /** NDJSON file or folder of captured payloads to validate (QA evidence), absolute, if any. */
  payloads: string | null;
  /**
   * With `engine: { kind: clickhouse }` and the payloads from gtm.yaml: validate them in the
   * `event_payloads` table `gtm engine load` wrote there, not in the files (`--payloads` reads a file).
   */
  payloadsOnClickHouse: PayloadsOnClickHouse | null;
  /** Guardrail on the share of captured messages with violations. */
  defectThreshold: number;
  /** Runs of the same use cases form a history (change log, version bumps). */
  scope: string;
  /** Retention and consent settings: gtm.yaml `events.governance` and `--retention-days`. */
  governance: GovernancePolicy;
  /** gtm.yaml `events.iglu_vendor`: the vendor of the Snowplow (Iglu) export; null when unset (the placeholder `com.example`). */
  igluVendor: string | null;
}

function toolsOf(list: readonly string[]): string[] {
  const keys = list.map((t) => {
    const k = t.toLowerCase().replace(/\s+/g, '-');
    if (!TOOLS[k]) {
      const near = Object.entries(TOOLS)
        .map(([key, x]) => ({ label: x.label, d: editDistance(k, key) }))
        .sort((a, b) => a.d - b.d)
        .find((x) => x.d <= Math.max(2, Math.floor(k.length / 4)));
      throw usageError(
        `unknown tool "${t}"`,
        '--tools',
        `${near ? `did you mean ${near.label}? ` : ''}use any of: ${Object.values(TOOLS)
          .map((x) => x.label)
          .join(', ')}`,
      );
    }
    return k;
  });
  // `--tools Mixpanel,mixpanel` names one tool
  return [...new Set(keys)];
}

function sourcesOf(list: readonly string[]): SourceKind[] {
  return list.map((s) => {
    const k = s.toLowerCase();
    const kind = (SOURCE_KINDS as readonly string[]).includes(k) ? (k as SourceKind) : SOURCE_ALIASES[k];
    if (!kind) {
      // a typo of a source (prodct) or of an alias (hubspt) gets the name it was probably meant to be
      const names = [...SOURCE_KINDS, ...Object.keys(SOURCE_ALIASES)];
      const near = names.find((x) => editDistance(x, k) <= (k.length <= 4 ? 1 : 2));
      throw usageError(
        `unknown source "${s}"`,
        '--sources',
        `${near ? `did you mean ${near}? ` : ''}use any of: ${SOURCE_KINDS.join(', ')}`,
      );
    }
    return kind;
  });
}

/**
 * The regulations of `--constraints` (any case). Anything else is a USAGE error naming the flag and
 * the accepted values: a value that was only noted (`GPDR2026`, `SOC2`) enforced nothing, so a typo
 * silently dropped the GDPR rules. `notes` stays in the result, empty.
 */
function constraintsOf(list: readonly string[]): DefineEventsInputs['constraints'] {
  const regulations: Regulation[] = [];
  for (const c of list) {
    const r = REGULATIONS.find((x) => x.toLowerCase() === c.trim().toLowerCase());
    if (r) {
      regulations.push(r);
      continue;
    }
    const near = REGULATIONS.find((x) => editDistance(x.toLowerCase(), c.trim().toLowerCase()) <= 2);
    throw usageError(
      `unknown constraint "${c}"`,
      '--constraints',
      `${near ? `did you mean ${near}? ` : ''}accepted: ${REGULATIONS.join(', ')} (any case, comma-separated); other policies (retention, consent) go under events.governance in gtm.yaml`,
    );
  }
  return { regulations, notes: [] };
}

/** A use case gtm has no template for: the known ones, the closest first when it looks like a typo. */
function unknownUseCase(name: string): GtmError {
  const known = knownUseCases();
  const key = name.toLowerCase();
  const closest = known
    .map((k) => ({ k, d: Math.min(editDistance(key, k.name.toLowerCase()), editDistance(key, k.id)) }))
    .sort((a, b) => a.d - b.d)[0];
  const guess =
    closest && closest.d <= Math.max(2, Math.floor(name.length / 4))
      ? `did you mean "${closest.k.name}"? `
      : '';
  return usageError(
    `unknown use case "${name}"`,
    '--use-case',
    `${guess}use one of: ${known.map((k) => k.name).join(', ')}; to add one, add a UseCaseTemplate to USE_CASE_TEMPLATES in src/analyses/instrumentation/use-case-templates.ts (or draft a plan from captured payloads: gtm events infer --input FILE|DIR --out FILE)`,
  );
}

/** Validates the specification's inputs; every problem names its flag and the fix. */
export function resolveDefineEvents(
  flags: FlagValuesOf<typeof DEFINE_EVENTS_FLAGS>,
  { ws, asOf, cwd }: { ws: WorkspaceConfig; asOf: string; cwd: string },
): DefineEventsContext {
  for (const u of flags.use_case) {
    try {
      findUseCase(u);
    } catch {
      throw unknownUseCase(u);
    }
  }
  const day = asOfDay(asOf);
  if (flags.timeline && flags.timeline < day)
    throw usageError(`is before as-of (${day})`, '--timeline', 'give a delivery date in the future');
  const payloads = flags.payloads
    ? path.resolve(cwd, flags.payloads)
    : ws.events.payloads
      ? path.resolve(ws.baseDir, ws.events.payloads)
      : null;
  const inputs: DefineEventsInputs = {
    use_case: [...flags.use_case],
    sources: sourcesOf(flags.sources ?? []),
    tools: toolsOf(flags.tools ?? []),
    constraints: constraintsOf(flags.constraints ?? []),
    timeline: flags.timeline ?? null,
    retention_days: flags.retention_days ?? null,
    as_of: day,
  };
  return {
    inputs,
    payloads,
    payloadsOnClickHouse:
      payloads && !flags.payloads && ws.engine.kind === 'clickhouse'
        ? { url: ws.engine.url, database: ws.engine.database, baseDir: ws.baseDir }
        : null,
    defectThreshold: flags.alert_threshold ?? ws.thresholds.instrumentation_defect_rate ?? 0.02,
    scope: inputs.use_case.join(','),
    governance: {
      ...(ws.events.governance ?? {}),
      ...(flags.retention_days !== undefined ? { retention_days: flags.retention_days } : {}),
      plan_label: 'use-case template',
    },
    igluVendor: ws.events.iglu_vendor ?? null,
  };
}
