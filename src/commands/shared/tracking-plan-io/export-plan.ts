import { basename, dirname } from 'node:path';
import {
  serializePlanDocument,
  toAmplitudeCsv,
  toIgluSchemas,
  toJsonSchemas,
  toRudderYaml,
  toSegmentPlan,
  planToCsv,
} from '../../../analyses/instrumentation/index.ts';
import type { TrackingPlan } from '../../../analyses/instrumentation/index.ts';
import { GtmError } from '../../../errors/index.ts';
import { writeReportFiles, type ReportFile } from '../../../report/index.ts';
import { DIRECTORY_FORMATS, PLAN_FORMATS, isPlanFormat } from './plan-format.ts';
import type { PlanFormat } from './plan-format.ts';

export interface ExportPlanOptions {
  format: PlanFormat;
  plan: TrackingPlan;
  /** A file, or a directory for `iglu` and `json-schema` (one file per event). */
  out: string;
  /** Iglu vendor (reverse DNS) for events without one (default `com.example`). */
  vendor?: string;
  /** Written as Segment `deprecatedAt` of deprecated events (ISO 8601); the CLI passes "now". */
  now?: string;
}

/**
 * A plan in the given format as files: one named `fileName` for single-file formats, one per event
 * (relative paths such as `com.example/checkout/jsonschema/1-0-0`) for `iglu` and `json-schema`.
 */
export function planExportFiles(
  options: Omit<ExportPlanOptions, 'out'> & { fileName: string },
): ReportFile[] {
  const { format, plan, fileName } = options;
  if (!isPlanFormat(format))
    throw new GtmError('USAGE', `unknown plan format "${String(format)}"`, {
      where: '--format',
      hint: `use one of ${PLAN_FORMATS.join(', ')}`,
    });
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
      return toIgluSchemas(plan, { vendor: options.vendor ?? 'com.example' }).map((f) => ({
        name: f.path,
        content: JSON.stringify(f.schema, null, 2) + '\n',
      }));
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
 *
 * @example await exportPlan({ format: 'rudderstack', plan, out: 'catalog/tracking-plan.yaml' })
 * @throws GtmError('IO') when a file cannot be written or would land outside the chosen folder.
 */
export async function exportPlan(options: ExportPlanOptions): Promise<string[]> {
  const { format, out } = options;
  const isDir = (DIRECTORY_FORMATS as readonly string[]).includes(format);
  const files = planExportFiles({ ...options, fileName: isDir ? '' : basename(out) });
  return writeReportFiles(isDir ? out : dirname(out), files);
}
