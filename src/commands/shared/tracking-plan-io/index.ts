/**
 * Tracking-plan I/O shared by `define-events` and `gtm events`: read and write plans in every
 * supported format, and validate captured Segment-spec payloads (NDJSON, gzip, folders) against a
 * plan, in parallel workers.
 */
export { importPlan, type ImportPlanOptions } from './import-plan.ts';
export { exportPlan, planExportFiles, type ExportPlanOptions } from './export-plan.ts';
export {
  FORMAT_LOSSES,
  exportLosses,
  importedPlanName,
  lossesFile,
  lossesFileName,
  planFromExportFiles,
} from './export-losses.ts';
export {
  DIRECTORY_FORMATS,
  PLAN_FORMATS,
  detectPlanFormat,
  isPlanFormat,
  listFiles,
  type PlanFormat,
} from './plan-format.ts';
export { validateEventsFile, eventFiles, type ValidateEventsFileOptions } from './validate-events-file.ts';
export { checkConsentIds } from './consent-ids-config.ts';
export { forEachLine, type ByteRange } from './ndjson-lines.ts';
