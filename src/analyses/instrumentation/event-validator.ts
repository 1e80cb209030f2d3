import { withArticle } from '../text/index.ts';
import { withCommonProperties } from './common-rules.ts';
import { UNMATCHED_IDS_KEPT, planConsentCategories } from './consent-ids.ts';
import { eventPropertiesSchema } from './event-schema.ts';
import { MessageIdIndex, contentFingerprint } from './message-ids.ts';
import { detectPii } from './pii-detector.ts';
import { PlanParseError } from './plan-parse-error.ts';
import { createSchemaCompiler } from './schema-compiler.ts';
import type { ErrorObject, ValidateFunction } from './schema-compiler.ts';
import { compareSchemaVer, isSchemaVer, parseSchemaVer } from './schema-ver.ts';
import type { SchemaVer } from './schema-ver.ts';
import { schemaTypes } from './tracking-plan.ts';
import type { CallType, JsonSchema, PlanEvent, TrackingPlan } from './tracking-plan.ts';
import { VIOLATION_TYPES } from './validation-report.ts';
import type { ValidationReport, ViolationType } from './validation-report.ts';
import { TALLY_NULL, TALLY_TYPES, mergeValidatorSnapshots } from './validator-snapshot.ts';
import type { Evidence, SnapshotDuplicate, SnapshotSample, ValidatorSnapshot } from './validator-snapshot.ts';

export interface ValidatorOptions {
  /** Evidence kept per violation type (default 5). */
  maxSamplesPerType?: number;
  /** Scan string values of properties not flagged PII for emails, phones, cards (default true). */
  detectPii?: boolean;
  /**
   * Check each messageId once (default true): the first copy in input order is checked, later
   * copies (retries) are counted as `duplicates`, and as a conflict when their content differs from
   * the first (`sentAt` and `receivedAt` aside). Messages without a string messageId, or with an
   * empty one, are each checked.
   */
  dedupeMessageIds?: boolean;
  /**
   * The messageIds checked before this validator's messages (earlier files), which it adds to: share
   * one index to dedupe across validators. A file reader's index reads first copies back by
   * position (`MessageRef.offset`, or `line` for gzip) instead of keeping them. Default: a new
   * index that keeps each id and a fingerprint of its first copy.
   */
  messageIds?: MessageIdIndex;
  /**
   * When the messages are checked (epoch ms; the run's as-of). A message's `timestamp` later than
   * the earliest of this, its `receivedAt` and its `sentAt` by more than
   * `FUTURE_TIMESTAMP_TOLERANCE_MS` is a `future_timestamp`. Without it (this module reads no clock)
   * only `receivedAt` and `sentAt` are compared.
   */
  now?: number;
  /**
   * Consent manager ids → the plan's consent categories (gtm.yaml `events.governance.consent.ids`,
   * checked by the command: `checkConsentIds`): a message's `allowedConsentIds` / `deniedConsentIds` grant or
   * refuse the categories their ids map to. Without it ids match categories named after them only.
   */
  consentIds?: Record<string, string>;
}

/** Clock skew allowed between a message's `timestamp` and the times it is compared with (5 minutes). */
export const FUTURE_TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

/**
 * Where a message came from, for evidence and source checks. Readers can reuse one object and
 * update `line` per message: `where` is only built when evidence is kept.
 */
export interface MessageRef {
  /** `collector`, an HTTP request id, ... (takes precedence over file/line). */
  where?: string;
  file?: string;
  line?: number;
  /** Byte offset of the line in `file` (plain files), where a `messageIds` index reads it back. */
  offset?: number;
  /** The plan source the message is known to come from (e.g. by the write key it was sent with). */
  source?: string;
}

export interface EventValidator {
  /** Validates one message (a `batch` envelope validates each member); returns violations found. */
  validate(message: unknown, ref?: MessageRef): number;
  /** The report so far; can be called at any time, the validator keeps accumulating. */
  report(): ValidationReport;
  /** The state so far as plain data, to merge with other validators' (see `mergeValidatorSnapshots`). */
  snapshot(): ValidatorSnapshot;
  /**
   * Compares the later copies of messageIds whose first copy is in a gzip file with it (read back
   * in one pass); call before `snapshot` when the index reads gzip files. Nothing to do otherwise.
   */
  settle(): Promise<void>;
}

/** Evidence fields for a message reference (`where`, or file and line). */
function evidenceOf(payload: unknown, ref: MessageRef | undefined): Evidence {
  const e: Evidence = { payload };
  if (!ref) return e;
  if (ref.where !== undefined) e.where = ref.where;
  else if (ref.file !== undefined) {
    e.file = ref.file;
    if (ref.line !== undefined) e.line = ref.line;
  }
  return e;
}

