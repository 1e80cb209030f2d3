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

/**
 * Checks that a schema compiles; returns the error message when it does not (a bad pattern, an
 * unknown type). Used by the plan lint.
 */
export function schemaCompileError(schema: JsonSchema): string | undefined {
  try {
    createSchemaCompiler().compile(schema);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
