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

export interface NormalizeOptions {
  /**
   * Resolves a `$ref` that points outside the schema (e.g. an Iglu URI). Returning undefined
   * leaves an unconstrained schema in its place.
   */
  resolveRef?: (ref: string) => JsonSchema | undefined;
  /** Force the source dialect; by default read from `$schema` (draft-04 when it says so). */
  draft04?: boolean;
  /** Depth at which recursive `$ref`s stop being inlined. */
  maxRefDepth?: number;
}

/**
 * Rewrites a schema into the draft-07 subset the plan model holds: draft-04 boolean
 * `exclusiveMinimum`/`exclusiveMaximum` become numbers, `id` keywords are dropped, `$ref`s are
 * inlined (local `#/definitions/...` and, through `resolveRef`, external ones) and `definitions`
 * removed. The input is not modified.
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

  const walk = (node: JsonSchema, root: JsonSchema, depth: number, isRoot: boolean): JsonSchema => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
    if (typeof node.$ref === 'string') {
      if (depth >= maxDepth) return {};
      const local = resolveLocal(root, node.$ref);
      if (local) return walk(local, root, depth + 1, false);
      const external = options.resolveRef?.(node.$ref);
      if (external) return walk(external, external, depth + 1, false);
      return {};
    }
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'definitions' || key === '$defs') continue;
      if (key === '$schema' && !isRoot) continue;
      if (key === 'id' && typeof value === 'string') continue;
      if ((SCHEMA_MAPS as readonly string[]).includes(key) && value && typeof value === 'object') {
        const map: Record<string, JsonSchema> = {};
        for (const [name, sub] of Object.entries(value as Record<string, JsonSchema>)) {
          map[name] = walk(sub, root, depth, false);
        }
        out[key] = map;
      } else if (SCHEMA_SINGLE.includes(key) && value && typeof value === 'object') {
        out[key] = walk(value as JsonSchema, root, depth, false);
      } else if (SCHEMA_LISTS.includes(key) && Array.isArray(value)) {
        out[key] = value.map((sub: JsonSchema) => walk(sub, root, depth, false));
      } else if (key === 'items' && value && typeof value === 'object') {
        out.items = Array.isArray(value)
          ? value.map((sub: JsonSchema) => walk(sub, root, depth, false))
          : walk(value as JsonSchema, root, depth, false);
      } else if (key === 'dependencies' && value && typeof value === 'object') {
        const deps: Record<string, unknown> = {};
        for (const [name, dep] of Object.entries(value as Record<string, unknown>)) {
          deps[name] = Array.isArray(dep) ? dep : walk(dep as JsonSchema, root, depth, false);
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

  return walk(schema, schema, 0, true);
}

/** Deep copy of plain JSON data. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
