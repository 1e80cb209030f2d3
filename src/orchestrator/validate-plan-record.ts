import { Ajv, type ValidateFunction } from 'ajv';
import { GtmError } from '../errors/index.ts';
import type { PlanRecord } from './plan-record.ts';
import planSchema from './plan.schema.json' with { type: 'json' };

/** The published JSON Schema of the plan record (draft-07), for editors and external tools. */
export { planSchema };

let compiled: ValidateFunction | undefined;

/** Schema problems of a parsed plan, as `/json/pointer: message` lines; empty when it is valid. */
export function planRecordProblems(value: unknown): string[] {
  // Compiled lazily: most CLI invocations never read a plan back.
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile(planSchema);
  if (compiled(value)) return [];
  return (compiled.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
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
