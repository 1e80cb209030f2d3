import { readFileSync } from 'node:fs';
import { GtmError } from '../errors/index.ts';
import { GLOBAL_FLAGS, type CliCommand, type CliContext } from './command.ts';
import { commandHelp, mainHelp } from './help.ts';
import { createOutput, type Streams } from './output.ts';
import { commandFromUsage, distance, parseArgs, tokenize } from './parse-args.ts';
import { COMMANDS, runCommandHelp } from './registry.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface MainOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  streams?: Streams;
  /**
   * True when main owns the process (the `gtm` binary): while a plan command runs, Ctrl-C and
   * SIGTERM stop it cleanly (`CliContext.interruptible`) instead of killing the process mid-write.
   */
  processSignals?: boolean;
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
  const out = createOutput(streams, {
    json: wantsJson ? true : undefined,
    quiet: argv.includes('--quiet'),
    verbose,
  });
  try {
    return await dispatch(argv, {
      cwd: opts.cwd ?? process.cwd(),
      env,
      out,
      streams,
      processSignals: opts.processSignals ?? false,
    });
  } catch (caught) {
    out.done();
    const err = caught instanceof GtmError ? withHint(surfaceStageCause(caught)) : caught;
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
    const bug = new GtmError('INTERNAL', e?.message ?? String(err), {
      hint: 'this is a bug in gtm; rerun with --verbose and report it',
    });
    out.error(bug.oneLine());
    if (verbose) out.error(String(e?.stack));
    return 1;
  }
}

/** What to do, for an error raised without a hint: every line the user sees ends with one. */
const DEFAULT_HINTS: Record<string, string> = {
  USAGE: 'run the command with --help to see its flags',
  CONFIG: 'fix gtm.yaml (`gtm doctor` checks it)',
  INPUT: 'check the file or source named here',
  DATA: 'check the rows named here',
  ENGINE: 'rerun with --verbose to see the SQL',
  STAGE: 'see the plan record: gtm plans show latest',
  IO: 'check that the path is writable',
};

function withHint(err: GtmError): GtmError {
  if (err.hint || !DEFAULT_HINTS[err.code]) return err;
  const out = new GtmError(err.code, err.message, {
    where: err.where,
    hint: DEFAULT_HINTS[err.code],
    cause: err.cause,
    sql: err.sql,
    retriable: err.retriable,
  });
  out.stack = err.stack;
  return out;
}

/** Codes the person running the command fixes at once (a flag, gtm.yaml, a source file). */
const FIX_IT_YOURSELF = new Set(['USAGE', 'CONFIG', 'INPUT']);

/**
 * A stage that failed on the user's data or config (a missing file, a missing column) is reported as
 * that error — its code, exit status and file/row/column — with the plan record and the stage in
 * the hint; other causes (DATA, IO, ENGINE, and a source pull still failing after its retries) also name the stage's owner and the next rung of the
 * escalation ladder, which are noise to whoever typed a flag, gtm.yaml or a source file. STAGE (exit 7) stays for stages that failed otherwise
 * (retries exhausted on an internal or engine fault that carries no place to fix).
 */
export function surfaceStageCause(err: GtmError): GtmError {
  const cause = err.cause;
  if (
    err.code !== 'STAGE' ||
    !(cause instanceof GtmError) ||
    cause.code === 'INTERNAL' ||
    cause.code === 'STAGE'
  )
    return err;
  const attempts = /failed (after \d+ attempts?|before its first attempt)/.exec(err.message)?.[1];
  const stage = `stage ${err.where ?? '?'} failed${attempts ? ` ${attempts}` : ''}`;
  // the stage's owner and the next rung of the ladder are noise to whoever typed the flag
  const parts = (err.hint ?? cause.hint ?? '').split('; ').filter(
    (p) =>
      // a source that could not be pulled after its retries (a database down) is someone else's
      // pipeline: its owner and the ladder stay
      !FIX_IT_YOURSELF.has(cause.code) ||
      cause.retriable ||
      !/^(owner: |escalate to: |no escalation ladder)/.test(p),
  );
  const hint = [...parts, stage].filter(Boolean).join('; ');
  return new GtmError(cause.code, cause.message, {
    where: cause.where ?? err.where,
    hint,
    cause: err,
    sql: cause.sql,
    retriable: cause.retriable,
  });
}

