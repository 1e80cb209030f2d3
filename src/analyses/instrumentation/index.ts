/**
 * Instrumentation: the tracking-plan model, requirements from use-case templates, governance
 * lint, validation of Segment-spec messages, plan formats, change management, code generation,
 * plan inference and a seeded payload generator. Pure: no I/O, no clock.
 */
export type {
  CallType,
  CommonRules,
  ConsentMode,
  EventStatus,
  Governance,
  Identity,
  JsonSchema,
  JsonType,
  PiiKind,
  PlanEvent,
  PlanProperty,
  PlanSource,
  Regulation,
  SourceKind,
  TrackingPlan,
} from './tracking-plan.ts';
export {
  CALL_TYPES,
  IDENTITIES,
  REGULATIONS,
  SOURCE_KINDS,
  createEvent,
  createPlan,
  eventKey,
} from './tracking-plan.ts';
export { PlanParseError, jsonSyntaxError } from './plan-parse-error.ts';
export { PROTO_KEY, protoKeyPath, refuseProtoKeys } from './proto-keys.ts';
export { neutralizeCsvText, restoreCsvText } from './csv-cell.ts';
export {
  bumpSchemaVer,
  compareSchemaVer,
  formatSchemaVer,
  isSchemaVer,
  parseSchemaVer,
} from './schema-ver.ts';
export type { SchemaVer, SchemaVerPart } from './schema-ver.ts';
export { eventPropertiesSchema } from './event-schema.ts';
export { normalizeJsonSchema } from './normalize-json-schema.ts';
export { sampleInstance } from './sample-instance.ts';
export { detectPii } from './pii-detector.ts';
export { seededRandom } from './seeded-random.ts';

// Requirements
export { USE_CASE_TEMPLATES } from './use-case-templates.ts';
export type { EventTemplate, KpiTemplate, UseCaseTemplate } from './use-case-templates.ts';
export { PROPERTY_LIBRARY } from './property-library.ts';
export { draftPlan, findUseCase, knownUseCases, useCaseRequirements } from './requirements.ts';
export type {
  DraftPlanOptions,
  EventRequirement,
  KpiRequirement,
  RequirementOptions,
  Requirements,
} from './requirements.ts';

// Governance
export { LINT_RULES } from './lint-rules.ts';
export type { LintRule, LintRuleId, Severity } from './lint-rules.ts';
export { lintPlan } from './plan-lint.ts';
export {
  DEFAULT_CONSENT_CATEGORY,
  RETENTION_DEFAULTS,
  applyGovernancePolicy,
  defaultRetention,
  hasPersonalData,
  unmatchedPolicyEvents,
} from './governance-policy.ts';
export type {
  GovernanceApplied,
  GovernanceDecision,
  GovernancePolicy,
  GovernanceRule,
} from './governance-policy.ts';
export type { LintFinding, LintOptions, LintResult } from './plan-lint.ts';
export { CASINGS, isObjectAction, matchesCasing } from './naming.ts';
export type { Casing } from './naming.ts';
export { toCase } from './identifier.ts';

// Validation
export { createEventValidator } from './event-validator.ts';
export type { EventValidator, MessageRef, ValidatorOptions } from './event-validator.ts';
export { VIOLATION_TYPES } from './validation-report.ts';
export {
  CONSENT_IDS_KEY,
  consentIdsWarning,
  knownConsentCategories,
  planConsentCategories,
} from './consent-ids.ts';
export { mergeValidatorSnapshots } from './validator-snapshot.ts';
export { MessageIdIndex, contentFingerprint, crossTaskCandidates } from './message-ids.ts';
export type { FirstCopyReader, MessageIdExport, SeenElsewhere } from './message-ids.ts';
export type { ValidatorSnapshot } from './validator-snapshot.ts';
export type {
  DuplicateConflict,
  EventValidationSummary,
  InconsistentType,
  ValidationReport,
  ViolationSample,
  ViolationType,
} from './validation-report.ts';

// Formats
export { PLAN_DOCUMENT_FORMAT, PLAN_DOCUMENT_SCHEMA } from './plan-document-schema.ts';
export {
  fromPlanDocument,
  parsePlanDocument,
  serializePlanDocument,
  toPlanDocument,
} from './plan-document.ts';
export { PLAN_CSV_COLUMNS, planFromCsv, planToCsv } from './plan-csv.ts';
export { fromSegmentPlan, isSegmentPlan, toSegmentPlan } from './segment-format.ts';
export { fromRudderYaml, toRudderYaml } from './rudderstack-format.ts';
export { AMPLITUDE_COLUMNS, fromAmplitudeCsv, toAmplitudeCsv } from './amplitude-format.ts';
export {
  IGLU_NAME_LABEL,
  IGLU_VENDOR,
  IGLU_VENDOR_LABEL,
  PLACEHOLDER_IGLU_VENDOR,
  eventsWithoutIgluVendor,
  fromIgluSchemas,
  placeholderVendorWarning,
  toIgluSchemas,
} from './iglu-format.ts';
export type { FromIgluOptions, IgluSchemaFile } from './iglu-format.ts';
export { createIgluRegistry, igluKeyOf, igluUri, parseIgluUri } from './iglu-registry.ts';
export type { IgluKey, IgluRegistry } from './iglu-registry.ts';
export { fromJsonSchemas, toJsonSchemas } from './json-schema-format.ts';
export type { EventSchemaFile } from './json-schema-format.ts';
export { AMPLITUDE_GTM_COLUMNS } from './amplitude-format.ts';
export { COMMON_ROW_TYPE } from './plan-csv.ts';
export {
  GTM_ANNOTATION,
  eventAnnotation,
  governanceAnnotation,
  planAnnotation,
  readEventAnnotation,
  readGovernanceAnnotation,
} from './governance-annotations.ts';
export type { EventFact, PlanFact } from './governance-annotations.ts';
export { COMMON_EVENT, commonPayloadSchema, withCommonProperties } from './common-rules.ts';
export { LOSS_LABELS, planLosses, renderLosses } from './plan-fidelity.ts';
export type { PlanLoss } from './plan-fidelity.ts';

// Change management
export { diffPlans } from './plan-diff.ts';
export type { ChangeKind, ChangeLevel, EventVersionProposal, PlanChange, PlanDiff } from './plan-diff.ts';
export { renderChangelog } from './changelog.ts';

// Payload generator
export { createPayloadGenerator, generateSamplePayloads } from './payload-generator.ts';
export type { PayloadGenerator, PayloadGeneratorOptions } from './payload-generator.ts';

// Code generation
export { generateTrackingModule } from './codegen.ts';
export type { CodegenOptions } from './codegen.ts';

// Inference
export { createPlanInferrer, inferPlan } from './plan-inference.ts';
export type {
  EventStats,
  InferenceOptions,
  InferenceResult,
  PlanInferrer,
  PropertyStats,
} from './plan-inference.ts';

// Terminal views
export {
  duplicatesLine,
  formatDiffTable,
  formatInferenceTable,
  formatLintTable,
  formatRequirementsTable,
  formatValidationTable,
} from './format-tables.ts';
