import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { STRICT_URI } from './schema-compiler.ts';
import type { JsonSchema } from './tracking-plan.ts';

// CommonJS packages: under NodeNext the default import is `module.exports`, which carries the
// class (and plugin) again as `.default`.
const AjvDraft04 = AjvDraft04Module.default;
const addFormats = addFormatsModule.default;

/** An Iglu schema key: `iglu:vendor/name/format/version`. */
export interface IgluKey {
  vendor: string;
  name: string;
  format: string;
  version: string;
}

const IGLU_URI =
  /^iglu:([a-zA-Z0-9-_.]+)\/([a-zA-Z0-9-_]+)\/([a-zA-Z0-9-_]+)\/([1-9][0-9]*-(?:0|[1-9][0-9]*)-(?:0|[1-9][0-9]*))$/;
const IGLU_CENTRAL_HTTP = /^https?:\/\/iglucentral\.com\/schemas\/([^/]+)\/([^/]+)\/([^/]+)\/([^/#]+)#?$/;

/** The `self` block of a self-describing schema, or undefined when the schema has none. */
export function igluKeyOf(schema: JsonSchema): IgluKey | undefined {
  const self = schema.self as Partial<IgluKey> | undefined;
  if (!self || typeof self !== 'object') return undefined;
  const { vendor, name, format, version } = self;
  if (typeof vendor !== 'string' || typeof name !== 'string' || typeof version !== 'string') return undefined;
  return { vendor, name, format: typeof format === 'string' ? format : 'jsonschema', version };
}

export function igluUri(key: IgluKey): string {
  return `iglu:${key.vendor}/${key.name}/${key.format}/${key.version}`;
}

/** Parses `iglu:` URIs and Iglu Central `http(s)://iglucentral.com/schemas/...` URLs. */
export function parseIgluUri(uri: string): IgluKey | undefined {
  const m = IGLU_URI.exec(uri) ?? IGLU_CENTRAL_HTTP.exec(uri);
  return m ? { vendor: m[1], name: m[2], format: m[3], version: m[4] } : undefined;
}

export interface IgluValidationResult {
  valid: boolean;
  errors: ErrorObject[];
}

export interface IgluRegistry {
  /** Every registered schema's `iglu:` URI. */
  readonly uris: string[];
  schema(uri: string): JsonSchema | undefined;
  /** Validates an instance against the schema at `uri` (compiled once, on first use). */
  validate(uri: string, instance: unknown): IgluValidationResult;
}

/**
 * A registry of self-describing schemas compiled with Ajv's draft-04 support. Each schema is
 * registered under its `iglu:` address and its Iglu Central URL, so `$ref`s between schemas
 * resolve; the `strict-uri` format is added.
 *
 * @example
 * const registry = createIgluRegistry(schemas);
 * registry.validate('iglu:com.acme/checkout/jsonschema/1-0-0', { total: 10 }).valid
 */
export function createIgluRegistry(schemas: JsonSchema[]): IgluRegistry {
  const ajv = new AjvDraft04({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  ajv.addFormat('strict-uri', STRICT_URI);
  const byUri = new Map<string, JsonSchema>();
  for (const schema of schemas) {
    const key = igluKeyOf(schema);
    if (!key)
      throw new Error('Not a self-describing schema: it has no "self" block with vendor, name and version');
    const uri = igluUri(key);
    if (byUri.has(uri)) throw new Error(`Schema ${uri} is registered twice`);
    byUri.set(uri, schema);
    ajv.addSchema(schema, uri);
    ajv.addSchema(
      schema,
      `http://iglucentral.com/schemas/${key.vendor}/${key.name}/${key.format}/${key.version}`,
    );
  }
  const compiled = new Map<string, ValidateFunction>();
  return {
    uris: [...byUri.keys()],
    schema: (uri) => byUri.get(uri),
    validate(uri, instance) {
      let fn = compiled.get(uri);
      if (!fn) {
        fn = ajv.getSchema(uri);
        if (!fn) throw new Error(`No schema registered at ${uri}`);
        compiled.set(uri, fn);
      }
      const valid = fn(instance) as boolean;
      return { valid, errors: valid ? [] : [...(fn.errors ?? [])] };
    },
  };
}
