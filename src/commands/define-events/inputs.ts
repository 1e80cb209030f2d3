import {
  findUseCase,
  REGULATIONS,
  SOURCE_KINDS,
  type Regulation,
  type SourceKind,
} from '../../analyses/instrumentation/index.ts';
import { editDistance } from '../../analyses/text/index.ts';
import { usageError } from '../../errors/index.ts';

/** Instrumentation stacks gtm knows, and the plan format each one takes. */
export const TOOLS: Record<string, { label: string; format: string | null; kind: string }> = {
  segment: { label: 'Segment', format: 'segment', kind: 'CDP' },
  rudderstack: { label: 'RudderStack', format: 'rudderstack', kind: 'CDP' },
  amplitude: { label: 'Amplitude', format: 'amplitude', kind: 'product analytics' },
  snowplow: { label: 'Snowplow', format: 'iglu', kind: 'CDP' },
  mixpanel: { label: 'Mixpanel', format: 'json-schema', kind: 'product analytics' },
  avo: { label: 'Avo', format: 'json-schema', kind: 'tracking-plan tool' },
  'json-schema': { label: 'JSON Schema', format: 'json-schema', kind: 'schema registry' },
  dbt: { label: 'dbt', format: 'dbt', kind: 'warehouse transformation' },
  snowflake: { label: 'Snowflake', format: null, kind: 'warehouse' },
  bigquery: { label: 'BigQuery', format: null, kind: 'warehouse' },
  redshift: { label: 'Redshift', format: null, kind: 'warehouse' },
  databricks: { label: 'Databricks', format: null, kind: 'warehouse' },
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
  as_of: string;
}

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [])
    .map((s) => String(s).trim())
    .filter(Boolean);

/** Validates the specification's inputs; every problem names its flag and the fix. */
export function resolveDefineEventsInputs(flags: Record<string, unknown>, today: string): DefineEventsInputs {
  const useCases = list(flags.use_case);
  if (!useCases.length) throw usageError('is required', '--use-case', 'e.g. --use-case "pipeline velocity"');
  for (const u of useCases) {
    try {
      findUseCase(u);
    } catch (e) {
      throw usageError((e as Error).message, '--use-case');
    }
  }
  const sources = list(flags.sources).map((s) => {
    const k = s.toLowerCase();
    const kind = (SOURCE_KINDS as readonly string[]).includes(k) ? (k as SourceKind) : SOURCE_ALIASES[k];
    if (!kind)
      throw usageError(`unknown source "${s}"`, '--sources', `use any of: ${SOURCE_KINDS.join(', ')}`);
    return kind;
  });
  const tools = list(flags.tools).map((t) => {
    const k = t.toLowerCase().replace(/\s+/g, '-');
    if (!TOOLS[k])
      throw usageError(
        `unknown tool "${t}"`,
        '--tools',
        `use any of: ${Object.values(TOOLS)
          .map((x) => x.label)
          .join(', ')}`,
      );
    return k;
  });
  const regulations: Regulation[] = [];
  const notes: string[] = [];
  for (const c of list(flags.constraints)) {
    const r = (REGULATIONS as readonly string[]).find((x) => x.toLowerCase() === c.toLowerCase());
    if (r) {
      regulations.push(r as Regulation);
      continue;
    }
    // A near miss of a regulation is a typo, not a free-text note: silently dropping GDPR rules is worse than an error.
    const near = REGULATIONS.find((x) => editDistance(x.toLowerCase(), c.toLowerCase()) <= 2);
    if (near)
      throw usageError(
        `unknown regulation "${c}"`,
        '--constraints',
        `did you mean ${near}? Known: ${REGULATIONS.join(', ')}`,
      );
    notes.push(c);
  }
  const timeline = typeof flags.timeline === 'string' ? flags.timeline : null;
  if (timeline && !/^\d{4}-\d{2}-\d{2}$/.test(timeline))
    throw usageError(`must be a date YYYY-MM-DD, got "${timeline}"`, '--timeline');
  const asOf = typeof flags.as_of === 'string' ? flags.as_of.slice(0, 10) : today;
  if (timeline && timeline < asOf)
    throw usageError(`is before as-of (${asOf})`, '--timeline', 'give a delivery date in the future');
  return { use_case: useCases, sources, tools, constraints: { regulations, notes }, timeline, as_of: asOf };
}
