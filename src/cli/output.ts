import { plainNumber } from '../analyses/text/plain-number.ts';

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

/** C0 controls but tab and line feed, DEL, and C1 controls (0x9b is a CSI of its own). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const hexEscape = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/**
 * Text for a terminal, whatever data it shows: every control character but tab and line feed
 * becomes a `\xNN` escape, so a value from the data (a partner named `ESC]0;…BEL` or `ESC[2J`, an
 * OSC 8 link) prints as text instead of setting the window title, clearing the screen or drawing
 * a link. Every human view, listing, warning and progress line goes through it; gtm's own views
 * hold no escape sequence.
 * @example terminalSafe('pm\u001b]0;x\u0007') // 'pm\\x1b]0;x\\x07'
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, hexEscape);
}

/**
 * JSON text with DEL and the C1 controls written as `\u00NN` escapes too (JSON.stringify escapes
 * only C0): the same JSON for a parser, nothing a terminal acts on when it is printed to one.
 */
function jsonSafe(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/**
 * A result as the JSON printed (and an MCP tool's structured content, which parses it): every
 * number without binary float noise (`plainNumber`: 5.8, not 5.799999999999999), whichever command
 * made it. The kit's commands clean their result once already; attribute, experiment-readout,
 * events, engine and doctor print theirs through here only.
 */
export function resultJson(value: unknown): string {
  return jsonSafe(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' ? plainNumber(v) : v), 2),
  );
}

/**
 * An error line as printable text, whatever input it echoes: control characters (as
 * `terminalSafe`) and the replacement character of undecodable bytes become `\xNN` / `\uFFFD`
 * escapes, and a line longer than 1,200 characters keeps its first 800 and last 300 around a
 * marked cut. Line breaks (stack traces under --verbose) stay.
 * @example printable('bad "\u0007\ufffd"') // 'bad "\\x07\\uFFFD"'
 */
export function printable(line: string): string {
  const clean = terminalSafe(line).replace(/\ufffd/g, '\\uFFFD');
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
      streams.stdout.write(json ? `${resultJson(value)}\n` : terminalSafe(human().replace(/\n?$/, '\n')));
    },
    text(s) {
      clear();
      streams.stdout.write(terminalSafe(s.endsWith('\n') ? s : `${s}\n`));
    },
    progress(message) {
      if (!showProgress) return;
      const secs = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
      if (tty) {
        clear();
        streams.stderr.write(`\x1b[2m${secs}s\x1b[0m ${terminalSafe(message)}`.slice(0, 200));
        lineOpen = true;
      } else streams.stderr.write(`${secs}s ${terminalSafe(message)}\n`);
    },
    done() {
      clear();
    },
    warn(message) {
      clear();
      streams.stderr.write(`warning: ${terminalSafe(message)}\n`);
    },
    error(line) {
      clear();
      streams.stderr.write(`${printable(line)}\n`);
    },
  };
}
