import { COMMON_EVENT } from './common-rules.ts';
import { hasPersonalData } from './governance-policy.ts';
import { LINT_RULES } from './lint-rules.ts';
import type { LintRule, LintRuleId, Severity } from './lint-rules.ts';
import { createEvent } from './tracking-plan.ts';
import { duplicateKey, isObjectAction, matchesCasing } from './naming.ts';
import type { Casing } from './naming.ts';
import { piiKindFromName } from './pii-detector.ts';
import { schemaMetaError } from './schema-compiler.ts';
import { isSchemaVer } from './schema-ver.ts';
import { schemaTypes } from './tracking-plan.ts';
import type {
  Governance,
  JsonSchema,
  PlanEvent,
  PlanProperty,
  Regulation,
  TrackingPlan,
} from './tracking-plan.ts';

export interface LintFinding {
  rule: LintRuleId;
  severity: Severity;
  event?: string;
  /** Dotted path of the property (nested: `garage.tunnel`, array items: `items[]`). */
  property?: string;
  message: string;
}

export interface LintOptions {
  /** Casing of event names (default `title`). */
  eventCasing?: Casing;
  /** Casing of property names (default `snake`). */
  propertyCasing?: Casing;
  /** Regulations to enforce in addition to the plan's (the `constraints` input). */
  regulations?: Regulation[];
  /** Longest retention allowed for personal data under GDPR, in days (default 365). */
  piiMaxRetentionDays?: number;
  /** Rule ids to switch off. */
  disable?: LintRuleId[];
}

export interface LintResult {
  findings: LintFinding[];
  errors: number;
  warnings: number;
  /** Regulations enforced. */
  regulations: Regulation[];
  /** How many events have a retention period and a consent category: governance is never silently empty. */
  coverage: { events: number; with_retention: number; with_consent: number };
}

const RULES = new Map<string, LintRule>(LINT_RULES.map((r) => [r.id, r]));
const ADVERTISING = /advert|marketing|targeting|sale|sharing/i;
const AGE_GATE_EVENT = /\bage\b.*\b(gate|gat|verif|confirm|check|screen)|\bage[-_ ]?(gate|verif)/i;
const AGE_GATE_PROPERTY =
  /^(age[-_ ]?verified|is[-_ ]?(child|minor|under[-_ ]?13)|age[-_ ]?gate[-_ ]?passed|birth[-_ ]?year)$/i;
const URL_LIKE = /(^|_)(url|path|search|query|referrer|href)$/i;

/**
 * Lints a tracking plan: naming, documentation, schema sanity, and the rules each declared
 * regulation brings (see `LINT_RULES` for ids and severities).
 *
 * @example
 * const { findings, errors } = lintPlan(plan, { eventCasing: 'snake', regulations: ['GDPR'] });
 */