const T_STRING = 0;
const T_NUMBER = 1;
const T_BOOLEAN = 2;
const T_OBJECT = 3;
const T_ARRAY = 4;
const T_NULL = TALLY_NULL;

const VIOLATION_INDEX = new Map<ViolationType, number>(VIOLATION_TYPES.map((t, i) => [t, i]));

/** Ajv keywords reported as `constraint_violation`; `type`, `required`, `additionalProperties` map elsewhere. */
function violationOfKeyword(keyword: string): ViolationType {
  if (keyword === 'type') return 'wrong_type';
  if (keyword === 'required') return 'missing_required_property';
  if (keyword === 'additionalProperties') return 'additional_property';
  return 'constraint_violation';
}

function jsonTypeIndex(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return T_STRING;
    case 'number':
      return T_NUMBER;
    case 'boolean':
      return T_BOOLEAN;
    case 'object':
      return value === null ? T_NULL : Array.isArray(value) ? T_ARRAY : T_OBJECT;
    default:
      return T_NULL;
  }
}

function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

interface TypeTally {
  counts: Int32Array;
  /** The first message seen with each type: evidence for inconsistent_type. */
  first: Array<Evidence | null>;
}

interface EventState {
  name: string;
  planned: boolean;
  checked: number;
  messagesWithViolations: number;
  byType: Int32Array;
  /** Per property of undeclared type: how often each JSON type was seen. */
  tallies: Map<string, TypeTally>;
}

interface CompiledEvent {
  event: PlanEvent;
  state: EventState;
  validate: ValidateFunction;
  /** Properties with a declared type: deviations are wrong_type, not inconsistent_type. */
  typed: Set<string>;
  /** Properties flagged PII: not scanned. */
  pii: Set<string>;
  /** The values the plan lists for a property (`enum`, `const`): planned values, never scanned for PII. */
  plannedValues: Map<string, Set<unknown>>;
  propertyConsent: Map<string, string>;
  personIds: Array<'userId' | 'anonymousId'>;
  needsGroupId: boolean;
  needsAccountId: boolean;
  sources: Set<string> | undefined;
  version: SchemaVer;
  /** The payload schema allows a non-object root (an imported Iglu schema of an array, say). */
  nonObjectPayload: boolean;
}

/**
 * Compiles a tracking plan into a streaming validator for Segment-spec messages (track, identify,
 * page, screen, group, alias, batch). Each event's payload schema is compiled once by Ajv; per
 * message the work is one compiled-schema call plus one pass over the payload's keys (type
 * tallies and PII scan), with allocations only when a violation is recorded.
 *
 * Lookup: `track` by event name; `page`/`screen` by `type:name`, else the generic event of that
 * type (named `*` or after the type); `identify`/`group` by the event of that type. Where checks
 * read from: payload = `properties` (track, page, screen) or `traits` (identify, group);
 * versions = `context.protocols.event_version` and `context.protocols.plan_version`; source =
 * `context.source` (id, or `{id}`/`{name}`), else a plan source listing `context.library.name`;
 * consent = `context.consent.categoryPreferences` or `context.consentManagement` (its
 * `categoryPreferences`, RudderStack's `allowedConsentIds` / `deniedConsentIds`, or a category map).
 *
 * @example
 * const v = createEventValidator(plan);
 * for (const msg of messages) v.validate(msg);
 * v.report().violationsByType.unplanned_event
 */
