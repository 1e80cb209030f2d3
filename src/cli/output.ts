/**
 * The one place that decides how the CLI speaks: a human view and progress on a terminal, clean
 * JSON on stdout with --json or when stdout is piped. Progress and warnings go to stderr only.
 */
export interface Output {
  readonly json: boolean;
  /** Prints the result: JSON when machine mode, else the human view. */
  result(value: unknown, human: () => string): void;
  /** Plain text to stdout (help, listings) regardless of mode. */
  text(s: string): void;
  progress(message: string): void;
  /** Clears any progress line. */
  done(): void;
  warn(message: string): void;
  error(line: string): void;
}

export interface Streams {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export function createOutput(
  streams: Streams,
  opts: { json?: boolean; quiet?: boolean; verbose?: boolean },
): Output {
  const json = opts.json ?? !streams.stdout.isTTY;
  const tty = Boolean(streams.stderr.isTTY);
  const showProgress = !opts.quiet && (tty || opts.verbose === true);
  let lineOpen = false;
  const clear = () => {
    if (lineOpen) streams.stderr.write('\r\x1b[2K');
    lineOpen = false;
  };
  const started = Date.now();
  return {
    json,
    result(value, human) {
      clear();
      streams.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human().replace(/\n?$/, '\n')}`);
    },
    text(s) {
      clear();
      streams.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
    },
    progress(message) {
      if (!showProgress) return;
      const secs = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
      if (tty) {
        clear();
        streams.stderr.write(`\x1b[2m${secs}s\x1b[0m ${message}`.slice(0, 200));
        lineOpen = true;
      } else streams.stderr.write(`${secs}s ${message}\n`);
    },
    done() {
      clear();
    },
    warn(message) {
      clear();
      streams.stderr.write(`warning: ${message}\n`);
    },
    error(line) {
      clear();
      streams.stderr.write(`${line}\n`);
    },
  };
}
