import { basename, dirname } from 'node:path';
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
import { writeReportFiles } from '../../report/index.ts';
import { importPlan } from '../shared/tracking-plan-io/import-plan.ts';
import { jsonDeeperThan, TOO_DEEP } from '../shared/tracking-plan-io/json-depth.ts';
import { forEachLine, notJsonReason } from '../shared/tracking-plan-io/ndjson-lines.ts';
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
 * Generates the typed tracking module of a plan; writes it to `out` when given, through the guarded
 * writer (atomically, never through a link).
 *
 * @example await codegenFile({ plan: 'plan.yaml', out: 'src/tracking.ts', runtimeValidation: true })
 * @throws GtmError('IO') naming the file when it cannot be written.
 */
export async function codegenFile(
  options: CodegenOptions & { plan: PlanInput; out?: string; format?: PlanFormat | 'auto' },
): Promise<string> {
  const code = generateTrackingModule(load(options.plan, options.format), options);
  if (options.out) await writeTextFile(options.out, code);
  return code;
}

/**
 * Writes one text file the user named (a changelog, a generated module) through the guarded
 * writer: its folder is created, the file replaced atomically, links refused; any failure is an IO
 * error naming the file.
 *
 * @example await writeTextFile('CHANGELOG.md', changelog);
 */
export async function writeTextFile(file: string, content: string): Promise<string> {
  const [written] = await writeReportFiles(dirname(file), [{ name: basename(file), content }]);
  return written;
}

/**
 * Drafts a plan from sample payloads in NDJSON files (a file or a directory), streaming them.
 *
 * @example const { plan, events } = await inferPlanFromFiles({ input: 'samples/' });
 * @throws GtmError('INPUT') at `file:line` for a line that is not JSON or nests deeper than 64
 *   levels; INPUT naming the input when it holds no message (no empty plan is drafted).
 */
export async function inferPlanFromFiles(
  options: InferenceOptions & { input: string },
): Promise<InferenceResult> {
  const inferrer = createPlanInferrer(options);
  const hint = 'each line of an NDJSON file must be one JSON message; fix or remove the line';
  let messages = 0;
  for (const file of eventFiles(options.input)) {
    await forEachLine(file, (line, n) => {
      if (!line.trim()) return;
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch (err) {
        throw new GtmError('INPUT', notJsonReason(err), {
          where: `${file}:${n}`,
          hint,
          cause: err,
        });
      }
      if (jsonDeeperThan(msg))
        throw new GtmError('INPUT', `the message ${TOO_DEEP}`, { where: `${file}:${n}`, hint });
      messages++;
      inferrer.add(msg);
    });
  }
  const result = inferrer.result();
  // A plan drafted from nothing would be written without a word and look like a finding.
  if (messages === 0 || result.plan.events.length === 0)
    throw new GtmError(
      'INPUT',
      messages === 0
        ? 'no messages to infer a plan from'
        : messages === 1
          ? 'the one message names no event'
          : `none of the ${messages} messages names an event`,
      {
        where: options.input,
        hint: 'give NDJSON with one Segment-spec message (track, identify, page, …) per line',
      },
    );
  return result;
}
