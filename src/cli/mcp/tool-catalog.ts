import { flagsJsonSchema } from '../../commands/kit/flags-json-schema.ts';
import type { FlagDecls } from '../../commands/kit/flag-spec.ts';
import type { CliCommand } from '../command.ts';
import type { FileArgKind } from './confine-paths.ts';

/** An MCP tool and how gtm runs it. */
export interface GtmTool {
  name: string;
  description: string;
  inputSchema: {
    type: 'object';
    properties: Record<string, Record<string, unknown>>;
    required: string[];
    additionalProperties: false;
  };
  /** The CLI command behind the tool (its path, e.g. ['events', 'validate']). */
  path: string[];
  command: CliCommand;
  /** The arguments that name files (kept inside the workspace by the server): name → kind. */
  fileArgs: Record<string, FileArgKind>;
  /** The arguments that take a server URL (kept to the workspace's servers: confine-urls.ts). */
  urlArgs: string[];
}

/** A flag that takes a file or folder, by its placeholder (FILE, PATH, DIR, FILE|DIR, FILE|TABLE). */
const FILE_PLACEHOLDER = /^(FILE|PATH|DIR)(\|[A-Z]+)*$/;

/** A flag that takes a server URL (`--clickhouse URL`), by its placeholder (URL, URL[,URL…]). */
const URL_PLACEHOLDER = /^URL\b/;

/** A flag's names: its own and its aliases (both are arguments of the tool). */
const namesOf = (name: string, d: FlagDecls[string]): string[] => [name, ...(d.aliases ?? [])];

function urlFlags(decls: FlagDecls): string[] {
  return Object.entries(decls)
    .filter(([, d]) => URL_PLACEHOLDER.test(d.placeholder ?? ''))
    .flatMap(([name, d]) => namesOf(name, d));
}

function fileFlags(decls: FlagDecls): Record<string, FileArgKind> {
  return Object.fromEntries(
    Object.entries(decls)
      .filter(([, d]) => FILE_PLACEHOLDER.test(d.placeholder ?? ''))
      .flatMap(([name, d]) => namesOf(name, d).map((n) => [n, 'path' as const])),
  );
}

/** Flags every command tool takes besides its own (the CLI's --as-of, --snapshot, --fail-on-escalation). */
const RUN_OPTIONS: FlagDecls = {
  as_of: { type: 'date', description: 'fix "now" (YYYY-MM-DD) for a reproducible run; default today' },
  snapshot: {
    type: 'boolean',
    description: 'render dashboard.png through Chromium (default: when Chromium is found)',
  },
  fail_on_escalation: {
    type: 'boolean',
    description:
      'an error result when an alert escalates (the command line exits 10); the result is returned all the same',
  },
};

/** The CLI commands agents use besides the plan commands, by path. */
const EXTRA_TOOLS: { path: string[]; name: string }[] = [
  { path: ['attribute'], name: 'attribute' },
  { path: ['experiment-readout'], name: 'experiment-readout' },
  { path: ['events', 'validate'], name: 'events-validate' },
  { path: ['plans', 'list'], name: 'plans-list' },
  { path: ['plans', 'show'], name: 'plans-show' },
  { path: ['plans', 'diff'], name: 'plans-diff' },
];

function declsOf(cmd: CliCommand): FlagDecls {
  return Object.fromEntries(cmd.flags.map(({ name, ...rest }) => [name, rest]));
}

function find(commands: readonly CliCommand[], path: string[]): CliCommand | undefined {
  let list = commands;
  let hit: CliCommand | undefined;
  for (const part of path) {
    hit = list.find((c) => c.name === part);
    if (!hit) return undefined;
    list = hit.subcommands ?? [];
  }
  return hit;
}

/**
 * The tools of the MCP server: one per plan command (its input schema generated from the command's
 * flag declaration, plus `as_of`, `snapshot` and `fail_on_escalation`), and attribute,
 * experiment-readout, events validate and plans list/show/diff from their CLI declarations
 * (positionals become properties).
 */
export function toolCatalog(commands: readonly CliCommand[]): GtmTool[] {
  const tools: GtmTool[] = [];
  for (const cmd of commands.filter((c) => c.kit)) {
    const decls = { ...(cmd.kit!.manifest.flags as FlagDecls), ...RUN_OPTIONS };
    const schema = flagsJsonSchema(decls);
    tools.push({
      name: cmd.name,
      description: `${cmd.summary}. Runs in the workspace as an audited plan and returns its result.json (structured content), a short summary and the paths of the dashboard, summary and plan. Usage line: ${cmd.usage}`,
      inputSchema: schema,
      path: [cmd.name],
      command: cmd,
      fileArgs: fileFlags(decls),
      urlArgs: urlFlags(decls),
    });
  }
  for (const extra of EXTRA_TOOLS) {
    const cmd = find(commands, extra.path);
    if (!cmd) continue;
    const decls = declsOf(cmd);
    const schema = flagsJsonSchema(decls);
    // the positionals (plans show/diff) name a plan by id, latest~N or its file
    const fileArgs: Record<string, FileArgKind> = fileFlags(decls);
    for (const p of cmd.positionals ?? []) {
      fileArgs[p.name] = 'plan-ref';
      schema.properties[p.name] = { type: 'string', minLength: 1, description: p.description };
      if (p.required) schema.required.push(p.name);
    }
    tools.push({
      name: extra.name,
      description: `${cmd.summary}. Usage: ${cmd.usage}`,
      inputSchema: schema,
      path: extra.path,
      command: cmd,
      fileArgs,
      urlArgs: urlFlags(decls),
    });
  }
  return tools;
}
