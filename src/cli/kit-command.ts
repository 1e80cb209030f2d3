import path from 'node:path';
import type { AnyCommandDef, CommandManifest } from '../commands/kit/command-def.ts';
import { flagSpecs } from '../commands/kit/flag-spec.ts';
import { usageLine } from '../commands/kit/usage-line.ts';
import { GLOBAL_FLAGS, type CliCommand, type CliContext, type FlagSpec } from './command.ts';
import { progressFromEvents } from './progress.ts';

/** Flags the CLI adds to every plan command. */
export const KIT_CLI_FLAGS: FlagSpec[] = [
  { name: 'fail_on_escalation', type: 'boolean', description: 'exit 10 when an alert escalates' },
  {
    name: 'snapshot',
    type: 'boolean',
    description:
      'render dashboard.png through Chromium (--no-snapshot to skip; default output.snapshot in gtm.yaml: when Chromium is found)',
  },
];

const GLOBAL = new Set(GLOBAL_FLAGS.map((g) => g.name));

/**
 * The CLI face of a kit command: its flags, usage line and help come from the declaration; running
 * it parses, calls `runCommand`, prints warnings, the result (table on a terminal, JSON otherwise)
 * and problems, and maps them to exit codes (problem's code, 10 on escalation with
 * `--fail-on-escalation`, else 0).
 */
export function cliCommandOf(manifest: CommandManifest, load: () => Promise<AnyCommandDef>): CliCommand {
  const flags = [...flagSpecs(manifest.flags), ...KIT_CLI_FLAGS];
  return {
    name: manifest.name,
    summary: manifest.summary,
    usage: usageLine(`gtm ${manifest.name}`, flags),
    flags,
    examples: [...manifest.examples],
    plugin: manifest.plugin,
    kit: { manifest, load },
    async run(args, ctx) {
      const [{ runCommand }, def] = await Promise.all([import('../commands/kit/run-command.ts'), load()]);
      const own = Object.fromEntries(
        Object.entries(args.flags).filter(
          ([k, v]) => v !== undefined && !GLOBAL.has(k) && !KIT_CLI_FLAGS.some((f) => f.name === k),
        ),
      );
      const start = (signal?: AbortSignal) =>
        runCommand(def, own, {
          cwd: ctx.cwd,
          config: ctx.global.config,
          asOf: ctx.global.asOf,
          env: ctx.env,
          onEvent: progressFromEvents(ctx.out),
          snapshot: args.flags.snapshot as boolean | undefined,
          signal,
        });
      // Ctrl-C stops the running statement and records the plan interrupted (when main owns the process)
      const run = await (ctx.interruptible ? ctx.interruptible(start) : start());
      ctx.out.done();
      for (const w of run.warnings) ctx.out.warn(w);
      ctx.out.result(run.result, () => def.format(run.result) + workspaceNote(ctx));
      for (const p of run.problems) ctx.out.error(p.oneLine());
      if (run.problems.length) return run.problems[0].exitCode;
      if (args.flags.fail_on_escalation && run.record.escalations.length) return 10;
      return 0;
    },
  };
}

/**
 * The terminal view names the report, the plan and the data files relative to the workspace folder
 * (the folder of gtm.yaml, as result.json does); run with `--config` from another folder, a line
 * says which folder that is, so that `reports/…` is not looked for where the user stands.
 */
export function workspaceNote(ctx: Pick<CliContext, 'cwd' | 'global'>): string {
  if (!ctx.global.config) return '';
  const dir = path.dirname(path.resolve(ctx.cwd, ctx.global.config));
  const rel = path.relative(ctx.cwd, dir);
  return rel
    ? `\n(Paths are relative to the workspace folder ${rel}${path.sep}, where its gtm.yaml is.)`
    : '';
}
