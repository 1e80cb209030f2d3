import { basename, extname } from 'node:path';
import {
  fromAmplitudeCsv,
  fromIgluSchemas,
  fromJsonSchemas,
  fromRudderYaml,
  fromSegmentPlan,
  parsePlanDocument,
  planFromCsv,
  planLosses,
  renderLosses,
} from '../../../analyses/instrumentation/index.ts';
import type { JsonSchema, PlanLoss, TrackingPlan } from '../../../analyses/instrumentation/index.ts';
import type { ReportFile } from '../../../report/index.ts';
import { DIRECTORY_FORMATS } from './plan-format.ts';
import type { PlanFormat } from './plan-format.ts';

/**
 * What an export could not carry: the exported files are read back in memory, exactly as
 * `importPlan` reads them from disk, and compared field by field with the plan
 * (`planLosses`). The list is written beside the export as `<file>.losses.md` (a folder's:
 * `<folder>.losses.md`, beside it, so that the folder holds only schemas) whenever it is not empty.
 */

/** The plan's own facts, which formats that hold events alone (or rules) cannot carry. */
const PLAN_FACTS = [
  'plan.name',
  'plan.description',
  'plan.version',
  'plan.owner',
  'plan.consent_mode',
  'plan.consent_categories',
  'plan.regulations',
  'plan.sources',
] as const;

/** The facts each format has no place for, whatever the plan (documentation; tests hold formats to it). */
export const FORMAT_LOSSES: Record<PlanFormat, readonly string[]> = {
  'gtm-json': [],
  'gtm-yaml': [],
  'gtm-csv': [...PLAN_FACTS, 'plan.common (its message-level part only)'],
  segment: [],
  rudderstack: [
    ...PLAN_FACTS.slice(2),
    'plan.common',
    'event (all but the first identify, page, screen and group event)',
    'event.name (of identify, page, screen and group events)',
    'event.status',
    'event.owner',
    'event.version',
    'event.sources',
    'event.identities',
    'event.sampling_rate',
    'event.tags',
    'event.labels',
    'event.schema_extras',
    'event.consent_category',
    'event.pii',
    'event.pii_kind',
    'event.retention_days',
    'property.schema (keywords without a rudder/v1 config key: const, anyOf, items beyond their type...)',
    'property.consent_category',
    'property.pii',
    'property.pii_kind',
    'property.retention_days',
  ],
  amplitude: [...PLAN_FACTS, 'plan.common', 'event (identify events without traits)'],
  iglu: [...PLAN_FACTS, 'plan.common', 'plan.event_order (read back in file-name order)'],
  'json-schema': [...PLAN_FACTS, 'plan.common', 'plan.event_order (read back in file-name order)'],
};

/** Display names of the formats, for the losses page. */
const FORMAT_NAMES: Record<PlanFormat, string> = {
  'gtm-json': 'gtm JSON',
  'gtm-yaml': 'gtm YAML',
  'gtm-csv': 'gtm CSV',
  segment: 'Segment Protocols',
  rudderstack: 'RudderStack rudder/v1',
  amplitude: 'Amplitude Data CSV',
  iglu: 'Iglu (Snowplow)',
  'json-schema': 'JSON Schema',
};

/**
 * Reads exported files back into a plan, in memory, the way `importPlan` reads them from disk.
 * `name` is the name the importer would give a plan whose format carries none (the file's or
 * folder's name).
 */
export function planFromExportFiles(format: PlanFormat, written: ReportFile[], name: string): TrackingPlan {
  // A folder is read back in file-name order (`listFiles`: each directory's entries sorted), not
  // in the order the files were written: the losses then say when the plan's event order is lost.
  const files = DIRECTORY_FORMATS.includes(format) ? [...written].sort(diskOrder) : written;
  const text = () => String(files[0]?.content ?? '');
  switch (format) {
    case 'gtm-json':
      return parsePlanDocument(text(), 'json');
    case 'gtm-yaml':
      return parsePlanDocument(text(), 'yaml');
    case 'gtm-csv':
      return planFromCsv(text(), name);
    case 'amplitude':
      return fromAmplitudeCsv(text(), name);
    case 'segment':
      return fromSegmentPlan(JSON.parse(text()));
    case 'rudderstack':
      return fromRudderYaml(files.map((f) => String(f.content)));
    case 'iglu':
      return fromIgluSchemas(
        files.map((f) => JSON.parse(String(f.content)) as JsonSchema),
        { name },
      );
    case 'json-schema':
      return fromJsonSchemas(
        files.map((f) => ({
          schema: JSON.parse(String(f.content)),
          fallbackName: f.name.replace(/\.json$/i, ''),
        })),
        name,
      );
  }
}

/** The order `listFiles` walks a folder in: each directory's entries sorted by name. */
function diskOrder(a: ReportFile, b: ReportFile): number {
  const x = a.name.split('/');
  const y = b.name.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

/** The sidecar of an export: `<file>.losses.md`, or `<folder>.losses.md` beside a folder. */
export function lossesFileName(exportName: string): string {
  return `${exportName.replace(/\/+$/, '')}.losses.md`;
}

/** The name `importPlan` gives a plan read from `path` when its format carries none. */
export function importedPlanName(path: string): string {
  return basename(path, extname(path));
}

/**
 * What exporting `plan` as `format` lost: the files are read back and compared with the plan.
 *
 * @example exportLosses({ plan, format: 'amplitude', files, name: 'amplitude-plan' }).map((l) => l.field)
 */
export function exportLosses(options: {
  plan: TrackingPlan;
  format: PlanFormat;
  files: ReportFile[];
  /** The name the importer would give the plan (see `importedPlanName`). */
  name: string;
}): PlanLoss[] {
  return planLosses(options.plan, planFromExportFiles(options.format, options.files, options.name));
}

/**
 * The sidecar file listing what an export lost, or nothing when the round trip is exact.
 * `exportName` is the export's file (or folder) name relative to where the sidecar goes.
 */
export function lossesFile(
  losses: PlanLoss[],
  about: { format: PlanFormat; exportName: string; plan: TrackingPlan },
): ReportFile[] {
  if (!losses.length) return [];
  const shown = basename(about.exportName.replace(/\/+$/, ''));
  return [
    {
      name: lossesFileName(about.exportName),
      content: renderLosses(losses, {
        format: FORMAT_NAMES[about.format],
        file: DIRECTORY_FORMATS.includes(about.format) ? `${shown}/` : shown,
        plan: `${about.plan.name} ${about.plan.version}`,
      }),
    },
  ];
}