async function dispatch(
  argv: string[],
  base: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    out: ReturnType<typeof createOutput>;
    streams: Streams;
    processSignals: boolean;
  },
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
  if (first === 'run' && (rest[0] === '--help' || rest[0] === '-h')) {
    base.out.text(commandHelp(runCommandHelp, 'gtm'));
    return 0;
  }
  if (first === 'run') {
    // Global flags may follow the quoted line, in either spelling and with their values
    // (`gtm run '<line>' --as-of 2026-11-15`, `--no-json`); the first other argument is the line,
    // and the command's own flags after it (`--fail-on-escalation`, `--no-snapshot`) join it.
    const line: string[] = [];
    const globals: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const m = /^--([^=]+)(=.*)?$/.exec(rest[i]);
      const key = m?.[1].replace(/-/g, '_').toLowerCase();
      const spec = GLOBAL_FLAGS.find(
        (g) => g.name === key || (g.type === 'boolean' && !m?.[2] && key === `no_${g.name}`),
      );
      if (!spec) {
        line.push(rest[i]);
        continue;
      }
      globals.push(rest[i]);
      if (spec.type !== 'boolean' && !m![2] && i + 1 < rest.length) globals.push(rest[++i]);
    }
    if (line.length === 0)
      throw new GtmError('USAGE', 'expects one quoted usage line', {
        where: 'run',
        hint: `e.g. gtm run '/partner-co-marketing-orchestration:track-source --campaign "AI Launch Tour" --window 30d'`,
      });
    const tokens = tokenize(line[0]);
    if (!tokens.length) throw new GtmError('USAGE', 'the usage line is empty', { where: 'run' });
    return dispatch(
      [commandFromUsage(tokens[0], COMMANDS), ...tokens.slice(1), ...line.slice(1), ...globals],
      base,
    );
  }
  const name = commandFromUsage(first, COMMANDS);
  let cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    const ranked = COMMANDS.map((c) => ({ c, d: c.name.startsWith(name) ? 0 : distance(name, c.name) })).sort(
      (a, b) => a.d - b.d,
    );
    const near =
      ranked[0] && ranked[0].d <= Math.max(2, Math.floor(name.length / 3)) ? ranked[0].c : undefined;
    throw new GtmError('USAGE', `unknown command "${first}"`, {
      where: first,
      hint: near
        ? `did you mean \`gtm ${near.name}\`? (gtm --help lists commands)`
        : 'gtm --help lists the commands',
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
    // asking for help succeeds; a command group given without a subcommand is a usage error
    return args.includes('--help') || args.includes('-h') ? 0 : 2;
  }
  const parsed = parseArgs(args, [...cmd.flags, ...GLOBAL_FLAGS], cmd.positionals);
  // The mode main() guessed from argv (`--json`, else JSON when stdout is not a terminal) gives way
  // to the flag as parsed: `--json=false`, `--no-json` and `--json=no` keep the human view on a
  // pipe, and --json can also arrive inside a `gtm run '<line>'`, which main() did not see
  const json = typeof parsed.flags.json === 'boolean' ? parsed.flags.json : base.out.json;
  const out =
    json !== base.out.json
      ? createOutput(base.streams, {
          json,
          quiet: Boolean(parsed.flags.quiet),
          verbose: Boolean(parsed.flags.verbose),
        })
      : base.out;
  const ctx: CliContext = {
    cwd: base.cwd,
    env: base.env,
    out,
    global: {
      json: out.json,
      verbose: Boolean(parsed.flags.verbose),
      quiet: Boolean(parsed.flags.quiet),
      config: parsed.flags.config as string | undefined,
      asOf: parsed.flags.as_of as string | undefined,
    },
    ...(base.processSignals ? { interruptible: interruptibleBy(out) } : {}),
  };
  return cmd.run(parsed, ctx);
}

/** Exit status of a run stopped by a signal: 128 + its number, as shells report it. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * `CliContext.interruptible` of the process: SIGINT and SIGTERM handlers live while `work` runs.
 * The first signal aborts work's signal and says so on stderr; a second one exits at once with
 * 128 + its number. A run that ends because of the signal exits with that status too (130 for
 * Ctrl-C), after its error line.
 */
function interruptibleBy(out: ReturnType<typeof createOutput>) {
  return async <T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    let received: string | undefined;
    const onSignal = (name: NodeJS.Signals) => {
      if (received !== undefined) process.exit(SIGNAL_EXIT[name] ?? 130);
      received = name;
      out.done();
      out.warn(`${name}: stopping the run (its statement, then the plan record); again to quit at once`);
      controller.abort(new GtmError('STAGE', `stopped by ${name}`));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      return await work(controller.signal);
    } catch (err) {
      if (received !== undefined && err instanceof GtmError) {
        throw new GtmError(err.code, err.message, {
          where: err.where,
          hint: err.hint,
          cause: err,
          sql: err.sql,
          retriable: err.retriable,
          exitCode: SIGNAL_EXIT[received] ?? 130,
        });
      }
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };
}
