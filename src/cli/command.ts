import type { AnyCommandDef, CommandManifest } from '../commands/kit/command-def.ts';
import type { FlagSpec, FlagType } from '../commands/kit/flag-spec.ts';
import { isRealDate } from '../commands/kit/check-flag-value.ts';
import type { Output } from './output.ts';

/** A real date (YYYY-MM-DD) or an ISO timestamp whose date part exists. */
export function isAsOf(v: string): boolean {
  if (isRealDate(v)) return true;
  const m = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(v);
  return Boolean(m && isRealDate(m[1]) && !Number.isNaN(Date.parse(v)));
}

export type { FlagSpec, FlagType };

export interface PositionalSpec {
  name: string;
  description: string;
  required?: boolean;
  variadic?: boolean;
}

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

export interface ParsedArgs {
  flags: FlagValues;
  positionals: string[];
}

export interface CliContext {
  cwd: string;
  out: Output;
  env: NodeJS.ProcessEnv;
  /** Global flags shared by every command. */
  global: { json: boolean; verbose: boolean; config?: string; asOf?: string; quiet: boolean };
  /**
   * Runs `work` so that the process's first Ctrl-C (SIGINT) or SIGTERM aborts its signal (the
   * running statement stops, the plan records the run interrupted, the engine's spill folder is
   * removed) and a second one quits at once. Given by `main` only when it owns the process
   * (`MainOptions.processSignals`, the `gtm` binary); otherwise the signal never aborts.
   */
  interruptible?: <T>(work: (signal: AbortSignal) => Promise<T>) => Promise<T>;
}

/** One CLI command: parses nothing itself and holds no business logic; it calls into src/commands. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpec[];
  positionals?: PositionalSpec[];
  subcommands?: CliCommand[];
  examples?: string[];
  /** The agent plugin that publishes the command, for `/plugin:command` usage lines. */
  plugin?: string;
  /** For commands built on the kit: the manifest and the loader of the full definition. */
  kit?: { manifest: CommandManifest; load: () => Promise<AnyCommandDef> };
  run?: (args: ParsedArgs, ctx: CliContext) => Promise<number>;
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  {
    name: 'json',
    type: 'boolean',
    description:
      'print the machine-readable result as JSON on stdout (the default when stdout is not a terminal; --no-json or --json=false for the human view)',
  },
  { name: 'verbose', type: 'boolean', description: 'show stack traces and SQL on errors' },
  { name: 'quiet', type: 'boolean', description: 'no progress output' },
  {
    name: 'config',
    type: 'string',
    placeholder: 'FILE',
    description: 'workspace config (default ./gtm.yaml)',
  },
  {
    name: 'as_of',
    type: 'string',
    placeholder: 'DATE',
    description: 'fix "now" (YYYY-MM-DD or ISO time) for reproducible runs',
    example: '2026-11-15',
    check: (v: string) =>
      isAsOf(v) ? undefined : `is not a date: "${v}"; use YYYY-MM-DD or an ISO timestamp`,
  },
  { name: 'help', type: 'boolean', description: 'show help' },
];
