import { eventPropertiesSchema } from './event-schema.ts';
import { toCase, uniqueNamer } from './identifier.ts';
import { schemaTypes } from './tracking-plan.ts';
import type { CallType, JsonSchema, PlanEvent, TrackingPlan } from './tracking-plan.ts';

export interface CodegenOptions {
  /** Check properties against the plan at run time before sending (default false). */
  runtimeValidation?: boolean;
}

const RESERVED = new Set(
  // Keywords, type names, and the names CommonJS wraps a module in (a function named `exports`
  // compiled to CommonJS replaces the module's exports object).
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield await any boolean number string symbol unknown never object undefined arguments eval require exports module __dirname __filename'.split(
    ' ',
  ),
);
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A valid, non-reserved camelCase identifier from any event name ("42_--terrible==..." → "_42TerribleEventName3"). */
function identifierFor(name: string): string {
  let id = toCase(name, 'camel');
  if (!id) id = 'event';
  if (/^\d/.test(id)) id = `_${id}`;
  if (RESERVED.has(id)) id = `${id}Event`;
  return id;
}

const comment = (text: string, indent = '') =>
  `${indent}/** ${text.replace(/\*\//g, '*\\/').replace(/\r?\n/g, ' ')} */\n`;
const key = (k: string) => (IDENT.test(k) && !RESERVED.has(k) ? k : JSON.stringify(k));

/** The TypeScript type of a JSON Schema. */
function tsType(s: JsonSchema | undefined, indent: string): string {
  if (!s || typeof s !== 'object') return 'unknown';
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.enum) && s.enum.length)
    return [...new Set(s.enum.map((v) => JSON.stringify(v)))].join(' | ');
  const alternatives = s.anyOf ?? s.oneOf;
  if (Array.isArray(alternatives) && alternatives.length && s.type === undefined) {
    return alternatives.map((a) => tsType(a, indent)).join(' | ');
  }
  const types = schemaTypes(s);
  if (types.length === 0) {
    if (s.properties) return objectType(s, indent);
    if (s.items) return arrayType(s, indent);
    return 'unknown';
  }
  const parts = [
    ...new Set(
      types.map((t) => {
        switch (t) {
          case 'string':
            return 'string';
          case 'number':
          case 'integer':
            return 'number';
          case 'boolean':
            return 'boolean';
          case 'null':
            return 'null';
          case 'array':
            return arrayType(s, indent);
          case 'object':
            return objectType(s, indent);
        }
      }),
    ),
  ];
  return parts.join(' | ');
}

function arrayType(s: JsonSchema, indent: string): string {
  if (!s.items || Array.isArray(s.items)) return 'unknown[]';
  return `Array<${tsType(s.items as JsonSchema, indent)}>`;
}

function objectType(s: JsonSchema, indent: string): string {
  const props = s.properties ?? {};
  const names = Object.keys(props);
  if (names.length === 0)
    return s.additionalProperties === false ? 'Record<string, never>' : 'Record<string, unknown>';
  const required = new Set(s.required ?? []);
  const inner = indent + '  ';
  let out = '{\n';
  for (const n of names) {
    const p = props[n];
    if (typeof p?.description === 'string' && p.description) out += comment(p.description, inner);
    out += `${inner}${key(n)}${required.has(n) ? '' : '?'}: ${tsType(p, inner)};\n`;
  }
  if (s.additionalProperties !== false) out += `${inner}[key: string]: unknown;\n`;
  return out + `${indent}}`;
}

const METHOD: Record<CallType, string> = {
  track: 'track',
  identify: 'identify',
  page: 'page',
  screen: 'screen',
  group: 'group',
};

