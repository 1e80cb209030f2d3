/**
 * Typed errors. Every error a user can cause carries a code, the place it points at (file, row,
 * column, flag or config key) and a hint that says what to do. The CLI prints one line from it:
 * `error[CODE] <where>: <message> — <hint>` and exits with the code's exit status.
 */
export type ErrorCode =
  | 'USAGE' // bad flag or argument
  | 'CONFIG' // gtm.yaml invalid or missing
  | 'INPUT' // a source file or table cannot be read or has the wrong shape
  | 'DATA' // data read but inconsistent (unknown currency, reconciliation mismatch)
  | 'ENGINE' // the SQL engine failed
  | 'STAGE' // a plan stage failed after its retries
  | 'IO' // writing outputs failed
  | 'INTERNAL';

/** One line: runs of whitespace holding a line break (or any control character) become one space. */
const flat = (text: string): string =>
  text.replace(/\s*[\r\n\u0000-\u0008\u000b\u000c\u000e-\u001f\u2028\u2029]+\s*/g, ' ');

/** Documented exit codes (README "Exit codes"). */
export const EXIT_CODES: Record<ErrorCode, number> = {
  INTERNAL: 1,
  USAGE: 2,
  CONFIG: 3,
  INPUT: 4,
  DATA: 5,
  ENGINE: 6,
  STAGE: 7,
  IO: 8,
};

export interface GtmErrorOptions {
  /** Where: a file path, `file:row`, `file:row:column`, `--flag`, or a config key path like `sources.crm.path`. */
  where?: string;
  /** What the user should do about it. */
  hint?: string;
  cause?: unknown;
  /** True when retrying the same step may succeed (a flaky pull, a lock). */
  retriable?: boolean;
  /** SQL text, kept for --verbose. */
  sql?: string;
  /** Exit status other than the code's: 130 / 143 for a run stopped by Ctrl-C / SIGTERM. */
  exitCode?: number;
}

export class GtmError extends Error {
  readonly code: ErrorCode;
  readonly where?: string;
  readonly hint?: string;
  readonly retriable: boolean;
  readonly sql?: string;
  private readonly exitOverride?: number;

  constructor(code: ErrorCode, message: string, options: GtmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GtmError';
    this.code = code;
    this.where = options.where;
    this.hint = options.hint;
    this.retriable = options.retriable ?? false;
    this.sql = options.sql;
    this.exitOverride = options.exitCode;
  }

  get exitCode(): number {
    return this.exitOverride ?? EXIT_CODES[this.code];
  }

  /**
   * The one line a user sees. Line breaks inside the parts (a parser's message quoting the text
   * around an error, a value read from a file) become spaces, so it stays one line.
   */
  oneLine(): string {
    const where = this.where ? ` ${flat(this.where)}:` : '';
    const hint = this.hint ? ` — ${flat(this.hint)}` : '';
    return `error[${this.code}]${where} ${flat(this.message)}${hint}`;
  }
}

export const usageError = (message: string, where?: string, hint?: string) =>
  new GtmError('USAGE', message, { where, hint });
export const configError = (message: string, where?: string, hint?: string) =>
  new GtmError('CONFIG', message, { where, hint });
export const inputError = (message: string, where?: string, hint?: string, cause?: unknown) =>
  new GtmError('INPUT', message, { where, hint, cause });
export const dataError = (message: string, where?: string, hint?: string) =>
  new GtmError('DATA', message, { where, hint });

/** Whether an error may succeed on retry: only errors marked retriable (Dataform's predicate). */
export const isRetriable = (err: unknown): boolean => err instanceof GtmError && err.retriable;
