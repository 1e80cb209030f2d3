export { runTrackSource, type RunTrackSourceOptions, type TrackSourceRun } from './run-track-source.ts';
export { resolveInputs, resolveWindow, DIMENSIONS, type TrackSourceInputs } from './inputs.ts';
export { RESULT_SCHEMA_ID, type TrackSourceResult } from './track-source-result.ts';
export { executiveSummary } from './build-dashboard.ts';