/**
 * Generates a typed TypeScript tracking module for a plan: one function per event with its
 * properties typed from the plan (enums as literal unions, nested objects and arrays, optional
 * and nullable properties), sending through any client with Segment's call signatures
 * (`@segment/analytics-node`, `@rudderstack/rudder-sdk-node`). Identifiers are cleaned up and
 * de-duplicated ("Event Collided" and "event_collided" become `eventCollided` and
 * `eventCollided2`). With `runtimeValidation`, each call is first checked against the event's
 * schema and violations go to a handler (default: throw). The module has no imports and
 * compiles under `tsc --strict` with the default library, also with exactOptionalPropertyTypes,
 * noUncheckedIndexedAccess, noPropertyAccessFromIndexSignature, verbatimModuleSyntax and
 * isolatedModules (module NodeNext or bundler resolution). Under exactOptionalPropertyTypes an
 * optional property takes no explicit `undefined`; an object the plan closes
 * (`additionalProperties: false`) without properties takes none.
 *
 * @example
 * writeFileSync('src/tracking.ts', generateTrackingModule(plan, { runtimeValidation: true }));
 * // import { orderCompleted } from './tracking.ts'; orderCompleted(analytics, { order_id: 'o1', ... }, { userId: 'u1' });
 */
export function generateTrackingModule(plan: TrackingPlan, options: CodegenOptions = {}): string {
  const runtime = options.runtimeValidation ?? false;
  const fnNames = uniqueNamer('');
  // Module-level names the event functions must not take.
  for (const taken of ['check', 'own', 'validate', 'jsonType', 'setViolationHandler', 'violationHandler'])
    fnNames(taken);
  const used = new Set<CallType>(plan.events.map((e) => e.type));
  const out: string[] = [];
  out.push(
    `// Generated by gtm from the tracking plan ${JSON.stringify(plan.name)}, version ${plan.version}. Do not edit:`,
  );
  out.push('// change the plan and run `gtm events codegen` again.');
  out.push('/* eslint-disable */');
  out.push('');
  out.push(
    `export const TRACKING_PLAN = { name: ${JSON.stringify(plan.name)}, version: ${JSON.stringify(plan.version)} } as const;`,
  );
  out.push('');
  out.push(...clientTypes(used));
  if (runtime) out.push(RUNTIME);

  const eventNames: string[] = [];
  for (const e of plan.events) {
    const base =
      e.type === 'track'
        ? e.name
        : e.name === '*' || e.name.toLowerCase() === e.type
          ? e.type
          : `${e.type} ${e.name}`;
    const fn = fnNames(identifierFor(base));
    const typeName = `${fn.charAt(0).toUpperCase()}${fn.slice(1).replace(/^_/, '')}${e.type === 'identify' || e.type === 'group' ? 'Traits' : 'Properties'}`;
    const schema = eventPropertiesSchema(e);
    const payloadKey = e.type === 'identify' || e.type === 'group' ? 'traits' : 'properties';
    eventNames.push(`  ${key(fn)}: ${JSON.stringify(e.name)},`);
    const t = tsType({ ...schema, type: 'object' }, '');
    out.push(`/** Properties of ${JSON.stringify(e.name).replace(/\*\//g, '*\\/')}. */`);
    // A type alias, not an interface: closed object types must stay assignable to the clients'
    // `{ [key: string]: unknown }` payload parameters (interfaces get no implicit index signature).
    out.push(`export type ${typeName} = ${t};`);
    out.push('');
    const doc = [
      e.description,
      `${e.type} ${JSON.stringify(e.name)}, version ${e.version}${e.status === 'deprecated' ? ', deprecated' : ''}.`,
    ]
      .filter(Boolean)
      .join(' ');
    // `$` cannot appear in the camelCase function names, so these never collide with them.
    if (runtime) out.push(`const ${fn}$schema: Schema = ${JSON.stringify(schema)};`);
    out.push(
      comment(
        e.status === 'deprecated' ? `${doc} @deprecated The plan deprecates this event.` : doc,
      ).trimEnd(),
    );
    const required = e.properties.some((p) => p.required);
    // `{} as T`: a bare `{}` is not assignable when a property is named like an Object method (toString).
    const param = `${payloadKey}: ${typeName}${required ? '' : ` = {} as ${typeName}`}`;
    if (e.type === 'group') {
      out.push(
        `export function ${fn}(client: AnalyticsClient, groupId: string, ${param}, options: MessageOptions): void {`,
      );
    } else {
      out.push(`export function ${fn}(client: AnalyticsClient, ${param}, options: MessageOptions): void {`);
    }
    if (runtime) out.push(`  validate(${JSON.stringify(e.name)}, ${fn}$schema, ${payloadKey});`);
    out.push(`  client.${METHOD[e.type]}(${callArgs(e, payloadKey)});`);
    out.push('}');
    out.push('');
  }
  out.push('/** Event names by generated function name. */');
  out.push('export const EVENT_NAMES = {');
  out.push(...eventNames);
  out.push('} as const;');
  out.push('');
  return out.join('\n');
}

