import { basename, dirname } from 'node:path';
import {
  serializePlanDocument,
  toAmplitudeCsv,
  toIgluSchemas,
  toJsonSchemas,
  toRudderYaml,
  toSegmentPlan,
  planToCsv,
  IGLU_VENDOR,
  IGLU_VENDOR_LABEL,
  PLACEHOLDER_IGLU_VENDOR,
} from '../../../analyses/instrumentation/index.ts';
import type { TrackingPlan } from '../../../analyses/instrumentation/index.ts';
import { GtmError } from '../../../errors/index.ts';
import { writeReportFiles, type ReportFile } from '../../../report/index.ts';
import { exportLosses, importedPlanName, lossesFile } from './export-losses.ts';
import { DIRECTORY_FORMATS, PLAN_FORMATS, isPlanFormat } from './plan-format.ts';
import type { PlanFormat } from './plan-format.ts';

export interface ExportPlanOptions {
  format: PlanFormat;
  plan: TrackingPlan;
  /** A file, or a directory for `iglu` and `json-schema` (one file per event). */
  out: string;
  /** Iglu vendor (reverse DNS) for events without one (default `com.example`, a placeholder). */
  vendor?: string;
  /** Written as Segment `deprecatedAt` of deprecated events (ISO 8601); the CLI passes "now". */
  now?: string;
  /** Where the plan came from (its file), named by errors about its content. */
  source?: string;
}

/**
 * A plan in the given format as files: one named `fileName` for single-file formats, one per event
 * (relative paths such as `com.example/checkout/jsonschema/1-0-0`) for `iglu` and `json-schema`.
 */
export function planExportFiles(
  options: Omit<ExportPlanOptions, 'out'> & { fileName: string },
): ReportFile[] {
  const { format } = options;
  if (!isPlanFormat(format))
    throw new GtmError('USAGE', `unknown plan format "${String(format)}"`, {
      where: '--format',
      hint: `use one of ${PLAN_FORMATS.join(', ')}`,
    });
  try {
    return formatFiles(options);
  } catch (err) {
    if (err instanceof GtmError || !(err instanceof Error) || err instanceof RangeError) throw err;
    // A writer refusing what the plan holds (a version that is not SchemaVer, a schema it cannot
    // express) is about the plan the user gave, not a bug in gtm.
    throw new GtmError('INPUT', `the plan cannot be written as ${format}: ${err.message}`, {
      where: options.source ?? 'the plan',
      hint: 'fix the plan (gtm events lint --plan FILE lists what is wrong), or export another format',
      cause: err,
    });
  }
}

function formatFiles(options: Omit<ExportPlanOptions, 'out'> & { fileName: string }): ReportFile[] {
  const { format, plan, fileName } = options;
  const one = (content: string): ReportFile[] => [{ name: fileName, content }];
  switch (format) {
    case 'gtm-json':
      return one(serializePlanDocument(plan, 'json'));
    case 'gtm-yaml':
      return one(serializePlanDocument(plan, 'yaml'));
    case 'gtm-csv':
      return one(planToCsv(plan));
    case 'amplitude':
      return one(toAmplitudeCsv(plan));
    case 'segment':
      return one(JSON.stringify(toSegmentPlan(plan, { deprecatedAt: options.now }), null, 2) + '\n');
    case 'rudderstack':
      return one(toRudderYaml(plan));
    case 'iglu':
      return toIgluSchemas(plan, { vendor: checkVendor(options.vendor ?? PLACEHOLDER_IGLU_VENDOR) }).map(
        (f) => ({
          name: checkIgluPath(f.path, f.schema.title, options.source),
          content: JSON.stringify(f.schema, null, 2) + '\n',
        }),
      );
    case 'json-schema':
      return toJsonSchemas(plan).map((f) => ({
        name: f.fileName,
        content: JSON.stringify(f.schema, null, 2) + '\n',
      }));
  }
}

/**
 * Writes a plan in the given format and returns the files written. Every file goes through the
 * guarded writer: inside `out` (or its folder), never through `..` or a link, written atomically.
 * When the format could not carry everything the plan holds, `<out>.losses.md` is written beside
 * the export (for a folder, beside the folder) and listed last; see `exportLosses`.
 *
 * @example await exportPlan({ format: 'rudderstack', plan, out: 'catalog/tracking-plan.yaml' })
 * @throws GtmError('IO') when a file cannot be written or would land outside the chosen folder.
 */
export async function exportPlan(options: ExportPlanOptions): Promise<string[]> {
  const { format, out } = options;
  const isDir = (DIRECTORY_FORMATS as readonly string[]).includes(format);
  const files = planExportFiles({ ...options, fileName: isDir ? '' : basename(out) });
  const losses = exportLosses({ plan: options.plan, format, files, name: importedPlanName(out) });
  const sidecar = lossesFile(losses, { format, exportName: basename(out), plan: options.plan });
  const written = await writeReportFiles(isDir ? out : dirname(out), files);
  return sidecar.length ? [...written, ...(await writeReportFiles(dirname(out), sidecar))] : written;
}

/** One segment of an Iglu path (vendor, name, format, SchemaVer). */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkVendor(vendor: string): string {
  if (!IGLU_VENDOR.test(vendor))
    throw new GtmError('USAGE', `"${vendor}" is not an Iglu vendor (reverse DNS such as com.acme)`, {
      where: '--vendor',
      hint: 'use letters, digits, "_" and "-" between dots, e.g. --vendor com.acme',
    });
  return vendor;
}

/** The path of one schema, refused when a label or version of the plan would leave its folder. */
function checkIgluPath(path: string, event: unknown, source = 'the plan'): string {
  const parts = path.split('/');
  if (parts.length !== 4 || !parts.every((p) => SEGMENT.test(p) && p !== '..'))
    throw new GtmError(
      'INPUT',
      `event "${String(event)}" has the Iglu address "${path}", which is not vendor/name/jsonschema/M-R-A`,
      {
        where: source,
        hint: `fix the event's ${IGLU_VENDOR_LABEL} label or its version in the plan`,
      },
    );
  return path;
}
