import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { usageError } from '../../errors/index.ts';
import type { CliCommand } from '../command.ts';
import { isHttpUrl, quotedUrl } from './url-flag-check.ts';

export const mcpCommand: CliCommand = {
  name: 'mcp',
  summary: 'Serve the commands to an AI agent over the Model Context Protocol (stdio)',
  usage: 'gtm mcp [--workspace DIR] [--allow-clickhouse URL[,URL…]]',
  flags: [
    {
      name: 'workspace',
      type: 'string',
      placeholder: 'DIR',
      description: 'folder the tools run in (where gtm.yaml is); default the current folder',
    },
    {
      name: 'allow_clickhouse',
      type: 'list',
      placeholder: 'URL',
      example: 'http://ch.internal:8123',
      check: (urls: string[]) => {
        const bad = urls.find((u) => u !== '*' && !isHttpUrl(u));
        return bad === undefined ? undefined : `must be http:// or https:// URLs or *, got ${quotedUrl(bad)}`;
      },
      description:
        "ClickHouse servers the tools may connect to besides the workspace's (engine.url of gtm.yaml and gtm.clickhouse.yaml) and this machine's; * allows any",
    },
  ],
  // the README's registration lines: `npx gtm` names the clone's bin only inside the clone, and an
  // agent host starts the server in the workspace, where npx would fetch a package named gtm
  examples: [
    'gtm mcp --workspace ./gtm-demo',
    'claude mcp add gtm -- gtm mcp --workspace "$PWD"',
    'claude mcp add gtm -- node /path/to/gtm/bin/gtm.js mcp --workspace "$PWD"',
  ],
  async run(args, ctx) {
    // the command line's --config and --as-of would be ignored by every call: said, not dropped
    if (ctx.global.config !== undefined)
      throw usageError(
        'gtm mcp serves the gtm.yaml of its workspace folder, not another config',
        '--config',
        'serve the folder that holds the config (gtm mcp --workspace DIR), its file named gtm.yaml',
      );
    if (ctx.global.asOf !== undefined)
      throw usageError(
        'gtm mcp takes no --as-of: each tool call takes its own',
        '--as-of',
        'give as_of in the calls (e.g. as_of: "2026-11-15"); a call without it runs to today',
      );
    const given = args.flags.workspace as string | undefined;
    // the plugins' .mcp.json passes `${CLAUDE_PROJECT_DIR:-.}`, which Claude Code expands; a host
    // that does not expand it would serve a folder named so (or none): said, with what to do
    if (given !== undefined && /\$\{[^}]*\}/.test(given))
      throw usageError(
        `${JSON.stringify(given)} reached gtm as written: the agent host did not expand the variable`,
        '--workspace',
        'give the project folder itself (gtm mcp --workspace /path/to/project), or start gtm mcp in it without --workspace',
      );
    const workspace = path.resolve(ctx.cwd, given ?? '.');
    if (!existsSync(workspace) || !statSync(workspace).isDirectory())
      throw usageError(`is not a folder: ${workspace}`, '--workspace', 'give the folder that holds gtm.yaml');
    const version = (
      JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version;
    const { startMcpServer } = await import('../mcp/mcp-server.ts');
    const server = await startMcpServer({
      workspace,
      version,
      allowClickHouse: (args.flags.allow_clickhouse as string[] | undefined) ?? [],
    });
    // serve until the client closes stdin
    await new Promise<void>((resolve) => {
      server.onclose = () => resolve();
    });
    return 0;
  },
};
