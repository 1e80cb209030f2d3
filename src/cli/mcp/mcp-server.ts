import path from 'node:path';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { runCommand } from '../../commands/kit/run-command.ts';
import { configError, GtmError, usageError } from '../../errors/index.ts';
import { surfaceStageCause } from '../main.ts';
import { COMMANDS } from '../registry.ts';
import { callCliCommand, errorResult, type ToolResult } from './cli-call.ts';
import { confinePaths } from './confine-paths.ts';
import { confineUrls } from './confine-urls.ts';
import { guardUnhandledRejections } from './guard-rejections.ts';
import { stageProgress } from './stage-progress.ts';
import { LineJsonRpcTransport, protocolStdout } from './stdio-transport.ts';
import { inToolTerms } from './tool-arg-names.ts';
import { toolCatalog, type GtmTool } from './tool-catalog.ts';

/**
 * A GtmError's one line, or an INTERNAL line for anything else: the server never crashes on a call.
 * A stage that failed on the user's input or data is reported as that error, as the CLI does
 * (`error[USAGE] --initiative: ...`, not `error[STAGE] aggregate: ...`).
 */
function asErrorLine(err: unknown): string {
  if (err instanceof GtmError) return surfaceStageCause(err).oneLine();
  return `error[INTERNAL] ${(err as Error)?.message ?? String(err)} — this is a bug in gtm; report it`;
}

/**
 * A workspace without gtm.yaml in the server's terms: the file it looked for, in full (the agent
 * does not know the folder the server was started in), and fixes an agent's user can make (the
 * command line's "pass --config FILE" is no tool argument).
 */
function inServerTerms(err: unknown, workspace: string): unknown {
  if (err instanceof GtmError && err.code === 'CONFIG' && err.message === 'no workspace config found')
    return configError(
      err.message,
      path.join(workspace, 'gtm.yaml'),
      'run `gtm init` there to create it (or `gtm demo` for a demo workspace), or serve the folder that holds gtm.yaml: gtm mcp --workspace DIR',
    );
  return err;
}

/**
 * `as_of`, `snapshot` and `fail_on_escalation` of the wrong type are refused, not dropped (the run
 * would use today).
 */
function runOptionTypes(asOf: unknown, snapshot: unknown, failOnEscalation: unknown): void {
  if (asOf != null && typeof asOf !== 'string')
    throw usageError(
      `expects a date YYYY-MM-DD, got ${JSON.stringify(asOf)}`,
      'as_of',
      'e.g. as_of: "2026-11-30"',
    );
  if (snapshot != null && typeof snapshot !== 'boolean')
    throw usageError(
      `expects true or false, got ${JSON.stringify(snapshot)}`,
      'snapshot',
      'e.g. snapshot: false',
    );
  if (failOnEscalation != null && typeof failOnEscalation !== 'boolean')
    throw usageError(
      `expects true or false, got ${JSON.stringify(failOnEscalation)}`,
      'fail_on_escalation',
      'e.g. fail_on_escalation: true',
    );
}

