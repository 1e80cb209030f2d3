import { PlanParseError } from './plan-parse-error.ts';

/**
 * A key named `__proto__` in a plan: JavaScript objects take it for their prototype the moment
 * it is assigned (`obj[name] = ...`, `Object.assign`), so schema normalization, validators,
 * exports and generated code would drop it without a word. gtm refuses such a plan, in every
 * format, naming where the key is. Keys such as `constructor` or `prototype` are ordinary own keys
 * and are kept.
 */
export const PROTO_KEY = '__proto__';

/**
 * The JSON path of the first own `__proto__` key in a parsed document (`rules[0].jsonSchema.
 * properties.__proto__`), or undefined when there is none. `JSON.parse` and the YAML reader keep
 * such a key as an own property; this finds it before anything copies the document.
 *
 * @example protoKeyPath(JSON.parse('{"properties":{"__proto__":{}}}')) // 'properties.__proto__'
 */
export function protoKeyPath(value: unknown, path = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = protoKeyPath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key === PROTO_KEY) return at;
    const found = protoKeyPath((value as Record<string, unknown>)[key], at);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses a parsed document holding a `__proto__` key, naming its JSON path (after `at`, the
 * document's place when it is part of a larger one).
 *
 * @throws PlanParseError at the key's JSON path.
 */
export function refuseProtoKeys(value: unknown, at?: string): void {
  const path = protoKeyPath(value);
  if (path !== undefined) throw protoKeyError([at, path].filter(Boolean).join(' '));
}

/** The error for a `__proto__` key at `at` (a JSON path). */
export function protoKeyError(at: string): PlanParseError {
  return new PlanParseError(
    `a key named "${PROTO_KEY}", which JavaScript objects take for their prototype: validators, exports and generated code would lose it`,
    at,
    'rename the property (or key) in the plan',
  );
}