export function lintPlan(plan: TrackingPlan, options: LintOptions = {}): LintResult {
  const eventCasing = options.eventCasing ?? 'title';
  const propertyCasing = options.propertyCasing ?? 'snake';
  const maxDays = options.piiMaxRetentionDays ?? 365;
  const disabled = new Set<string>(options.disable ?? []);
  const regulations = [...new Set([...plan.regulations, ...(options.regulations ?? [])])];
  const has = (r: Regulation) => regulations.includes(r);
  const findings: LintFinding[] = [];
  const add = (rule: LintRuleId, message: string, event?: string, property?: string) => {
    if (disabled.has(rule)) return;
    const r = RULES.get(rule)!;
    const severity = regulations.length && r.regulatedSeverity ? r.regulatedSeverity : r.severity;
    const f: LintFinding = { rule, severity, message };
    if (event !== undefined) f.event = event;
    if (property !== undefined) f.property = property;
    findings.push(f);
  };

  if (!isSchemaVer(plan.version))
    add('invalid-version', `plan version "${plan.version}" is not MODEL-REVISION-ADDITION`);
  if (has('GDPR') && plan.consentMode !== 'opt-in') {
    add(
      'gdpr-opt-in',
      'consent mode is opt-out; under GDPR a message without a consent object has no consent (set consent mode opt-in)',
    );
  }

  // Duplicate events per call type.
  const seenEvents = new Map<string, string>();
  for (const e of plan.events) {
    const key = `${e.type}:${duplicateKey(e.name)}`;
    const prev = seenEvents.get(key);
    if (prev !== undefined)
      add('duplicate-event-name', `"${e.name}" duplicates "${prev}" (case and separators ignored)`, e.name);
    else seenEvents.set(key, e.name);
  }

  const sourceIds = new Set(plan.sources.map((s) => s.id));
  const categories = new Set(plan.consentCategories.map((c) => c.toLowerCase()));

  for (const e of plan.events) {
    const ev = e.name;
    if (e.type === 'track' || e.type === 'page' || e.type === 'screen') {
      if (e.type === 'track' && !matchesCasing(e.name, eventCasing)) {
        add('event-name-casing', `"${e.name}" is not ${eventCasing} case`, ev);
      }
      if (e.type === 'track' && !isObjectAction(e.name)) {
        add(
          'event-name-object-action',
          `"${e.name}" does not read object then past-tense action (e.g. "Order Completed")`,
          ev,
        );
      }
    }
    if (!e.description) add('event-described', 'event has no description', ev);
    if (!isSchemaVer(e.version))
      add('invalid-version', `event version "${e.version}" is not MODEL-REVISION-ADDITION`, ev);
    if (!(e.samplingRate >= 0 && e.samplingRate <= 1))
      add('sampling-rate-range', `sampling rate ${e.samplingRate} is outside [0, 1]`, ev);
    if (sourceIds.size) {
      for (const s of e.sources)
        if (!sourceIds.has(s)) add('unknown-source', `source "${s}" is not defined in the plan`, ev);
    }
    if (e.identities.length === 0) add('identity-required', 'event lists no identities', ev);
    const under = regulations.length ? ` (required under ${regulations.join(', ')})` : '';
    if (e.retentionDays === undefined) add('event-retention', `event has no retention period${under}`, ev);
    else if (has('GDPR') && e.retentionDays > maxDays && hasPersonalData(e))
      add(
        'gdpr-event-retention',
        `event carries personal data and is kept ${e.retentionDays} days, more than ${maxDays}`,
        ev,
      );
    if (!e.consentCategory) add('event-consent-category', `event names no consent category${under}`, ev);
    checkCategory(e, ev, undefined);

    // Properties, nested ones included.
    checkProperties(
      e.properties.map((p) => ({ name: p.name, schema: p.schema, description: p.description, prop: p })),
      ev,
      '',
    );
    for (const p of e.properties) checkPrivacy(e, p);
    if (has('HIPAA') && (e.type === 'page' || e.type === 'screen')) {
      for (const p of e.properties) {
        if (URL_LIKE.test(p.name) && !p.schema.pattern && !p.schema.enum) {
          add(
            'hipaa-no-identifiers-in-page-urls',
            `"${p.name}" can carry query strings with PHI; bound it with a pattern or drop it`,
            ev,
            p.name,
          );
        }
      }
    }
  }

  // Common properties travel with every event: the same naming, documentation and privacy rules.
  if (plan.common) {
    const shared = createEvent({ name: COMMON_EVENT });
    checkProperties(
      plan.common.properties.map((p) => ({ name: p.name, schema: p.schema, description: p.description })),
      COMMON_EVENT,
      '',
    );
    for (const p of plan.common.properties) checkPrivacy(shared, p);
  }

  checkTypeConflicts();

  if (has('COPPA')) {
    const gated = plan.events.some(
      (e) => AGE_GATE_EVENT.test(e.name) || e.properties.some((p) => AGE_GATE_PROPERTY.test(p.name)),
    );
    if (!gated)
      add('coppa-age-gate', 'no age-gating event (e.g. "Age Gate Completed" with age_verified) in the plan');
  }

  /**
   * One property name, one type: the first definition of a name (common properties first, then
   * the events in plan order) sets it, and each event that types the name otherwise is reported.
   * Identify traits and group traits are compared among themselves (user and account properties).
   */
  function checkTypeConflicts() {
    const firstType = new Map<string, { event: string; types: string }>();
    const defs: Array<{ space: string; event: string; p: { name: string; schema: JsonSchema } }> = [
      ...(plan.common?.properties ?? []).map((p) => ({ space: 'properties', event: COMMON_EVENT, p })),
      ...plan.events.flatMap((e) =>
        e.properties.map((p) => ({
          space: e.type === 'identify' || e.type === 'group' ? `${e.type} traits` : 'properties',
          event: e.name,
          p,
        })),
      ),
    ];
    for (const { space, event, p } of defs) {
      const types = [...new Set(schemaTypes(p.schema).map((t) => (t === 'integer' ? 'number' : t)))]
        .sort()
        .join(' or ');
      if (!types) continue; // an untyped schema (enum only, any value) agrees with every type
      const key = `${space}\u0000${p.name}`;
      const first = firstType.get(key);
      if (!first) firstType.set(key, { event, types });
      else if (first.types !== types)
        add(
          'property-type-conflict',
          first.event === event
            ? `"${p.name}" is defined twice in this event, as ${first.types} and as ${types}: keep one`
            : `"${p.name}" is ${types} here but ${first.types} in "${first.event}": give it one type, or a name of its own`,
          event,
          p.name,
        );
    }
  }

  function checkCategory(g: Governance, ev: string, property: string | undefined) {
    if (g.consentCategory && categories.size && !categories.has(g.consentCategory.toLowerCase())) {
      add(
        'unknown-consent-category',
        `consent category "${g.consentCategory}" is not among the plan's (${plan.consentCategories.join(', ')})`,
        ev,
        property,
      );
    }
  }

  function checkPrivacy(e: PlanEvent, p: PlanProperty) {
    const ev = e.name;
    checkCategory(p, ev, p.name);
    const fmt = p.schema.format;
    const hinted =
      piiKindFromName(p.name) ??
      (fmt === 'email' ? 'email' : fmt === 'ipv4' || fmt === 'ipv6' ? 'ip' : undefined);
    if (hinted && p.pii === undefined && e.pii === undefined) {
      add(
        'pii-not-flagged',
        `"${p.name}" looks like ${hinted} data; flag it pii: true (or pii: false if it is not)`,
        ev,
        p.name,
      );
    }
    const isPii = p.pii === true || (p.pii === undefined && e.pii === true);
    const category = p.consentCategory ?? e.consentCategory;
    const retention = p.retentionDays ?? e.retentionDays;
    if (isPii) {
      if (has('GDPR') && !category)
        add('gdpr-pii-consent', `personal data "${p.name}" has no consent category`, ev, p.name);
      if (has('GDPR') && (retention === undefined || retention > maxDays)) {
        add(
          'gdpr-pii-retention',
          retention === undefined
            ? `personal data "${p.name}" has no retention`
            : `personal data "${p.name}" is kept ${retention} days, more than ${maxDays}`,
          ev,
          p.name,
        );
      }
      if (has('CCPA') && !category)
        add(
          'ccpa-pii-consent',
          `personal data "${p.name}" has no consent category users can opt out of`,
          ev,
          p.name,
        );
      if (has('CCPA') && retention === undefined)
        add('ccpa-pii-retention', `personal data "${p.name}" does not declare its retention`, ev, p.name);
      if (has('COPPA') && category && ADVERTISING.test(category)) {
        add(
          'coppa-no-advertising-pii',
          `personal data "${p.name}" is collected for "${category}"`,
          ev,
          p.name,
        );
      }
    }
    if (
      has('HIPAA') &&
      (p.piiKind === 'health' || (p.pii !== false && piiKindFromName(p.name) === 'health'))
    ) {
      add(
        'hipaa-no-health-pii',
        `"${p.name}" is health information; keep PHI out of analytics events`,
        ev,
        p.name,
      );
    }
  }

  function checkProperties(
    list: Array<{ name: string; schema: JsonSchema; description?: unknown; prop?: PlanProperty }>,
    ev: string,
    prefix: string,
  ) {
    const seen = new Map<string, string>();
    for (const item of list) {
      const path = prefix + item.name;
      const key = duplicateKey(item.name);
      const prev = seen.get(key);
      if (prev !== undefined)
        add(
          'duplicate-property-name',
          `"${item.name}" duplicates "${prev}" (case and separators ignored)`,
          ev,
          path,
        );
      else seen.set(key, item.name);
      if (!matchesCasing(item.name, propertyCasing))
        add('property-name-casing', `"${item.name}" is not ${propertyCasing} case`, ev, path);
      if (typeof item.description !== 'string' || item.description === '')
        add('property-described', `"${path}" has no description`, ev, path);
      // Nested properties are inside this schema: the meta-schema check of the top one covers them.
      const invalid = prefix === '' ? schemaMetaError(item.schema) : undefined;
      if (invalid) {
        add('invalid-schema', `"${path}" is not valid JSON Schema: ${invalid}`, ev, path);
        continue;
      }
      checkSchema(item.schema, ev, path);
    }
  }

  function checkSchema(s: JsonSchema, ev: string, path: string) {
    const types = schemaTypes(s);
    const bounded = Array.isArray(s.enum) || s.const !== undefined;
    if (Array.isArray(s.enum) && s.enum.length === 0)
      add('empty-enum', `"${path}" has an empty enum`, ev, path);
    for (const v of Array.isArray(s.enum) ? s.enum : [])
      if (typeof v === 'string' && (v.trim() === '' || v.trim() !== v))
        add(
          'enum-value-blank',
          v.trim() === ''
            ? `"${path}" enum has a blank value ${JSON.stringify(v)}: remove it (an empty cell or a stray comma?)`
            : `"${path}" enum value ${JSON.stringify(v)} starts or ends with whitespace: a payload sending ${JSON.stringify(v.trim())} is refused; trim it`,
          ev,
          path,
        );
    if (types.includes('string') && !bounded && s.maxLength === undefined && !s.pattern && !s.format) {
      add('string-bounded', `string "${path}" has no maxLength, enum, pattern or format`, ev, path);
    }
    if ((types.includes('number') || types.includes('integer')) && !bounded) {
      const lo = s.minimum ?? s.exclusiveMinimum;
      const hi = s.maximum ?? s.exclusiveMaximum;
      if (lo === undefined || hi === undefined) {
        add('number-ranged', `number "${path}" has no ${lo === undefined ? 'minimum' : 'maximum'}`, ev, path);
      }
    }
    let pattern: RegExp | undefined;
    if (typeof s.pattern === 'string') {
      try {
        pattern = new RegExp(s.pattern, 'u');
      } catch (err) {
        add('invalid-pattern', `"${path}" pattern does not compile: ${(err as Error).message}`, ev, path);
      }
    }
    const impossible = (what: string) => add('impossible-constraint', `"${path}": ${what}`, ev, path);
    const lo = s.exclusiveMinimum ?? s.minimum;
    const hi = s.exclusiveMaximum ?? s.maximum;
    if (lo !== undefined && hi !== undefined) {
      const strict = s.exclusiveMinimum !== undefined || s.exclusiveMaximum !== undefined;
      if (lo > hi || (strict && lo === hi))
        impossible(
          `no number is ${s.exclusiveMinimum !== undefined ? '>' : '≥'} ${lo} and ${s.exclusiveMaximum !== undefined ? '<' : '≤'} ${hi}`,
        );
    }
    if (s.minLength !== undefined && s.maxLength !== undefined && s.minLength > s.maxLength)
      impossible(`minLength ${s.minLength} > maxLength ${s.maxLength}`);
    if (s.minItems !== undefined && s.maxItems !== undefined && s.minItems > s.maxItems)
      impossible(`minItems ${s.minItems} > maxItems ${s.maxItems}`);
    if (s.minProperties !== undefined && s.maxProperties !== undefined && s.minProperties > s.maxProperties) {
      impossible(`minProperties ${s.minProperties} > maxProperties ${s.maxProperties}`);
    }
    if (types.length === 1 && types[0] === 'integer' && lo !== undefined && hi !== undefined) {
      const loInt = s.exclusiveMinimum !== undefined ? Math.floor(s.exclusiveMinimum) + 1 : Math.ceil(lo);
      const hiInt = s.exclusiveMaximum !== undefined ? Math.ceil(s.exclusiveMaximum) - 1 : Math.floor(hi);
      if (loInt > hiInt && lo < hi) impossible(`no integer lies between ${lo} and ${hi}`);
    }
    if (s.additionalProperties === false && Array.isArray(s.required)) {
      for (const r of s.required)
        if (!(r in (s.properties ?? {})))
          impossible(`required "${r}" is not a defined property and no others are allowed`);
    }
    if (
      Array.isArray(s.enum) &&
      Array.isArray(s.enum) &&
      s.const !== undefined &&
      !s.enum.some((v) => JSON.stringify(v) === JSON.stringify(s.const))
    ) {
      impossible('const is not among the enum values');
    }
    const values = Array.isArray(s.enum) ? s.enum : s.const !== undefined ? [s.const] : [];
    for (const v of values) {
      const problem = valueProblem(v, s, types, pattern);
      if (problem) add('enum-type-mismatch', `"${path}" value ${JSON.stringify(v)} ${problem}`, ev, path);
    }
    if (s.properties) {
      checkProperties(
        Object.entries(s.properties).map(([name, sub]) => ({
          name,
          schema: sub,
          description: sub.description,
        })),
        ev,
        `${path}.`,
      );
    }
    if (s.items && !Array.isArray(s.items)) checkSchema(s.items as JsonSchema, ev, `${path}[]`);
  }

  const errors = findings.filter((f) => f.severity === 'error').length;
  const coverage = {
    events: plan.events.length,
    with_retention: plan.events.filter((e) => e.retentionDays !== undefined).length,
    with_consent: plan.events.filter((e) => !!e.consentCategory).length,
  };
  return { findings, errors, warnings: findings.length - errors, regulations, coverage };
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Why an enum/const value cannot satisfy the rest of the schema, or undefined. */
function valueProblem(
  v: unknown,
  s: JsonSchema,
  types: string[],
  pattern: RegExp | undefined,
): string | undefined {
  const t = jsonType(v);
  if (types.length && !types.includes(t) && !(t === 'integer' && types.includes('number'))) {
    return `is ${t}, not ${types.join(' or ')}`;
  }
  if (typeof v === 'string') {
    if (pattern && !pattern.test(v)) return `does not match pattern ${s.pattern}`;
    if (s.maxLength !== undefined && v.length > s.maxLength) return `is longer than maxLength ${s.maxLength}`;
    if (s.minLength !== undefined && v.length < s.minLength)
      return `is shorter than minLength ${s.minLength}`;
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) return `is below minimum ${s.minimum}`;
    if (s.maximum !== undefined && v > s.maximum) return `is above maximum ${s.maximum}`;
    if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum)
      return `is not above ${s.exclusiveMinimum}`;
    if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum)
      return `is not below ${s.exclusiveMaximum}`;
  }
  return undefined;
}
