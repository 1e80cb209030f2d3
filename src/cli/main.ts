import { readFileSync } from 'node:fs';
import { GtmError } from '../errors/index.ts';
import { GLOBAL_FLAGS, type CliCommand, type CliContext } from './command.ts';
import { commandHelp, mainHelp } from './help.ts';
import { createOutput, type Streams } from './output.ts';
import { commandFromUsage, parseArgs, tokenize } from './parse-args.ts';
import { COMMANDS } from './registry.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

export interface MainOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  streams?: Streams;
}

/**
 * The CLI entry point: returns the exit code instead of exiting, so tests can call it in-process.
 * @example process.exitCode = await main(['track-source', '--campaign', 'AI Launch Tour'])
 */
export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const streams = opts.streams ?? { stdout: process.stdout, stderr: process.stderr };
  const env = opts.env ?? process.env;
  const wantsJson = argv.some((a) => a === '--json' || a === '--json=true');
  const verbose = argv.includes('--verbose');
  const out = createOutput(streams, { json: wantsJson ? true : undefined, quiet: argv.includes('--quiet'), verbose });
  try {
    return await dispatch(argv, { cwd: opts.cwd ?? process.cwd(), env, out, streams });
  } catch (err) {
    out.done();
    if (err instanceof GtmError) {
      out.error(err.oneLine());
      if (verbose) {
        if (err.sql) out.error(`SQL: ${err.sql}`);
        out.error(String(err.stack));
        if (err.cause) out.error(`cause: ${String((err.cause as Error).stack ?? err.cause)}`);
      }
      return err.exitCode;
    }
    const e = err as Error;
    out.error(`error[INTERNAL] ${e?.message ?? String(err)} — this is a bug in gtm; rerun with --verbose and report it`);
    if (verbose) out.error(String(e?.stack));
    return 1;
  }
}

async function dispatch(
  argv: string[],
  base: { cwd: string; env: NodeJS.ProcessEnv; out: ReturnType<typeof createOutput>; streams: Streams },
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    base.out.text(mainHelp(COMMANDS, VERSION));
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === 'version') {
    base.out.text(VERSION);
    return 0;
  }
  if (first === 'run') {
    const line = rest.filter((a) => !a.startsWith('--') || !GLOBAL_FLAGS.some((g) => a === `--${g.name}`));
    const globals = rest.filter((a) => !line.includes(a));
    if (line.length !== 1)
      throw new GtmError('USAGE', 'expects one quoted usage line', {
        where: 'run',
        hint: `e.g. gtm run '/partner-co-marketing-orchestration:track-source --campaign "AI Launch Tour" --window 30d'`,
      });
    const tokens = tokenize(line[0]);
    if (!tokens.length) throw new GtmError('USAGE', 'the usage line is empty', { where: 'run' });
    return dispatch([commandFromUsage(tokens[0]), ...tokens.slice(1), ...globals], base);
  }
  const name = commandFromUsage(first);
  let cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    const near = COMMANDS.find((c) => c.name.startsWith(name.slice(0, 3)));
    throw new GtmError('USAGE', `unknown command "${first}"`, {
      where: first,
      hint: near ? `did you mean \`gtm ${near.name}\`? (gtm --help lists commands)` : 'gtm --help lists the commands',
    });
  }
  let args = rest;
  let prefix = 'gtm';
  while (cmd.subcommands?.length && args[0] && !args[0].startsWith('-')) {
    const sub: CliCommand | undefined = cmd.subcommands.find((s) => s.name === args[0]);
    if (!sub)
      throw new GtmError('USAGE', `unknown subcommand "${args[0]}" of ${cmd.name}`, {
        where: args[0],
        hint: `use one of: ${cmd.subcommands.map((s) => s.name).join(', ')}`,
      });
    prefix = `${prefix} ${cmd.name}`;
    cmd = sub;
    args = args.slice(1);
  }
  if (args.includes('--help') || args.includes('-h') || !cmd.run) {
    base.out.text(commandHelp(cmd, prefix));
    return cmd.run ? 0 : 2;
  }
  const parsed = parseArgs(args, [...cmd.flags, ...GLOBAL_FLAGS], cmd.positionals);
  const ctx: CliContext = {
    cwd: base.cwd,
    env: base.env,
    out: base.out,
    global: {
      json: base.out.json,
      verbose: Boolean(parsed.flags.verbose),
      quiet: Boolean(parsed.flags.quiet),
      config: parsed.flags.config as string | undefined,
      asOf: parsed.flags.as_of as string | undefined,
    },
  };
  return cmd.run(parsed, ctx);
}