/**
 * The message and client types. Optional fields say `| undefined`, as the Segment and RudderStack
 * clients' do: under exactOptionalPropertyTypes their methods fit these signatures only then.
 */
function clientTypes(used: Set<CallType>): string[] {
  const payload = '?: { [key: string]: unknown } | undefined';
  const methods: Record<CallType, string> = {
    track: `track(message: MessageOptions & { event: string; properties${payload} }): unknown;`,
    identify: `identify(message: MessageOptions & { traits${payload} }): unknown;`,
    page: `page(message: MessageOptions & { name?: string | undefined; properties${payload} }): unknown;`,
    screen: `screen(message: MessageOptions & { name?: string | undefined; properties${payload} }): unknown;`,
    group: `group(message: MessageOptions & { groupId: string; traits${payload} }): unknown;`,
  };
  return [
    '/** Who the message is about: Segment needs a userId or an anonymousId. */',
    'export type Identity =',
    '  | { userId: string; anonymousId?: string | undefined }',
    '  | { userId?: string | undefined; anonymousId: string };',
    '',
    '/** Message fields besides the payload. */',
    'export type MessageOptions = Identity & {',
    '  context?: { [key: string]: unknown } | undefined;',
    '  integrations?: { [destination: string]: unknown } | undefined;',
    '  timestamp?: Date | string | undefined;',
    '  messageId?: string | undefined;',
    '};',
    '',
    '/** The calls this plan uses; @segment/analytics-node and @rudderstack/rudder-sdk-node clients fit. */',
    'export interface AnalyticsClient {',
    ...(Object.keys(METHOD) as CallType[]).filter((t) => used.has(t)).map((t) => `  ${methods[t]}`),
    '}',
    '',
  ];
}

function callArgs(e: PlanEvent, payloadKey: string): string {
  switch (e.type) {
    case 'track':
      return `{ ...options, event: ${JSON.stringify(e.name)}, properties: ${payloadKey} }`;
    case 'page':
    case 'screen':
      return e.name === '*' || e.name.toLowerCase() === e.type
        ? `{ ...options, properties: ${payloadKey} }`
        : `{ ...options, name: ${JSON.stringify(e.name)}, properties: ${payloadKey} }`;
    case 'identify':
      return `{ ...options, traits: ${payloadKey} }`;
    case 'group':
      return `{ ...options, groupId, traits: ${payloadKey} }`;
  }
}

