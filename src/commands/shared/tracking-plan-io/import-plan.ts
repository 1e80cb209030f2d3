import { statSync } from 'node:fs';
import { basename, extname, relative } from 'node:path';
import {
  PlanParseError,
  fromAmplitudeCsv,
  fromIgluSchemas,
  fromJsonSchemas,
  fromRudderYaml,
  fromSegmentPlan,
  isSchemaVer,
  jsonSyntaxError,
  parsePlanDocument,
  planFromCsv,
  protoKeyPath,
  refuseProtoKeys,
  PROTO_KEY,
} from '../../../analyses/instrumentation/index.ts';
import type { JsonSchema, PlanProperty, TrackingPlan } from '../../../analyses/instrumentation/index.ts';
import { withArticle } from '../../../analyses/text/index.ts';
import { GtmError } from '../../../errors/index.ts';
import { MAX_JSON_DEPTH, TOO_DEEP, jsonDeeperThan } from './json-depth.ts';
import { PLAN_FORMATS, detectPlanFormat, isPlanFormat, listFiles } from './plan-format.ts';
import { readPlanText } from './text-file.ts';
import type { PlanFormat } from './plan-format.ts';

export interface ImportPlanOptions {
  /** The format; detected from the file when omitted or `auto`. */
  format?: PlanFormat | 'auto';
  /** A file, or a directory for `iglu`, `json-schema` and `rudderstack`. */
  path: string;
  /** Plan name for formats that carry none (CSV, Iglu, JSON Schema); default: the file name. */
  name?: string;
}

/**
 * Reads a tracking plan in any supported format into gtm's model.
 *
 * @example
 * const plan = importPlan({ path: 'plans/segment.json' });              // format detected
 * const iglu = importPlan({ format: 'iglu', path: 'iglu-central/schemas' });
 * @throws GtmError('INPUT') with the file (and row or JSON path) of the problem.
 */
export function importPlan(options: ImportPlanOptions): TrackingPlan {
  const plan = readPlan(options);
  // Every writer relies on SchemaVer versions (Iglu paths, Segment and RudderStack versions).
  const bad = plan.events.find((e) => !isSchemaVer(e.version));
  if (bad)
    throw new GtmError('INPUT', `event "${bad.name}" has version "${bad.version}", not a SchemaVer`, {
      where: options.path,
      hint: 'write versions as MODEL-REVISION-ADDITION, e.g. 1-0-0',
    });
  const proto = protoProperty(plan);
  if (proto)
    throw new GtmError(
      'INPUT',
      `${proto}, which JavaScript objects take for their prototype: validators, exports and generated code would lose it`,
      { where: options.path, hint: 'rename the property in the plan' },
    );
  return plan;
}

/**
 * Where the plan has a property named `__proto__` (an event's, or a common one), or such a key
 * inside a property's schema (a nested property): what the message says of it.
 */
function protoProperty(plan: TrackingPlan): string | undefined {
  const groups: Array<[string, PlanProperty[]]> = plan.events.map((e) => [
    `${e.type} event "${e.name}"`,
    e.properties,
  ]);
  if (plan.common) groups.push(['the common properties', plan.common.properties]);
  for (const [owner, properties] of groups) {
    if (properties.some((p) => p.name === PROTO_KEY)) return `${owner} has a property named "${PROTO_KEY}"`;
    for (const p of properties) {
      const path = protoKeyPath(p.schema);
      if (path) return `${owner}, property "${p.name}", has a key named "${PROTO_KEY}" at schema.${path}`;
    }
  }
  return undefined;
}