export function createEventValidator(plan: TrackingPlan, options: ValidatorOptions = {}): EventValidator {
  const maxSamples = options.maxSamplesPerType ?? 5;
  const scanPii = options.detectPii ?? true;
  const compiler = createSchemaCompiler();
  const planVersion = parseSchemaVer(plan.version);
  const optIn = plan.consentMode === 'opt-in';
  // consent manager ids: what each maps to, and what an id must be to be read at all
  const idMap = new Map<string, string>();
  for (const [id, category] of Object.entries(options.consentIds ?? {}))
    idMap.set(id.toLowerCase(), category);
  const planCategories = planConsentCategories(plan);
  const knownIds = new Set([...planCategories.map((c) => c.toLowerCase()), ...idMap.keys()]);
  let unmatchedMessages = 0;
  const unmatchedIds = new Set<string>();

  const states = new Map<string, EventState>();
  const stateFor = (name: string, planned: boolean): EventState => {
    let s = states.get(name);
    if (!s) {
      s = {
        name,
        planned,
        checked: 0,
        messagesWithViolations: 0,
        byType: new Int32Array(VIOLATION_TYPES.length),
        tallies: new Map(),
      };
      states.set(name, s);
    }
    return s;
  };

  const compileEvent = (planned: PlanEvent, label: string): CompiledEvent => {
    // Common properties (Segment COMMON rules) constrain every track, page and screen payload.
    const event = withCommonProperties(plan, planned);
    const typed = new Set<string>();
    const pii = new Set<string>();
    const propertyConsent = new Map<string, string>();
    const plannedValues = new Map<string, Set<unknown>>();
    for (const p of event.properties) {
      if (schemaTypes(p.schema).length > 0 || p.schema.enum || p.schema.const !== undefined)
        typed.add(p.name);
      if (p.pii) pii.add(p.name);
      const listed = [...(Array.isArray(p.schema.enum) ? p.schema.enum : []), p.schema.const];
      if (listed.some((v) => typeof v === 'string')) plannedValues.set(p.name, new Set(listed));
      if (p.consentCategory) propertyConsent.set(p.name, p.consentCategory);
    }
    const personIds = event.identities.filter(
      (i): i is 'userId' | 'anonymousId' => i === 'userId' || i === 'anonymousId',
    );
    return {
      event,
      state: stateFor(label, true),
      validate: compileOrExplain(compiler, event, eventPropertiesSchema(event)),
      typed,
      pii,
      plannedValues,
      propertyConsent,
      personIds,
      needsGroupId: event.identities.includes('groupId'),
      needsAccountId: event.identities.includes('accountId'),
      sources: event.sources.length ? new Set(event.sources) : undefined,
      version: isSchemaVer(event.version)
        ? parseSchemaVer(event.version)
        : { model: 1, revision: 0, addition: 0 },
      nonObjectPayload: !!event.schemaExtras && schemaTypes(event.schemaExtras).some((t) => t !== 'object'),
    };
  };

  const trackEvents = new Map<string, CompiledEvent>();
  const namedByType = new Map<string, CompiledEvent>();
  const genericByType = new Map<CallType, CompiledEvent>();
  const countByType = new Map<CallType, number>();
  for (const e of plan.events) countByType.set(e.type, (countByType.get(e.type) ?? 0) + 1);
  for (const e of plan.events) {
    if (e.type === 'track') {
      if (!trackEvents.has(e.name)) trackEvents.set(e.name, compileEvent(e, e.name));
      continue;
    }
    const label = `${e.type}:${e.name}`;
    const compiled = compileEvent(e, label);
    const generic = e.name === '*' || e.name.toLowerCase() === e.type || countByType.get(e.type) === 1;
    if (generic && !genericByType.has(e.type)) genericByType.set(e.type, compiled);
    if (!namedByType.has(label)) namedByType.set(label, compiled);
  }
  // The names a plan lists per page/screen type when it has no generic event of that type: a
  // page or screen of another name (or none) is then unplanned, as an unlisted track event is.
  const namedOfType = new Map<string, string[]>();
  for (const e of plan.events) {
    if ((e.type === 'page' || e.type === 'screen') && !genericByType.has(e.type))
      namedOfType.set(e.type, [...(namedOfType.get(e.type) ?? []), e.name]);
  }
  const lowerTrackNames = new Map<string, string>();
  for (const name of trackEvents.keys())
    lowerTrackNames.set(name.toLowerCase().replace(/[\s_-]+/g, ''), name);

  const sourceByLibrary = new Map<string, string>();
  for (const s of plan.sources) for (const lib of s.libraries ?? []) sourceByLibrary.set(lib, s.id);

  // Running totals.
  let checked = 0;
  let messagesWithViolations = 0;
  const callTypes: Record<string, number> = {};
  const samples: SnapshotSample[] = [];
  const samplesPerType = new Int32Array(VIOLATION_TYPES.length);

  // messageIds: later copies per messageId; comparisons waiting for a first copy's fingerprint.
  const ids = (options.dedupeMessageIds ?? true) ? (options.messageIds ?? new MessageIdIndex()) : undefined;
  let duplicates = 0;
  const duplicateIds = new Map<string, SnapshotDuplicate>();
  const waiting: Array<{
    d: SnapshotDuplicate;
    first: number;
    print: number;
    where: SnapshotDuplicate['firstDiffering'];
  }> = [];
  const compared = (
    d: SnapshotDuplicate,
    first: number | undefined,
    print: number,
    where: SnapshotDuplicate['firstDiffering'],
  ) => {
    if (print !== first && d.differing++ === 0) d.firstDiffering = where;
  };

  /** Whether `msg` repeats a messageId already checked (then counted as a duplicate). */
  const isDuplicate = (
    id: string,
    msg: Record<string, unknown>,
    ref: MessageRef | undefined,
    batch: number,
  ): boolean => {
    const first = ids!.firstCopyOf(id, msg, ref?.offset ?? ref?.line ?? 0, batch);
    if (first < 0) return false;
    duplicates++;
    let d = duplicateIds.get(id);
    if (!d) duplicateIds.set(id, (d = { id, copies: 0, differing: 0, firstDiffering: null }));
    d.copies++;
    const print = contentFingerprint(msg);
    const { payload: _, ...where } = evidenceOf(undefined, ref);
    const firstPrint = ids!.printOf(first);
    if (firstPrint === undefined) waiting.push({ d, first, print, where });
    else compared(d, firstPrint, print, where);
    return true;
  };

  const settle = async () => {
    if (!waiting.length) return;
    await ids!.resolvePrints(waiting.map((w) => w.first));
    for (const w of waiting) compared(w.d, ids!.printOf(w.first), w.print, w.where);
    waiting.length = 0;
  };

  // Per-message scratch.
  let found = 0;
  let current: EventState | undefined;
  let currentMessage: unknown;
  let currentRef: MessageRef | undefined;

  const record = (type: ViolationType, property: string | undefined, detail: () => string) => {
    const i = VIOLATION_INDEX.get(type)!;
    found++;
    current!.byType[i]++;
    if (samplesPerType[i] < maxSamples) {
      samplesPerType[i]++;
      const sample: SnapshotSample = {
        type,
        event: current!.name,
        detail: detail(),
        ...evidenceOf(currentMessage, currentRef),
      };
      if (property !== undefined) sample.property = property;
      samples.push(sample);
    }
  };

  const tally = (state: EventState, key: string, value: unknown) => {
    const t = jsonTypeIndex(value);
    if (t === T_NULL) return;
    let tl = state.tallies.get(key);
    if (!tl) {
      tl = { counts: new Int32Array(TALLY_TYPES.length), first: TALLY_TYPES.map(() => null) };
      state.tallies.set(key, tl);
    }
    if (tl.counts[t]++ === 0) tl.first[t] = evidenceOf(currentMessage, currentRef);
  };

  /**
   * Looks for personal data in a property's value: strings, the first 20 items of arrays and the
   * values of nested objects (3 levels). One finding per top-level property at most.
   */
  const findPii = (value: unknown, depth: number): string | undefined => {
    if (typeof value === 'string') return detectPii(value);
    if (depth >= 3 || value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) {
      const n = Math.min(value.length, 20);
      for (let i = 0; i < n; i++) {
        const kind = findPii(value[i], depth + 1);
        if (kind) return kind;
      }
      return undefined;
    }
    for (const k in value as Record<string, unknown>) {
      const kind = findPii((value as Record<string, unknown>)[k], depth + 1);
      if (kind) return kind;
    }
    return undefined;
  };

  const scanValue = (key: string, value: unknown) => {
    const kind = findPii(value, 0);
    if (kind) {
      record(
        'pii_detected',
        key,
        () => `"${key}" holds what looks like ${article(kind)} but is not flagged PII`,
      );
    }
  };

  const mapErrors = (errors: ErrorObject[]) => {
    // Branch errors under anyOf/oneOf are reported once, as the composition's constraint_violation.
    let compositions: string[] | undefined;
    for (const e of errors) {
      if (e.keyword === 'anyOf' || e.keyword === 'oneOf') (compositions ??= []).push(e.schemaPath + '/');
    }
    let wrongTypePaths: Set<string> | undefined;
    for (const e of errors) if (e.keyword === 'type') (wrongTypePaths ??= new Set()).add(e.instancePath);
    for (const e of errors) {
      if (compositions && compositions.some((c) => e.schemaPath.startsWith(c))) continue;
      const type = violationOfKeyword(e.keyword);
      if (type === 'constraint_violation' && wrongTypePaths?.has(e.instancePath)) continue;
      let path = pointerToPath(e.instancePath);
      const params = e.params as Record<string, unknown>;
      if (type === 'missing_required_property')
        path = path ? `${path}.${params.missingProperty}` : String(params.missingProperty);
      else if (type === 'additional_property')
        path = path ? `${path}.${params.additionalProperty}` : String(params.additionalProperty);
      record(type, path || undefined, () => describeError(type, path, e));
    }
  };

  /** A message whose consent ids all match no plan category and no mapping: counted, ids kept. */
  const noteUnmatched = (ids: readonly string[]) => {
    if (ids.some((id) => knownIds.has(id.toLowerCase()))) return;
    unmatchedMessages++;
    for (const id of ids) if (unmatchedIds.size < UNMATCHED_IDS_KEPT) unmatchedIds.add(id);
  };

  /** Records a consent violation when `category` is refused (or, opt-in, not granted); returns whether it did. */
  const refusedConsent = (
    prefs: Record<string, unknown> | undefined,
    category: string,
    property: string | undefined,
  ): boolean => {
    const granted = prefs === undefined ? undefined : lookupCategory(prefs, category);
    const refused = granted === false || (optIn && granted !== true);
    if (refused) {
      record('consent_violation', property, () =>
        prefs === undefined
          ? `sent without a consent object; "${category}" needs explicit consent (plan consent mode opt-in)`
          : `sent although consent category "${category}" is ${granted === false ? 'refused' : 'not granted'}`,
      );
    }
    return refused;
  };

  const checkConsent = (
    compiled: CompiledEvent,
    context: Record<string, unknown> | undefined,
    payload: Record<string, unknown>,
  ) => {
    const eventCategory = compiled.event.consentCategory;
    if (!eventCategory && compiled.propertyConsent.size === 0) return;
    const prefs = consentPreferences(context, idMap, noteUnmatched);
    if (eventCategory && refusedConsent(prefs, eventCategory, undefined)) return;
    if (compiled.propertyConsent.size) {
      for (const [prop, category] of compiled.propertyConsent) {
        if (category !== eventCategory && payload[prop] !== undefined) refusedConsent(prefs, category, prop);
      }
    }
  };

  /** An unplanned message's properties: tallied (types seen) and scanned for PII. */
  const tallyUnplanned = (state: EventState, props: unknown) => {
    if (!props || typeof props !== 'object' || Array.isArray(props)) return;
    const payload = props as Record<string, unknown>;
    for (const key in payload) {
      const value = payload[key];
      tally(state, key, value);
      if (scanPii) scanValue(key, value);
    }
  };

  /** A page or screen whose name the plan does not list (the plan lists names of that type, no generic one). */
  const unplannedView = (type: string, msg: Record<string, unknown>) => {
    const shown = typeof msg.name === 'string' ? msg.name : '';
    const state = stateFor(`${type}:${shown || '(no name)'}`, false);
    current = state;
    state.checked++;
    const listed = (namedOfType.get(type) ?? []).map((n) => `"${n}"`).join(', ');
    record('unplanned_event', undefined, () =>
      shown
        ? `${type} "${shown}" is not in the plan (its ${type}s: ${listed})`
        : `${type} without a name, and the plan lists only named ${type}s (${listed})`,
    );
    tallyUnplanned(state, msg.properties);
    finishMessage();
  };

  const validateOne = (msg: Record<string, unknown>, ref: MessageRef | undefined, batch: number) => {
    if (ids && typeof msg.messageId === 'string' && msg.messageId !== '') {
      if (isDuplicate(msg.messageId, msg, ref, batch)) {
        found = 0;
        return;
      }
    }
    const type =
      typeof msg.type === 'string' ? msg.type : typeof msg.event === 'string' ? 'track' : 'unknown';
    callTypes[type] = (callTypes[type] ?? 0) + 1;
    checked++;
    found = 0;
    currentMessage = msg;
    currentRef = ref;
    let compiled: CompiledEvent | undefined;
    if (type === 'track') {
      const name = typeof msg.event === 'string' ? msg.event : '';
      compiled = trackEvents.get(name);
      if (!compiled) {
        current = stateFor(name, false);
        current.checked++;
        const close = lowerTrackNames.get(name.toLowerCase().replace(/[\s_-]+/g, ''));
        record('unplanned_event', undefined, () =>
          close ? `"${name}" is not in the plan (did you mean "${close}"?)` : `"${name}" is not in the plan`,
        );
        tallyUnplanned(current, msg.properties);
        finishMessage();
        return;
      }
    } else if (type === 'page' || type === 'screen') {
      compiled =
        (typeof msg.name === 'string' ? namedByType.get(`${type}:${msg.name}`) : undefined) ??
        genericByType.get(type);
    } else if (type === 'identify' || type === 'group') {
      compiled = genericByType.get(type);
    }
    if (!compiled && (type === 'page' || type === 'screen') && namedOfType.has(type)) {
      unplannedView(type, msg);
      return;
    }
    if (!compiled) {
      current = stateFor(type, false);
      current.checked++;
      if (!SEGMENT_CALL_TYPES.has(type)) {
        record('wrong_type', 'type', () => notACallType(msg));
      }
      finishMessage();
      return;
    }
    current = compiled.state;
    current.checked++;
    const event = compiled.event;
    const context = (msg.context && typeof msg.context === 'object' ? msg.context : undefined) as
      Record<string, unknown> | undefined;
    let raw = type === 'identify' || type === 'group' ? msg.traits : msg.properties;
    if (raw === undefined && (type === 'identify' || type === 'group')) raw = context?.traits;
    const payload: Record<string, unknown> =
      raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    if (raw !== undefined && payload !== raw && !compiled.nonObjectPayload) {
      record(
        'wrong_type',
        type === 'identify' || type === 'group' ? 'traits' : 'properties',
        () => 'payload is not an object',
      );
    } else if (!compiled.validate(compiled.nonObjectPayload && raw !== undefined ? raw : payload)) {
      mapErrors(compiled.validate.errors ?? []);
    }

    // Identities.
    if (compiled.personIds.length) {
      let present = false;
      for (const id of compiled.personIds) if (isPresent(msg[id])) present = true;
      if (!present) {
        const label = compiled.personIds.join(' or ');
        record('missing_required_property', compiled.personIds[0], () => `identity ${label} is missing`);
      }
    }
    if (compiled.needsGroupId && !isPresent(msg.groupId) && !isPresent(context?.groupId)) {
      record(
        'missing_required_property',
        'groupId',
        () => 'identity groupId is missing (groupId or context.groupId)',
      );
    }
    if (compiled.needsAccountId && !hasAccountId(msg, context, payload)) {
      record('missing_required_property', 'accountId', () => 'identity accountId is missing');
    }

    // Time: an event cannot happen after it was sent, received or checked.
    const ts = instant(msg.timestamp);
    if (ts !== undefined) {
      let ref: number | undefined;
      let refLabel = '';
      const consider = (t: number | undefined, label: string) => {
        if (t !== undefined && (ref === undefined || t < ref)) {
          ref = t;
          refLabel = label;
        }
      };
      consider(instant(msg.receivedAt), 'its receivedAt');
      consider(instant(msg.sentAt), 'its sentAt');
      consider(options.now, 'the check time');
      if (ref !== undefined && ts > ref + FUTURE_TIMESTAMP_TOLERANCE_MS) {
        const at = ref;
        record(
          'future_timestamp',
          undefined,
          () =>
            `timestamp ${String(msg.timestamp)} is ${duration(ts - at)} after ${refLabel} (${new Date(at).toISOString()})`,
        );
      }
    }

    // Versions.
    if (event.status === 'deprecated') {
      record('outdated_version', undefined, () => `"${event.name}" is deprecated in the plan`);
    }
    const protocols = context?.protocols as Record<string, unknown> | undefined;
    if (protocols) {
      const declared = readVersion(protocols.event_version);
      if (declared && isOutdated(declared, compiled.version)) {
        record(
          'outdated_version',
          undefined,
          () => `built against event version ${fmt(declared)}, plan has ${event.version}`,
        );
      }
      const declaredPlan = readVersion(protocols.plan_version);
      if (declaredPlan && isOutdated(declaredPlan, planVersion)) {
        record(
          'outdated_version',
          undefined,
          () => `built against plan version ${fmt(declaredPlan)}, plan is ${plan.version}`,
        );
      }
    }

    // Source.
    if (compiled.sources) {
      const source = ref?.source ?? messageSource(context, sourceByLibrary);
      if (source !== undefined && !compiled.sources.has(source)) {
        record(
          'unexpected_source',
          undefined,
          () => `sent from "${source}"; plan allows ${[...compiled!.sources!].join(', ')}`,
        );
      }
    }

    checkConsent(compiled, context, payload);

    // Types across the stream, and PII in values.
    const scan = scanPii && !event.pii;
    for (const key in payload) {
      const value = payload[key];
      if (!compiled.typed.has(key)) tally(current, key, value);
      // A value the plan lists ("201-1000" employees) is planned, not undeclared personal data.
      if (scan && !compiled.pii.has(key) && !compiled.plannedValues.get(key)?.has(value))
        scanValue(key, value);
    }
    finishMessage();
  };

  const finishMessage = () => {
    if (found > 0) {
      messagesWithViolations++;
      current!.messagesWithViolations++;
    }
    current = undefined;
    currentMessage = undefined;
  };

  const validate = (message: unknown, ref?: MessageRef): number => {
    if (!message || typeof message !== 'object' || Array.isArray(message)) {
      current = stateFor('(not a message)', false);
      current.checked++;
      checked++;
      found = 0;
      currentMessage = message;
      currentRef = ref;
      record('wrong_type', undefined, () => 'message is not a JSON object');
      finishMessage();
      return 1;
    }
    const msg = message as Record<string, unknown>;
    if (Array.isArray(msg.batch) && (msg.type === undefined || msg.type === 'batch')) {
      let n = 0;
      for (let i = 0; i < msg.batch.length; i++) {
        const member: unknown = msg.batch[i];
        if (member && typeof member === 'object' && !Array.isArray(member)) {
          validateOne(member as Record<string, unknown>, ref, i);
          n += found;
        } else n += validate(member, ref);
      }
      return n;
    }
    validateOne(msg, ref, -1);
    return found;
  };

  const snapshot = (): ValidatorSnapshot => ({
    plan: { name: plan.name, version: plan.version },
    maxSamplesPerType: maxSamples,
    checked,
    duplicates,
    duplicateIds: [...duplicateIds.values()].map((d) => ({
      ...d,
      firstDiffering: d.firstDiffering && { ...d.firstDiffering },
    })),
    messagesWithViolations,
    callTypes: { ...callTypes },
    events: [...states.values()].map((s) => ({
      name: s.name,
      planned: s.planned,
      checked: s.checked,
      messagesWithViolations: s.messagesWithViolations,
      byType: [...s.byType],
      tallies: [...s.tallies].map(([property, tl]) => ({
        property,
        counts: [...tl.counts],
        first: [...tl.first],
      })),
    })),
    samples: [...samples],
    ...(unmatchedMessages > 0
      ? {
          consentIdsUnmatched: {
            messages: unmatchedMessages,
            ids: [...unmatchedIds],
            categories: [...planCategories],
          },
        }
      : {}),
  });

  const report = (): ValidationReport => mergeValidatorSnapshots([{ snapshot: snapshot() }]);

  return { validate, report, snapshot, settle };
}

