import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  createPlanInferrer,
  diffPlans,
  generateTrackingModule,
  lintPlan,
  renderChangelog,
} from '../../analyses/instrumentation/index.ts';
import type {
  CodegenOptions,
  InferenceOptions,
  InferenceResult,
  LintOptions,
  LintResult,
  PlanDiff,
  TrackingPlan,
} from '../../analyses/instrumentation/index.ts';
import { GtmError } from '../../errors/index.ts';
import { importPlan } from '../shared/tracking-plan-io/import-plan.ts';
import { forEachLine } from '../shared/tracking-plan-io/ndjson-lines.ts';
import type { PlanFormat } from '../shared/tracking-plan-io/plan-format.ts';
import { eventFiles } from '../shared/tracking-plan-io/validate-events-file.ts';

type PlanInput = string | TrackingPlan;

const load = (plan: PlanInput, format?: PlanFormat | 'auto'): TrackingPlan =>
  typeof plan === 'string' ? importPlan({ path: plan, format }) : plan;

/**
 * Compares two plans (paths in any format, or plans) and renders the Markdown changelog.
 *
 * @example const { diff, changelog } = diffPlanFiles({ old: 'plan-v1.yaml', new: 'plan.yaml' });
 */
export function diffPlanFiles(options: { old: PlanInput; new: PlanInput; format?: PlanFormat | 'auto' }): {
  diff: PlanDiff;
  changelog: string;
} {
  const diff = diffPlans(load(options.old, options.format), load(options.new, options.format));
  return { diff, changelog: renderChangelog(diff) };
}

/**
 * Lints a plan file.
 *
 * @example lintPlanFile({ plan: 'plan.yaml', regulations: ['GDPR'] }).errors
 */
export function lintPlanFile(
  options: LintOptions & { plan: PlanInput; format?: PlanFormat | 'auto' },
): LintResult {
  return lintPlan(load(options.plan, options.format), options);
}

/**
 * Generates the typed tracking module of a plan; writes it to `out` when given.
 *
 * @example codegenFile({ plan: 'plan.yaml', out: 'src/tracking.ts', runtimeValidation: true })
 */
export function codegenFile(
  options: CodegenOptions & { plan: PlanInput; out?: string; format?: PlanFormat | 'auto' },
): string {
  const code = generateTrackingModule(load(options.plan, options.format), options);
  if (options.out) {
    try {
      mkdirSync(dirname(options.out), { recursive: true });
      writeFileSync(options.out, code);
    } catch (err) {
      throw new GtmError('IO', `cannot write the tracking module: ${(err as Error).message}`, {
        where: options.out,
        cause: err,
      });
    }
  }
  return code;
}

/**
 * Drafts a plan from sample payloads in NDJSON files (a file or a directory), streaming them.
 *
 * @example const { plan, events } = await inferPlanFromFiles({ input: 'samples/' });
 * @throws GtmError('INPUT') at `file:line` for a line that is not JSON.
 */
export async function inferPlanFromFiles(
  options: InferenceOptions & { input: string },
): Promise<InferenceResult> {
  const inferrer = createPlanInferrer(options);
  for (const file of eventFiles(options.input)) {
    await forEachLine(file, (line, n) => {
      if (!line.trim()) return;
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch (err) {
        throw new GtmError('INPUT', `line is not valid JSON (${(err as Error).message})`, {
          where: `${file}:${n}`,
          hint: 'each line of an NDJSON file must be one JSON message; fix or remove the line',
          cause: err,
        });
      }
      inferrer.add(msg);
    });
  }
  return inferrer.result();
}