/** Runs a plan command through the kit, with progress notifications when the client asked for them. */
async function callPlanCommand(
  tool: GtmTool,
  args: Record<string, unknown>,
  workspace: string,
  progress: ((message: string) => void) | undefined,
  signal: AbortSignal,
): Promise<ToolResult> {
  const def = await tool.command.kit!.load();
  const { as_of, snapshot, fail_on_escalation, ...flags } = args;
  runOptionTypes(as_of, snapshot, fail_on_escalation);
  const stages = progress ? stageProgress(progress) : undefined;
  const run = await runCommand(def, flags, {
    cwd: workspace,
    asOf: typeof as_of === 'string' ? as_of : undefined,
    snapshot: typeof snapshot === 'boolean' ? snapshot : undefined,
    onEvent: stages?.onEvent,
    // a call the client cancelled (MCP notifications/cancelled, sent by the SDK's clients when their
    // timeout passes) stops its run: the running statement stops, no further stage starts and the
    // plan says interrupted
    signal,
  }).finally(() => stages?.stop());
  const result = run.result as Record<string, unknown>;
  // the command line's --fail-on-escalation exits 10 here; the tool says so and is an error result
  const escalations = fail_on_escalation === true ? run.record.escalations : [];
  const view = def.format(run.result).split('\n');
  const text = [
    ...view.slice(0, 40),
    ...(view.length > 40 ? [`… (${view.length - 40} more lines in summary.md)`] : []),
    '',
    `Dashboard: ${path.join(run.reportsDir, 'dashboard.html')}`,
    `Summary:   ${path.join(run.reportsDir, 'summary.md')}`,
    `Result:    ${path.join(run.reportsDir, 'result.json')}`,
    `Plan:      ${run.planPath}`,
    ...run.warnings.map((w) => `warning: ${w}`),
    ...run.problems.map((p) => p.oneLine()),
    ...(escalations.length
      ? [
          `escalated (fail_on_escalation; the command line exits 10): ${escalations
            .map((e) => `${e.alert_id} to ${e.person ?? e.role ?? 'nobody'}`)
            .join(', ')}`,
        ]
      : []),
  ].join('\n');
  return {
    content: [{ type: 'text', text }],
    structuredContent: result,
    isError: run.problems.length > 0 || escalations.length > 0,
  };
}

/**
 * gtm as a Model Context Protocol server over stdio: one tool per command (schemas generated from
 * the flag declarations), run in `workspace`. Every failure comes back as a tool error carrying
 * gtm's one-line message, naming the tool's arguments where the CLI names its flags
 * (tool-arg-names.ts); the server itself keeps running. File arguments stay inside the
 * workspace (confine-paths.ts), server URLs to the workspace's servers and loopback unless
 * `allowClickHouse` says otherwise (confine-urls.ts).
 */
export async function startMcpServer(opts: {
  workspace: string;
  version: string;
  /** ClickHouse URLs the tools may use besides the workspace's and loopback (`*`: any); confine-urls.ts. */
  allowClickHouse?: readonly string[];
}): Promise<Server> {
  // stdout is the protocol channel: nothing else may write to it
  const protocolOut = protocolStdout();
  guardUnhandledRejections();
  const tools = toolCatalog(COMMANDS);
  const server = new Server({ name: 'gtm', version: opts.version }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = tools.find((t) => t.name === request.params.name);
    if (!tool) return errorResult(`error[USAGE] ${request.params.name}: no such tool — list the tools first`);
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    const token = request.params._meta?.progressToken;
    let step = 0;
    const progress =
      token === undefined
        ? undefined
        : (message: string) => {
            if (extra.signal.aborted) return;
            void extra.sendNotification({
              method: 'notifications/progress',
              params: { progressToken: token, progress: ++step, message },
            });
          };
    const started = Date.now();
    try {
      await confinePaths(opts.workspace, args, tool.fileArgs);
      confineUrls(args, tool.urlArgs, { workspace: opts.workspace, allow: opts.allowClickHouse ?? [] });
      return tool.command.kit
        ? await callPlanCommand(tool, args, opts.workspace, progress, extra.signal)
        : await callCliCommand(tool, args, opts.workspace, { progress, signal: extra.signal });
    } catch (err) {
      // the SDK sends no response to a cancelled request (as MCP says): the server's log says the
      // run stopped, as callCliCommand does for the in-process tools
      if (extra.signal.aborted)
        process.stderr.write(
          `gtm mcp: ${tool.name} cancelled by the client; its run stopped after ${
            Math.round((Date.now() - started) / 100) / 10
          } s\n`,
        );
      return errorResult(inToolTerms(asErrorLine(inServerTerms(err, opts.workspace)), tool.inputSchema));
    }
  });
  await server.connect(new LineJsonRpcTransport(process.stdin, protocolOut));
  return server;
}