/**
 * Compiles an event's schema; a schema Ajv refuses (a type that is not a JSON type, a minimum that
 * is not a number, a pattern that is not a regular expression) is a problem of the plan, named
 * with its event, never a crash of the validator.
 */
function compileOrExplain(
  compiler: { compile(schema: JsonSchema): ValidateFunction },
  event: PlanEvent,
  schema: JsonSchema,
): ValidateFunction {
  try {
    return compiler.compile(schema);
  } catch (err) {
    // Ajv lists one problem several ways (`must be equal to one of the allowed values, must be
    // array, must match a schema in anyOf`): the first names it.
    const message = (err instanceof Error ? err.message : String(err)).split(/, (?=data\b)/)[0];
    // Ajv's meta-schema errors name JSON pointers under `data`: `data/properties/amount/type`.
    const reason = message.startsWith('schema is invalid: ')
      ? message
          .slice('schema is invalid: '.length)
          .replace(
            /\bdata((?:\/[^\s/]+)*)/g,
            (_m, p: string) => p.slice(1).replace(/\//g, '.') || 'the schema',
          )
      : message;
    throw new PlanParseError(
      `the JSON Schema of ${event.type} event "${event.name}" is not valid: ${reason}`,
      undefined,
      'fix that property in the plan (types: string, number, integer, boolean, array, object, null; bounds are numbers; patterns are regular expressions); `gtm events lint --plan FILE` lists every invalid schema and pattern',
    );
  }
}

/** The call types of the Segment spec a message can have (a batch is unwrapped before). */
const SEGMENT_CALL_TYPES = new Set(['track', 'identify', 'page', 'screen', 'group', 'alias']);

/** Why a message is no Segment call: a "trak", a batch without its array, no type at all. */
function notACallType(msg: Record<string, unknown>): string {
  if (msg.type === 'batch') return '"batch" must be an array of messages';
  const got = msg.type === undefined ? 'no "type" (and no "event")' : `got ${JSON.stringify(msg.type)}`;
  return `"type" must be one of ${[...SEGMENT_CALL_TYPES].join(', ')} or batch; ${got}`;
}

/** Epoch ms of an ISO 8601 date or time string, or undefined. */
function instant(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours < 48) return `${hours} hours`;
  return `${Math.round(ms / 86_400_000)} days`;
}

