/**
 * `define-events`: instrumentation spec and tracking plan for a use case. Requirements → catalog →
 * governance ‖ QA (merge gate) → change management, with the plan in gtm's formats and each tool's,
 * a QA checklist validated against captured payloads, and a changelog by SchemaVer.
 */
import {
  runCommand,
  type CommandDef,
  type CommandRun,
  type FlagArgsOf,
  type RunCommandOptions,
} from '../kit/index.ts';
import { buildSpecDashboard } from './dashboard.ts';
import { formatDefineEvents } from './format.ts';
import { DEFINE_EVENTS_COMMAND, resolveDefineEvents, type DefineEventsContext } from './inputs.ts';
import type { DEFINE_EVENTS_FLAGS } from './inputs.ts';
import { defineEventsPlan, type DefineEventsOutputs } from './plan.ts';
import { buildDefineEventsResult, type DefineEventsResult } from './result.ts';
import { defineEventsFiles } from './write-reports.ts';

export const defineEvents: CommandDef<
  typeof DEFINE_EVENTS_FLAGS,
  DefineEventsContext,
  DefineEventsOutputs,
  DefineEventsResult
> = {
  ...DEFINE_EVENTS_COMMAND,
  workspace: 'optional',
  ladder: ['analytics_data_strategist', 'data_engineering_lead', 'revops'],
  resolve: resolveDefineEvents,
  plan: defineEventsPlan,
  report: {
    after: ['change_management'],
    owner: 'analytics_data_strategist',
    purpose: 'Instrumentation spec, tracking plan files and tool formats, QA checklist and evidence plan',
    build: buildDefineEventsResult,
    dashboard: (r, o) => buildSpecDashboard(r, o.catalog.plan),
    files: (r, o, run) => defineEventsFiles(r, o.catalog.plan, run.inputs.igluVendor),
  },
  format: formatDefineEvents,
};

/**
 * Runs define-events (in a workspace, or with defaults in a folder without gtm.yaml).
 *
 * @example
 * const { result } = await runDefineEvents({ use_case: ['pipeline velocity'], sources: ['product', 'crm'], tools: ['Segment'] });
 * result.tracking_plan.events;
 */
export function runDefineEvents(
  inputs: FlagArgsOf<typeof DEFINE_EVENTS_FLAGS>,
  options?: RunCommandOptions,
): Promise<CommandRun<DefineEventsResult>> {
  return runCommand(defineEvents, inputs, options);
}

export { DEFINE_EVENTS_FLAGS, DEFINE_EVENTS_COMMAND, TOOLS, type DefineEventsInputs } from './inputs.ts';
export { DEFINE_EVENTS_SCHEMA_ID, type DefineEventsResult } from './result.ts';
export { complianceBlockers } from './plan.ts';
export { formatDefineEvents } from './format.ts';
