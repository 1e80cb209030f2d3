import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  serializePlanDocument,
  toAmplitudeCsv,
  toIgluSchemas,
  toJsonSchemas,
  toRudderYaml,
  toSegmentPlan,
  planToCsv,
} from '../../analyses/instrumentation/index.ts';
import type { TrackingPlan } from '../../analyses/instrumentation/index.ts';
import { GtmError } from '../../errors/index.ts';
import { PLAN_FORMATS, isPlanFormat } from './plan-format.ts';
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
 * Writes a plan in the given format and returns the files written.
 *
 * @example exportPlan({ format: 'rudderstack', plan, out: 'catalog/tracking-plan.yaml' })
 * @throws GtmError('IO') when a file cannot be written.
 */
export function exportPlan(options: ExportPlanOptions): string[] {
  const { format, plan, out } = options;
  if (!isPlanFormat(format)) {
    throw new GtmError('USAGE', `unknown plan format "${String(format)}"`, {
      where: '--format',
      hint: `use one of ${PLAN_FORMATS.join(', ')}`,
    });
  }
  const files: Array<[string, string]> = [];
  switch (format) {
    case 'gtm-json':
      files.push([out, serializePlanDocument(plan, 'json')]);
      break;
    case 'gtm-yaml':
      files.push([out, serializePlanDocument(plan, 'yaml')]);
      break;
    case 'gtm-csv':
      files.push([out, planToCsv(plan)]);
      break;
    case 'amplitude':
      files.push([out, toAmplitudeCsv(plan)]);
      break;
    case 'segment':
      files.push([out, JSON.stringify(toSegmentPlan(plan, { deprecatedAt: options.now }), null, 2) + '\n']);
      break;
    case 'rudderstack':
      files.push([out, toRudderYaml(plan)]);
      break;
    case 'iglu':
      for (const f of toIgluSchemas(plan, { vendor: options.vendor ?? 'com.example' })) {
        files.push([join(out, f.path), JSON.stringify(f.schema, null, 2) + '\n']);
      }
      break;
    case 'json-schema':
      for (const f of toJsonSchemas(plan))
        files.push([join(out, f.fileName), JSON.stringify(f.schema, null, 2) + '\n']);
      break;
  }
  for (const [file, text] of files) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    } catch (err) {
      throw new GtmError('IO', `cannot write ${format} plan: ${(err as Error).message}`, {
        where: file,
        cause: err,
        hint: 'check the directory exists and is writable',
      });
    }
  }
  return files.map(([f]) => f);
}