function article(kind: string): string {
  return kind === 'email'
    ? 'an email address'
    : kind === 'ip'
      ? 'an IP address'
      : kind === 'ssn'
        ? 'a social security number'
        : kind === 'card'
          ? 'a payment card number'
          : `${withArticle(kind)} number`;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function hasAccountId(
  msg: Record<string, unknown>,
  context: Record<string, unknown> | undefined,
  payload: Record<string, unknown>,
): boolean {
  return (
    isPresent(context?.groupId) ||
    isPresent(msg.groupId) ||
    isPresent(payload.account_id) ||
    isPresent(payload.accountId) ||
    isPresent((context?.traits as Record<string, unknown> | undefined)?.account_id)
  );
}

function readVersion(value: unknown): SchemaVer | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1)
    return { model: value, revision: 0, addition: 0 };
  if (typeof value === 'string' && (isSchemaVer(value) || /^[1-9]\d*$/.test(value)))
    return parseSchemaVer(value);
  return undefined;
}

/**
 * A message is outdated when built against an older MODEL, or the same MODEL and an older
 * REVISION: both may be incompatible with the current schema. An older ADDITION is compatible.
 */
function isOutdated(declared: SchemaVer, current: SchemaVer): boolean {
  if (declared.model !== current.model) return declared.model < current.model;
  return declared.revision < current.revision && compareSchemaVer(declared, current) < 0;
}

