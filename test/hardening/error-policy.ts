/**
 * The error policy every bad input must meet (issue 10): one line on stderr,
 * `error[CODE] <where>: <what> — <what to do>`, a documented code (never INTERNAL on bad input),
 * no stack trace; and a tally of the cases tried, for the hardening report.
 */
import { expect } from 'vitest';
import { EXIT_CODES, GtmError, type ErrorCode } from '../../src/errors/index.ts';
import type { CliRun } from '../helpers/run-cli.ts';

/** `error[CODE] where: what — hint`; `where` has no spaces before its colon unless it is a path. */
export const POLICY_LINE = /^error\[(USAGE|CONFIG|INPUT|DATA|ENGINE|STAGE|IO)\] (\S.*?): (.+) — (.+)$/;
const STACK = /^\s+at |\n\s+at [\w<.]/m;

/** Counts of the hardening cases, printed once per file by `reportTally`. */
export const tally = { tried: 0, refused: 0, stackTraces: 0, internal: 0 };

/** Asserts a CLI run refused bad input the way the policy says; returns the line. */
export function expectRefused(run: CliRun, code: ErrorCode, where?: string | RegExp): string {
  tally.tried++;
  if (run.stderr.includes('error[INTERNAL]')) tally.internal++;
  if (STACK.test(run.stderr)) tally.stackTraces++;
  expect(run.stderrLines, run.stderr).toHaveLength(1);
  const line = run.stderrLines[0];
  expect(line, 'no stack trace').not.toMatch(STACK);
  expect(line).toMatch(POLICY_LINE);
  expect(line.startsWith(`error[${code}] `), line).toBe(true);
  expect(run.code, line).toBe(EXIT_CODES[code]);
  if (typeof where === 'string') expect(line.startsWith(`error[${code}] ${where}:`), line).toBe(true);
  else if (where) expect(POLICY_LINE.exec(line)?.[2], line).toMatch(where);
  tally.refused++;
  return line;
}

/** Asserts a thrown value is a GtmError of a user-facing code with where and hint (library calls). */
export function expectGtmError(
  err: unknown,
  codes: readonly ErrorCode[] = ['USAGE', 'CONFIG', 'INPUT', 'DATA'],
): GtmError {
  tally.tried++;
  expect(err, String((err as Error)?.stack ?? err)).toBeInstanceOf(GtmError);
  const e = err as GtmError;
  if (e.code === 'INTERNAL') tally.internal++;
  expect(codes, e.oneLine()).toContain(e.code);
  expect(e.where, e.oneLine()).toBeTruthy();
  expect(e.hint, e.oneLine()).toBeTruthy();
  expect(e.oneLine()).toMatch(POLICY_LINE);
  tally.refused++;
  return e;
}

/** Prints the tally (vitest shows it with the file's output). */
export function reportTally(name: string): void {
  console.info(
    `[hardening] ${name}: ${tally.tried} cases, ${tally.refused} refused with a clear line, ` +
      `${tally.stackTraces} stack traces, ${tally.internal} INTERNAL`,
  );
}
