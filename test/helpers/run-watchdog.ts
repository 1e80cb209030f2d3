/**
 * A watchdog for in-process CLI runs: a run still going after `afterMs` prints, once, what the
 * process is waiting on, so that a test that times out leaves its cause in the log. A DuckDB call
 * that does not return is listed with its SQL and age; a file-system call the disk does not answer
 * shows as `FSReqPromise`/`FSReqCallback` among the active resources; with neither, the run waits
 * on a promise that no I/O of its own will settle (`PipeWrap` is the worker's channel to vitest,
 * busy while a file's first run loads its modules).
 */
import { inFlight } from '../../src/data/sql-profile.ts';

/** Below vitest's 60 s test timeout, so the report comes before the timeout. */
export const WATCHDOG_MS = 40_000;

/** What the process waits on, as the lines the watchdog prints (`label` names the run). */
export function stallReport(label: string, elapsedMs: number): string {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  const resources = [...counts].map(([r, n]) => (n > 1 ? `${r} ×${n}` : r)).join(', ');
  const calls = inFlight();
  return [
    `[watchdog] ${label}: still running after ${(elapsedMs / 1000).toFixed(1)} s`,
    `  active resources: ${resources || '(none)'}`,
    ...(calls.length
      ? calls.map((c) => `  DuckDB call running for ${(c.ms / 1000).toFixed(1)} s: ${oneLine(c.what)}`)
      : ['  no DuckDB call running']),
  ].join('\n');
}

/**
 * Starts the watchdog of one run; call the returned function when the run ends. `afterMs` defaults
 * to `GTM_TEST_WATCHDOG_MS`, else 40 s; the report goes to `write` (default: console.error).
 *
 * @example
 * const stop = watchRun('gtm track-source', {});
 * try { await main(argv); } finally { stop(); }
 */
export function watchRun(
  label: string,
  opts: { afterMs?: number; write?: (text: string) => void } = {},
): () => void {
  const afterMs = opts.afterMs ?? (Number(process.env.GTM_TEST_WATCHDOG_MS) || WATCHDOG_MS);
  const write = opts.write ?? ((text: string) => console.error(text));
  const since = performance.now();
  const timer = setTimeout(() => write(stallReport(label, performance.now() - since)), afterMs);
  timer.unref();
  return () => clearTimeout(timer);
}

function oneLine(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