function readPlan(options: ImportPlanOptions): TrackingPlan {
  const { path } = options;
  if (options.format && options.format !== 'auto' && !isPlanFormat(options.format)) {
    throw new GtmError('USAGE', `unknown plan format "${String(options.format)}"`, {
      where: '--format',
      hint: `use one of ${PLAN_FORMATS.join(', ')}`,
    });
  }
  // An empty file or one that is not text says so, before format detection guesses at it.
  if (isFile(path)) readPlanText(path);
  const format = !options.format || options.format === 'auto' ? detectPlanFormat(path) : options.format;
  const name = options.name ?? basename(path, extname(path));
  let current = path;
  try {
    const isDir = statSync(path).isDirectory();
    const text = () => readPlanText(path);
    switch (format) {
      case 'gtm-json':
        return parsePlanDocument(text(), 'json');
      case 'gtm-yaml':
        return parsePlanDocument(text(), 'yaml');
      case 'gtm-csv':
        return planFromCsv(text(), name);
      case 'amplitude':
        return fromAmplitudeCsv(text(), name);
      case 'segment':
        return fromSegmentPlan(parseJson(text()));
      case 'rudderstack': {
        const files = isDir
          ? someFiles(
              listFiles(path).filter((f) => /\.ya?ml$/i.test(f)),
              '.yaml',
            )
          : [path];
        return fromRudderYaml(files.map((f) => readPlanText((current = f))));
      }
      case 'iglu': {
        const files = isDir ? someFiles(listFiles(path), 'schema') : [path];
        const schemas = files.map((f) => {
          current = f;
          const doc = parseJson(readPlanText(f));
          return doc as JsonSchema;
        });
        current = path;
        const flat = schemas.flatMap((s) => (Array.isArray(s) ? (s as JsonSchema[]) : [s]));
        return fromIgluSchemas(flat, { name });
      }
      case 'json-schema': {
        const files = isDir
          ? someFiles(
              listFiles(path).filter((f) => /\.json$/i.test(f)),
              '.json',
            )
          : [path];
        const docs = files.flatMap((f) => {
          current = f;
          const doc = parseJson(readPlanText(f));
          const fallback = isDir ? relative(path, f).replace(/\.json$/i, '') : basename(f, '.json');
          return Array.isArray(doc)
            ? doc.map((schema, i) => ({ schema, fallbackName: `${fallback}_${i + 1}` }))
            : [{ schema: doc, fallbackName: fallback }];
        });
        // A schema's problems name it by its file inside the folder (the fallback name).
        current = path;
        return fromJsonSchemas(docs, name);
      }
    }
  } catch (err) {
    throw asInputError(err, current, format);
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // a missing path is reported by the format detection or the reader
  }
}

function parseJson(text: string): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (err) {
    throw jsonSyntaxError(text, err, 'check the file is JSON');
  }
  // Schemas nest deeper than messages (properties → name → schema per level): twice the limit.
  if (jsonDeeperThan(doc, 2 * MAX_JSON_DEPTH))
    throw new PlanParseError(
      `the document nests objects or arrays deeper than ${2 * MAX_JSON_DEPTH} levels`,
      undefined,
      'flatten the nested properties',
    );
  // Normalization and every writer would drop a `__proto__` key without a word.
  refuseProtoKeys(doc);
  return doc;
}

/** The files of a plan folder, refusing a folder without any: an empty plan is never read silently. */
function someFiles(files: string[], kind: string): string[] {
  if (!files.length)
    throw new PlanParseError(
      `the folder holds no ${kind} files`,
      undefined,
      'point at the folder of the plan files, or pass --format for another layout',
    );
  return files;
}

/** Maps a reader error to a GtmError pointing at `file:row` or `file:json.path`. */
export function asInputError(err: unknown, file: string, format: string): GtmError {
  if (err instanceof GtmError) return err;
  if (err instanceof PlanParseError) {
    const m = err.at ? /^(?:row|line) (\d+)(?:, column (.+))?$/.exec(err.at) : null;
    const where = m ? `${file}:${m[1]}${m[2] ? ` (${m[2]})` : ''}` : err.at ? `${file}:${err.at}` : file;
    return new GtmError('INPUT', `${format} plan: ${err.message}`, {
      where,
      hint: err.hint ?? `check the file is ${withArticle(format)} tracking plan`,
      cause: err,
    });
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT')
    return new GtmError('INPUT', 'plan not found', { where: file, hint: 'check the path', cause: err });
  if (e?.code === 'EISDIR')
    return new GtmError('INPUT', `${withArticle(format)} plan is one file, and this is a folder`, {
      where: file,
      hint: 'pass the plan file, or --format iglu / json-schema / rudderstack for a folder of files',
      cause: err,
    });
  if (e?.code === 'EACCES' || e?.code === 'EPERM')
    return new GtmError('INPUT', 'cannot read the plan: permission denied', {
      where: file,
      hint: 'make the file readable by the user running gtm',
      cause: err,
    });
  // Recursive schema walks on a pathological document (YAML nests without a JSON parse).
  if (err instanceof RangeError)
    return new GtmError('INPUT', `${format} plan ${TOO_DEEP}`, {
      where: file,
      hint: 'flatten the nested properties',
      cause: err,
    });
  return new GtmError('INPUT', `cannot read ${format} plan: ${e?.message ?? String(err)}`, {
    where: file,
    cause: err,
    hint: `check the file is ${withArticle(format)} tracking plan`,
  });
}