function fmt(v: SchemaVer): string {
  return `${v.model}-${v.revision}-${v.addition}`;
}

function messageSource(
  context: Record<string, unknown> | undefined,
  byLibrary: Map<string, string>,
): string | undefined {
  const src = context?.source;
  if (typeof src === 'string' && src) return src;
  if (src && typeof src === 'object') {
    const o = src as Record<string, unknown>;
    if (typeof o.id === 'string') return o.id;
    if (typeof o.name === 'string') return o.name;
  }
  const lib = (context?.library as Record<string, unknown> | undefined)?.name;
  return typeof lib === 'string' ? byLibrary.get(lib) : undefined;
}

function consentPreferences(
  context: Record<string, unknown> | undefined,
  idMap: ReadonlyMap<string, string>,
  noteUnmatched: (ids: readonly string[]) => void,
): Record<string, unknown> | undefined {
  if (!context) return undefined;
  const consent = context.consent as Record<string, unknown> | undefined;
  const prefs = consent?.categoryPreferences;
  if (prefs && typeof prefs === 'object') return prefs as Record<string, unknown>;
  const cm = context.consentManagement as Record<string, unknown> | undefined;
  if (cm && typeof cm === 'object') {
    const inner = cm.categoryPreferences;
    if (inner && typeof inner === 'object') return inner as Record<string, unknown>;
    if (Array.isArray(cm.allowedConsentIds) || Array.isArray(cm.deniedConsentIds))
      return consentIds(cm, idMap, noteUnmatched);
    return cm;
  }
  return undefined;
}

