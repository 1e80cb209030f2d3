/**
 * The command kit: every command is a `CommandDef` (flags, inputs, entities read, plan of typed
 * stages, report, terminal view) and runs through `runCommand`, which owns the run id and folders,
 * the engine, owners and fallbacks, the escalation ladder, the source stages and the report.
 * See docs/adding-a-command.md.
 */
export type {
  AnyCommandDef,
  AnyKitStage,
  Closing,
  CommandDef,
  CommandManifest,
  CommandPlan,
  KitRun,
  KitStage,
  OwnerRef,
  ReportDef,
  SourceOutputs,
} from './command-def.ts';
export { stageOf } from './command-def.ts';
export {
  defineFlags,
  flagSpecs,
  flagExample,
  kebab,
  canonicalFlag,
  type FlagArgsOf,
  type FlagDecls,
  type FlagSpec,
  type FlagType,
  type FlagValuesOf,
} from './flag-spec.ts';
export { checkFlagValue, coerceFlag, isRealDate, type FlagValue } from './check-flag-value.ts';
export { resolveFlagObject, completeFlags, suggestFlag } from './resolve-flag-object.ts';
export { usageLine, flagValueText, reproduceLine, shellWord } from './usage-line.ts';
export { flagsJsonSchema } from './flags-json-schema.ts';
export { runCommand, type CommandRun, type RunCommandOptions } from './run-command.ts';
export { sourceStages, rejectRateProblem, DATA_OWNER } from './source-stages.ts';
export { sourceTables, type ReportOutput } from './report-stage.ts';
export { sourceSpecOf, sourceWhere, normalizeSettingsOf } from './workspace-sources.ts';
export {
  snapshotPlan,
  takeSnapshots,
  missingChromiumWarning,
  snapshotSkippedWarning,
  NARROW_WIDTH,
  type SnapshotInfo,
  type SnapshotMode,
} from './snapshot.ts';
