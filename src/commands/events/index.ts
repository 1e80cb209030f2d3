export { importPlan } from './import-plan.ts';
export { exportPlan } from './export-plan.ts';
export { validateEventsFile } from './validate-events-file.ts';