/**
 * RudderStack's form (`context.consentManagement`: `allowedConsentIds`, `deniedConsentIds`, the
 * consent manager's category ids) as preferences; an id listed in both is refused. Each id also
 * grants or refuses the category `idMap` maps it to (ids compared ignoring case): refused when any
 * of its ids is denied, else granted when one is allowed. The message's ids go to `noteUnmatched`.
 */
function consentIds(
  cm: Record<string, unknown>,
  idMap: ReadonlyMap<string, string>,
  noteUnmatched: (ids: readonly string[]) => void,
): Record<string, boolean> {
  const prefs: Record<string, boolean> = {};
  const mapped: Record<string, boolean> = {};
  const ids: string[] = [];
  for (const [list, granted] of [
    [cm.allowedConsentIds, true],
    [cm.deniedConsentIds, false],
  ] as const) {
    if (!Array.isArray(list)) continue;
    for (const id of list as unknown[]) {
      if (typeof id !== 'string') continue;
      prefs[id] = granted;
      ids.push(id);
      const category = idMap.get(id.toLowerCase());
      if (category !== undefined) mapped[category] = granted && mapped[category] !== false;
    }
  }
  if (ids.length > 0) noteUnmatched(ids);
  // a category named after an id keeps that id's answer; a mapped category adds its own
  for (const [category, granted] of Object.entries(mapped))
    if (!(category in prefs) || !granted) prefs[category] = granted && prefs[category] !== false;
  return prefs;
}

