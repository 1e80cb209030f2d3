/**
 * `gtm events` command cores: import/export plans, validate NDJSON files, run the live QA
 * collector, diff, lint, codegen and infer. The CLI wires flags to these; terminal views come
 * from the `format*Table` functions re-exported here.
 */
export { importPlan } from '../shared/tracking-plan-io/import-plan.ts';
export type { ImportPlanOptions } from '../shared/tracking-plan-io/import-plan.ts';
export { exportPlan } from '../shared/tracking-plan-io/export-plan.ts';
export { eventsWithoutIgluVendor } from '../../analyses/instrumentation/iglu-format.ts';
export type { ExportPlanOptions } from '../shared/tracking-plan-io/export-plan.ts';
export {
  DIRECTORY_FORMATS,
  PLAN_FORMATS,
  detectPlanFormat,
  isPlanFormat,
} from '../shared/tracking-plan-io/plan-format.ts';
export type { PlanFormat } from '../shared/tracking-plan-io/plan-format.ts';
export { validateEventsFile } from '../shared/tracking-plan-io/validate-events-file.ts';
export type { ValidateEventsFileOptions } from '../shared/tracking-plan-io/validate-events-file.ts';
export { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, startCollector } from './collector.ts';
export type { Collector, CollectorOptions } from './collector.ts';
export { codegenFile, diffPlanFiles, inferPlanFromFiles, lintPlanFile, writeTextFile } from './plan-tools.ts';
export {
  formatDiffTable,
  formatInferenceTable,
  formatLintTable,
  formatRequirementsTable,
  formatValidationTable,
  consentIdsWarning,
} from '../../analyses/instrumentation/index.ts';
