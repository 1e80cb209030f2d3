import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JsonSchema } from './tracking-plan.ts';

// CommonJS packages: under NodeNext the default import is `module.exports`, which carries the
// class (and plugin) again as `.default`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

export type { ErrorObject, ValidateFunction };

/**
 * Snowplow's `strict-uri` format: an absolute URI with a scheme and an authority (`scheme://...`),
 * without whitespace.
 */
export const STRICT_URI = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s/?#]+[^\s]*$/;

/**
 * One Ajv (draft-07) instance per plan: every event schema is compiled once into a specialized
 * validation function. `allErrors` so a message reports all its violations; not strict, because
 * imported schemas carry annotation keywords (`labels`, `id`, `self`) Ajv does not know.
 */
export function createSchemaCompiler(): { compile(schema: JsonSchema): ValidateFunction } {
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  addFormats(ajv);
  ajv.addFormat('strict-uri', STRICT_URI);
  return { compile: (schema) => ajv.compile(schema) };
}

let metaChecker: InstanceType<typeof Ajv> | undefined;

/**
 * Why a schema is not valid JSON Schema (draft-07) — a type that is not a JSON type, a bound that
 * is not a number — as `<path> <problem>` (`items.type must be equal to one of the allowed
 * values`), or undefined. Patterns are not compiled here and an empty enum is not reported (the
 * lint's `invalid-pattern` and `empty-enum` name those). Used by the plan lint (`invalid-schema`).
 */
export function schemaMetaError(schema: JsonSchema): string | undefined {
  metaChecker ??= new Ajv({ allErrors: true, strict: false, logger: false, validateFormats: false });
  if (metaChecker.validateSchema(schema)) return undefined;
  const e = metaChecker.errors?.find(
    (x) => !(x.keyword === 'minItems' && /(^|\/)enum$/.test(x.instancePath)),
  );
  if (!e) return undefined;
  const path = e.instancePath.slice(1).replace(/\//g, '.');
  const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
  const detail = allowed && path.endsWith('type') ? ` (${allowed.join(', ')})` : '';
  return `${path ? `${path} ` : ''}${e.message ?? 'is not valid'}${detail}`;
}
