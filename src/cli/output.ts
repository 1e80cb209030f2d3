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

/** Longest error line printed whole; longer ones keep their start and end (the hint) around a cut. */
const MAX_LINE = 1200;

/**
 * An error line as printable text, whatever input it echoes: control characters and the replacement
 * character of undecodable bytes become `\xNN` / `\uFFFD` escapes, and a line longer than
 * 1,200 characters keeps its first 800 and last 300 around a marked cut. Line breaks (stack traces
 * under --verbose) stay.
 * @example printable('bad "\u0007\ufffd"') // 'bad "\\x07\\uFFFD"'
 */
export function printable(line: string): string {
  const clean = line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/g, (c) =>
    c === '\ufffd' ? '\\uFFFD' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return clean
    .split('\n')
    .map((l) =>
      l.length > MAX_LINE ? `${l.slice(0, 800)} …(${l.length - 1100} characters cut)… ${l.slice(-300)}` : l,
    )
    .join('\n');
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
      streams.stderr.write(`${printable(line)}\n`);
    },
  };
}
