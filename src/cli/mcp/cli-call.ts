import { canonicalFlag } from '../../commands/kit/flag-spec.ts';
import { suggestFlag } from '../../commands/kit/resolve-flag-object.ts';
import { withCancellation } from '../../data/cancellation.ts';
import { usageError } from '../../errors/index.ts';
import { main } from '../main.ts';
import { printable } from '../output.ts';
import { stageProgress } from './stage-progress.ts';
import { inToolTerms } from './tool-arg-names.ts';
import type { GtmTool } from './tool-catalog.ts';

export type ToolResult = {
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

export const errorResult = (line: string): ToolResult => ({
  content: [{ type: 'text', text: printable(line) }],
  isError: true,
});

/**
 * The command line of a call. Only the tool's own arguments become flags (its input schema's
 * properties, in either spelling, `per_path` or `per-path`): anything else an agent sends is
 * refused, not passed on, since the command line also takes global flags (`--config FILE` would
 * read a config outside the workspace, `--verbose` print SQL and stacks, `--help` no JSON). A
 * positional (plans show/diff: a plan id, `latest~N` or a plan file) starting with `-` is refused
 * too: the command line would read it as a flag (`plan: "--config=/elsewhere/gtm.yaml"`).
 */
const toArgv = (args: Record<string, unknown>, tool: GtmTool): string[] => {
  const argv: string[] = [];
  const positionals = tool.command.positionals ?? [];
  const positional = new Set(positionals.map((p) => p.name));
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    if (!Object.hasOwn(tool.inputSchema.properties, canonicalFlag(key)))
      throw usageError(
        `unknown flag --${key}`,
        `--${key}`,
        `${suggestFlag(key, tool.command.flags)}see --help`,
      );
    if (positional.has(key)) continue;
    const flag = `--${key}`;
    if (typeof value === 'boolean') argv.push(value ? flag : `--no-${key}`);
    else argv.push(`${flag}=${Array.isArray(value) ? value.join(',') : String(value)}`);
  }
  for (const p of positionals) {
    const value = args[p.name];
    if (value === undefined || value === null) continue;
    if (String(value).startsWith('-'))
      throw usageError(
        `${JSON.stringify(String(value))} starts with "-", which would be read as a flag`,
        p.name,
        'give a plan id, latest, latest~N or a plan file (./-name.json for a file whose name starts with -)',
      );
    argv.push(String(value));
  }
  return argv;
};

/**
 * Runs a CLI command in-process with --json (attribute, experiment-readout, events validate,
 * plans list/show/diff) and returns its output as structured content.
 *
 * With `progress` (the call has a progressToken), it says the tool as it starts ("attribute…") and,
 * every 10 s while it runs, "still running: attribute (40 s)" (stage-progress.ts), so a long run
 * (an attribute run on millions of touches) does not pass the client's timeout unseen. When
 * `signal` aborts (the client cancelled the call), the engines the command opened stop
 * (cancellation.ts): the running statement is interrupted, no further statement runs, and the
 * result is an error saying the call was cancelled (the SDK drops the response of a cancelled
 * request, as MCP says: the server's stderr notes it). `attribute`'s bootstrap and compare give the
 * event loop a turn every 50 ms and stop there (run-attribute.ts); other work between statements
 * ends first. The call returns once the command has stopped.
 */
export async function callCliCommand(
  tool: GtmTool,
  args: Record<string, unknown>,
  workspace: string,
  opts: {
    progress?: (message: string) => void;
    signal?: AbortSignal;
    /** The CLI entry point (tests stand in a command of their own). */
    run?: typeof main;
    /** Where the server notes a cancelled call, which its client never sees answered (default stderr). */
    log?: (line: string) => void;
  } = {},
): Promise<ToolResult> {
  const run = opts.run ?? main;
  const signal = opts.signal ?? new AbortController().signal;
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  const beats = opts.progress ? stageProgress(opts.progress) : undefined;
  beats?.onEvent({
    type: 'stage-started',
    task_id: tool.name,
    name: tool.name,
    attempt: 1,
    at: new Date(started).toISOString(),
  });
  const argv = [...tool.path, ...toArgv(args, tool), '--json'];
  let code: number;
  try {
    code = await withCancellation(signal, () =>
      run(argv, {
        cwd: workspace,
        streams: {
          stdout: { write: (s: string) => (stdout += s) },
          stderr: { write: (s: string) => (stderr += s) },
        },
      }),
    );
  } catch (err) {
    if (!signal.aborted) throw err;
    code = 1;
  } finally {
    beats?.stop();
  }
  if (signal.aborted) {
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    // the SDK sends no response to a cancelled request (as MCP says): the server's log says it stopped
    (opts.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(
      `gtm mcp: ${tool.name} cancelled by the client; its run stopped after ${seconds} s`,
    );
    return errorResult(
      `error[CANCELLED] ${tool.name}: the call was cancelled by the client and its run stopped after ${seconds} s; nothing was returned — call the tool again to run it`,
    );
  }
  if (code !== 0 && !stdout.trim())
    return errorResult(inToolTerms(stderr.trim().split('\n')[0] || `exit ${code}`, tool.inputSchema));
  const parsed = JSON.parse(stdout) as unknown;
  const structured = Array.isArray(parsed) ? { items: parsed } : (parsed as Record<string, unknown>);
  const text = [`${tool.name}: exit ${code}`, ...stderr.trim().split('\n').filter(Boolean)].join('\n');
  return { content: [{ type: 'text', text }], structuredContent: structured, isError: code !== 0 };
}
