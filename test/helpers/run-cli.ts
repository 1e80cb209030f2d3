/**
 * Runs the CLI in-process (`main` returns the exit code) with captured streams, so end-to-end tests
 * see exactly what a user sees on stdout and stderr without paying for a process per run.
 */
import { main } from '../../src/cli/main.ts';
import { watchRun } from './run-watchdog.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stderr split into non-empty lines */
  stderrLines: string[];
  /** stdout parsed as JSON (throws when it is not exactly one JSON document) */
  json<T = Record<string, unknown>>(): T;
}

export interface RunCliOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Pretend stdout and stderr are a terminal (human view, progress); default false (piped → JSON). */
  tty?: boolean;
}

/**
 * @example
 * const r = await runCli(['track-source', '--campaign', 'AI Launch Tour', '--as-of', '2026-11-15'], { cwd: dir });
 * expect(r.code).toBe(0);
 */
export async function runCli(argv: string[], opts: RunCliOptions): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const tty = opts.tty ?? false;
  // a run that has not ended after 40 s says what it waits on (DuckDB, the disk, or nothing)
  const stop = watchRun(`gtm ${argv.join(' ')} (in ${opts.cwd})`);
  let code: number;
  try {
    code = await main(argv, {
      cwd: opts.cwd,
      env: opts.env ?? { ...process.env },
      streams: {
        stdout: { write: (s: string) => ((stdout += s), true), isTTY: tty },
        stderr: { write: (s: string) => ((stderr += s), true), isTTY: tty },
      },
    });
  } finally {
    stop();
  }
  return {
    code,
    stdout,
    stderr,
    stderrLines: stderr.split('\n').filter((l) => l.trim() !== ''),
    json<T>() {
      return JSON.parse(stdout) as T;
    },
  };
}

/** Whether a string is one line (no newline inside, trailing newline allowed). */
export const isOneLine = (s: string) => !s.replace(/\n$/, '').includes('\n');
