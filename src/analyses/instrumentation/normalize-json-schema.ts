import { PlanParseError } from './plan-parse-error.ts';
import { PROTO_KEY, protoKeyError } from './proto-keys.ts';
import type { JsonSchema } from './tracking-plan.ts';

/** Keywords whose value is a map of name → subschema. */
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs'] as const;
/** Keywords whose value is one subschema. */
const SCHEMA_SINGLE = [
  'additionalProperties',
  'additionalItems',
  'not',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
];
/** Keywords whose value is a list of subschemas. */
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];
/**
 * Annotations written beside a `$ref` (`{ $ref: '#/definitions/money', description: 'Order total' }`):
 * they describe the property and are kept over the referenced schema's own.
 */
const REF_ANNOTATIONS = new Set([
  'title',
  'description',
  '$comment',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

export interface NormalizeOptions {
  /**
   * Resolves a `$ref` that points outside the schema (e.g. an Iglu URI). Returning undefined
   * leaves an unconstrained schema in its place.
   */
  resolveRef?: (ref: string) => JsonSchema | undefined;
  /** Force the source dialect; by default read from `$schema` (draft-04 when it says so). */
  draft04?: boolean;
  /** How many times one recursive `$ref` is inlined inside itself before it stops (default 8). */
  maxRefDepth?: number;
  /** Which schema this is (a file, a rule), put before the JSON path of a refused `$ref`. */
  at?: string;
}

/**
 * Rewrites a schema into the draft-07 subset the plan model holds: draft-04 boolean
 * `exclusiveMinimum`/`exclusiveMaximum` become numbers, `id` keywords are dropped, `$ref`s are
 * inlined (local `#/definitions/...` and, through `resolveRef`, external ones) and `definitions`
 * removed, keeping the annotations written beside a `$ref` (description, title, ...). A recursive
 * `$ref` is inlined `maxRefDepth` times inside itself, then left unconstrained; a chain of distinct
 * references is inlined whatever its length. An external `$ref` that `resolveRef` does not know is
 * left unconstrained (gtm fetches nothing). The input is not modified.
 *
 * @throws PlanParseError for a local `$ref` that points at nothing in the document (validators
 * refuse such a schema; inlining "anything" would accept every value), naming its JSON path.
 *
 * @example
 * normalizeJsonSchema({ type: 'number', minimum: 0, exclusiveMinimum: true }, { draft04: true })
 * // { type: 'number', exclusiveMinimum: 0 }
 */
export function normalizeJsonSchema(schema: JsonSchema, options: NormalizeOptions = {}): JsonSchema {
  const draft04 =
    options.draft04 ?? (typeof schema.$schema === 'string' && schema.$schema.includes('draft-04'));
  const maxDepth = options.maxRefDepth ?? 8;

  const resolveLocal = (root: JsonSchema, ref: string): JsonSchema | undefined => {
    const hash = ref.indexOf('#');
    if (hash !== 0) return undefined;
    const pointer = ref.slice(1);
    if (pointer === '' || pointer === '/') return root;
    let node: unknown = root;
    for (const raw of pointer.split('/').slice(1)) {
      const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[part];
    }
    return node && typeof node === 'object' ? (node as JsonSchema) : undefined;
  };

  /** The `$ref`s being inlined around the current node, with how many times each. */
  const open = new Map<string, number>();

  const walk = (node: JsonSchema, root: JsonSchema, path: string, isRoot: boolean): JsonSchema => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
    if (typeof node.$ref === 'string') return inline(node, node.$ref, root, path);
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'definitions' || key === '$defs') continue;
      if (key === '$schema' && !isRoot) continue;
      if (key === 'id' && typeof value === 'string') continue;
      if ((SCHEMA_MAPS as readonly string[]).includes(key) && value && typeof value === 'object') {
        const map: Record<string, JsonSchema> = {};
        for (const [name, sub] of Object.entries(value as Record<string, JsonSchema>)) {
          // Assigned, a `__proto__` key would become the map's prototype: lost without a word.
          if (name === PROTO_KEY)
            throw protoKeyError([options.at, `${path}.${key}.${name}`.slice(1)].filter(Boolean).join(' '));
          map[name] = walk(sub, root, `${path}.${key}.${name}`, false);
        }
        out[key] = map;
      } else if (SCHEMA_SINGLE.includes(key) && value && typeof value === 'object') {
        out[key] = walk(value as JsonSchema, root, `${path}.${key}`, false);
      } else if (SCHEMA_LISTS.includes(key) && Array.isArray(value)) {
        out[key] = value.map((sub: JsonSchema, i) => walk(sub, root, `${path}.${key}[${i}]`, false));
      } else if (key === 'items' && value && typeof value === 'object') {
        out.items = Array.isArray(value)
          ? value.map((sub: JsonSchema, i) => walk(sub, root, `${path}.items[${i}]`, false))
          : walk(value as JsonSchema, root, `${path}.items`, false);
      } else if (key === 'dependencies' && value && typeof value === 'object') {
        const deps: Record<string, unknown> = {};
        for (const [name, dep] of Object.entries(value as Record<string, unknown>)) {
          deps[name] = Array.isArray(dep)
            ? dep
            : walk(dep as JsonSchema, root, `${path}.dependencies.${name}`, false);
        }
        out.dependencies = deps;
      } else {
        out[key] = value;
      }
    }
    if (draft04) {
      if (typeof out.exclusiveMinimum === 'boolean') {
        if (out.exclusiveMinimum && typeof out.minimum === 'number') {
          out.exclusiveMinimum = out.minimum;
          delete out.minimum;
        } else delete out.exclusiveMinimum;
      }
      if (typeof out.exclusiveMaximum === 'boolean') {
        if (out.exclusiveMaximum && typeof out.maximum === 'number') {
          out.exclusiveMaximum = out.maximum;
          delete out.maximum;
        } else delete out.exclusiveMaximum;
      }
    }
    return out;
  };

  /** A `$ref` node: the schema it points at, inlined, with the annotations written beside it. */
  const inline = (node: JsonSchema, ref: string, root: JsonSchema, path: string): JsonSchema => {
    const times = open.get(ref) ?? 0;
    if (times >= maxDepth) return {};
    const local = resolveLocal(root, ref);
    const external = local ? undefined : options.resolveRef?.(ref);
    if (!local && !external) {
      if (ref.startsWith('#'))
        throw new PlanParseError(
          `$ref "${ref}" points at nothing in the document`,
          [options.at, `${path}.$ref`.slice(1)].filter(Boolean).join(' '),
          'define the schema it names (e.g. under "definitions") or correct the reference',
        );
      return {};
    }
    open.set(ref, times + 1);
    let target: JsonSchema;
    try {
      target = local ? walk(local, root, path, false) : walk(external!, external!, path, false);
    } finally {
      if (times) open.set(ref, times);
      else open.delete(ref);
    }
    const notes = Object.entries(node).filter(([key]) => REF_ANNOTATIONS.has(key));
    return notes.length && target && typeof target === 'object' && !Array.isArray(target)
      ? { ...target, ...Object.fromEntries(notes) }
      : target;
  };

  return walk(schema, schema, '', true);
}

/** Deep copy of plain JSON data. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