/** The runtime checker embedded when runtimeValidation is on: a small JSON Schema interpreter. */
const RUNTIME = `/** The subset of JSON Schema the runtime checks read. */
export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  items?: Schema | Schema[];
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: { [name: string]: Schema };
  required?: string[];
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  [keyword: string]: unknown;
}

/** Receives the problems found before a call is sent; the default throws. */
export type ViolationHandler = (event: string, problems: string[]) => void;

let violationHandler: ViolationHandler = (event, problems) => {
  throw new Error('Tracking plan violation in "' + event + '": ' + problems.join('; '));
};

/** Replaces the violation handler (e.g. to log instead of throwing in production). */
export function setViolationHandler(handler: ViolationHandler): void {
  violationHandler = handler;
}

const FORMATS: { [format: string]: RegExp } = {
  email: /^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$/,
  'date-time': /^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:?\\d{2})$/,
  date: /^\\d{4}-\\d{2}-\\d{2}$/,
  uri: /^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]*$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
};

/** An object's own property: a plan's "toString" or "constructor" is not Object.prototype's. */
function own<T>(obj: { [key: string]: T }, name: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(obj, name) ? obj[name] : undefined;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Math.floor(value) === value ? 'integer' : 'number';
  return typeof value;
}

function check(schema: Schema, value: unknown, path: string, problems: string[]): void {
  const where = path || 'payload';
  if (schema.type !== undefined) {
    const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
    const actual = jsonType(value);
    if (types.indexOf(actual) < 0 && !(actual === 'integer' && types.indexOf('number') >= 0)) {
      problems.push(where + ' must be ' + types.join(' or '));
      return;
    }
  }
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) problems.push(where + ' must be ' + JSON.stringify(schema.const));
  if (schema.enum !== undefined) {
    let found = false;
    for (const option of schema.enum) if (JSON.stringify(option) === JSON.stringify(value)) found = true;
    if (!found) problems.push(where + ' must be one of ' + JSON.stringify(schema.enum));
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(where + ' is shorter than ' + schema.minLength);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(where + ' is longer than ' + schema.maxLength);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) problems.push(where + ' does not match ' + schema.pattern);
    const format = schema.format !== undefined ? own(FORMATS, schema.format) : undefined;
    if (format !== undefined && !format.test(value)) problems.push(where + ' is not a valid ' + schema.format);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(where + ' is below ' + schema.minimum);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(where + ' is above ' + schema.maximum);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) problems.push(where + ' must be above ' + schema.exclusiveMinimum);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) problems.push(where + ' must be below ' + schema.exclusiveMaximum);
    if (schema.multipleOf !== undefined && Math.abs(value / schema.multipleOf - Math.round(value / schema.multipleOf)) > 1e-9) problems.push(where + ' is not a multiple of ' + schema.multipleOf);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(where + ' has fewer than ' + schema.minItems + ' items');
    if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(where + ' has more than ' + schema.maxItems + ' items');
    if (schema.items !== undefined) {
      const items = schema.items;
      value.forEach((item: unknown, i: number) => {
        const itemSchema = Array.isArray(items) ? items[i] : items;
        if (itemSchema !== undefined) check(itemSchema, item, where + '[' + i + ']', problems);
      });
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as { [key: string]: unknown };
    const props = schema.properties || {};
    for (const name of schema.required || []) {
      if (own(obj, name) === undefined) problems.push((path ? path + '.' : '') + name + ' is required');
    }
    for (const k of Object.keys(obj)) {
      const sub = own(props, k);
      const childPath = path ? path + '.' + k : k;
      if (sub !== undefined) check(sub, obj[k], childPath, problems);
      else if (schema.additionalProperties === false) problems.push(childPath + ' is not in the plan');
      else if (typeof schema.additionalProperties === 'object') check(schema.additionalProperties, obj[k], childPath, problems);
    }
  }
  const alternatives = schema.anyOf || schema.oneOf;
  if (alternatives !== undefined) {
    let matched = 0;
    for (const alternative of alternatives) {
      const sub: string[] = [];
      check(alternative, value, path, sub);
      if (sub.length === 0) matched++;
    }
    if (matched === 0 || (schema.oneOf !== undefined && matched > 1)) problems.push(where + ' matches ' + matched + ' of its alternatives');
  }
}

function validate(event: string, schema: Schema, payload: unknown): void {
  const problems: string[] = [];
  check(schema, payload, '', problems);
  if (problems.length) violationHandler(event, problems);
}
`;