/** true/false when the category is present (exact name first, then ignoring case), else undefined. */
function lookupCategory(prefs: Record<string, unknown>, category: string): boolean | undefined {
  let v = prefs[category];
  if (v === undefined) {
    const lower = category.toLowerCase();
    for (const k in prefs) {
      if (k.toLowerCase() === lower) {
        v = prefs[k];
        break;
      }
    }
  }
  if (v === undefined) return undefined;
  return v === true || v === 'true' || v === 1;
}

/** What a string of a JSON Schema format is, with its article: "an email address", "a URI". */
const FORMAT_NOUNS: Record<string, string> = {
  email: 'an email address',
  'idn-email': 'an email address',
  'date-time': 'a date-time (e.g. 2026-05-16T15:04:05Z)',
  date: 'a date (YYYY-MM-DD)',
  time: 'a time of day (e.g. 15:04:05Z)',
  duration: 'an ISO 8601 duration',
  uri: 'a URI',
  'uri-reference': 'a URI reference',
  'strict-uri': 'an absolute URI (scheme://…)',
  iri: 'an IRI',
  'iri-reference': 'an IRI reference',
  uuid: 'a UUID',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  hostname: 'a host name',
  'idn-hostname': 'a host name',
  regex: 'a regular expression',
  'json-pointer': 'a JSON pointer',
};

function formatNoun(format: string): string {
  return FORMAT_NOUNS[format] ?? withArticle(format);
}

function describeError(type: ViolationType, path: string, e: ErrorObject): string {
  const where = path ? `"${path}"` : 'payload';
  const params = e.params as Record<string, unknown>;
  switch (type) {
    case 'missing_required_property':
      return `required property ${where} is missing`;
    case 'additional_property':
      return `property ${where} is not in the plan`;
    case 'wrong_type':
      return `${where} must be ${Array.isArray(params.type) ? params.type.join(' or ') : String(params.type)}`;
    default:
      if (e.keyword === 'enum') return `${where} must be one of ${JSON.stringify(params.allowedValues)}`;
      if (e.keyword === 'format') return `${where} must be ${formatNoun(String(params.format))}`;
      return `${where} ${e.message ?? `fails ${e.keyword}`}`;
  }
}
