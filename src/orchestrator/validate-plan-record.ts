import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as AjvModule from 'ajv';
import type { ValidateFunction } from 'ajv';
import { GtmError } from '../errors/index.ts';
import { requirePrebuilt } from '../runtime/require-prebuilt.ts';
import type { PlanRecord } from './plan-record.ts';
import planSchemaJson from './plan.schema.json' with { type: 'json' };

/** A JSON Schema document (draft-07): an object of keywords. */
export interface JsonSchemaDocument {
  $schema?: string;
  $id?: string;
  title?: string;
  [keyword: string]: unknown;
}

/**
 * The published JSON Schema of the plan record (draft-07), for editors and external tools. Typed
 * as a schema document rather than as the JSON file's literal type, so that the published
 * declarations import no JSON: a consumer with `module: nodenext` would need an import attribute
 * for it (TS1543), and one with `skipLibCheck: false` checks every declaration file.
 */
export const planSchema: JsonSchemaDocument = planSchemaJson;

let compiled: ValidateFunction | undefined;

/** Options of the plan validator; scripts/build.mjs compiles the same into dist ahead of time. */
export const PLAN_SCHEMA_OPTIONS = { allErrors: true, strict: true } as const;

function planValidator(): ValidateFunction {
  if (compiled) return compiled;
  const require = createRequire(import.meta.url);
  // The compiled package carries the validator as code: compiling the schema takes about 0.2 s,
  // which every run would pay before its first stage (it reads the previous plan of its scope).
  const prebuilt = fileURLToPath(new URL('./plan-schema-validate.cjs', import.meta.url));
  if (existsSync(prebuilt)) return (compiled = requirePrebuilt(prebuilt) as ValidateFunction);
  const { Ajv } = require('ajv') as typeof AjvModule;
  return (compiled = new Ajv(PLAN_SCHEMA_OPTIONS).compile(planSchema));
}

/** Schema problems of a parsed plan, as `/json/pointer: message` lines; empty when it is valid. */
export function planRecordProblems(value: unknown): string[] {
  const validate = planValidator();
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
}

/**
 * Checks a parsed plan against `plan.schema.json` and returns it typed; throws `INPUT` naming the
 * file and the first problems otherwise.
 *
 * @example
 * const plan = validatePlanRecord(JSON.parse(text), '.claude/plans/plan-20240501T120000000Z.json');
 */
export function validatePlanRecord(value: unknown, where = 'plan'): PlanRecord {
  const problems = planRecordProblems(value);
  if (problems.length > 0) {
    throw new GtmError('INPUT', `not a valid plan record: ${problems.slice(0, 3).join('; ')}`, {
      where,
      hint: 'the file was edited by hand or written by another version of gtm; move it out of the plans folder',
    });
  }
  return value as PlanRecord;
}
