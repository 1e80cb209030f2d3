/**
 * Cancellation of engine work by scope: `withCancellation(signal, work)` runs `work` so that every
 * engine it opens (DuckDB, ClickHouse) stops when `signal` aborts. The running statement is
 * interrupted (DuckDB's interrupt; ClickHouse's request aborted) and every later statement is
 * refused, so a command that goes through an engine stops at its next statement without being
 * handed the signal itself. Engines opened outside a scope are not affected.
 *
 * Used by `gtm mcp` for the tools that run a CLI command in-process (attribute, experiment-readout,
 * events-validate), whose calls a client may cancel (MCP notifications/cancelled).
 *
 * @example
 * const ac = new AbortController();
 * const run = withCancellation(ac.signal, () => main(['attribute', '--touchpoints', 't.parquet']));
 * ac.abort(); // the engine's statement stops; `run` ends with an error
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { GtmError } from '../errors/index.ts';

const scope = new AsyncLocalStorage<AbortSignal>();

/** Runs `work` with `signal` as the cancellation of every engine opened inside it. */
export function withCancellation<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return scope.run(signal, work);
}

/** The cancellation signal of the scope the caller runs in, if any (read by engines as they open). */
export function cancellationSignal(): AbortSignal | undefined {
  return scope.getStore();
}

/**
 * Throws `cancelledError()` when the scope's signal has aborted: for work that goes through no
 * engine, between its steps (events validate, between files and before each worker's task).
 */
export function throwIfCancelled(): void {
  if (scope.getStore()?.aborted) throw cancelledError();
}

/**
 * A pause for long work in JavaScript (`Pause` of src/analyses/attribution): once `sliceMs` of work
 * have passed since its last return to the event loop, it returns there (timers and I/O run: an MCP
 * server's heartbeat, its answers, a client's cancellation), then throws `cancelledError()` when
 * the scope's signal has aborted; within the slice it resolves at once.
 *
 * @example
 * const pause = slicedPause(50);
 * for (const step of steps) { run(step); await pause(); }
 */
export function slicedPause(sliceMs: number, clock: () => number = Date.now): () => Promise<void> {
  let since = clock();
  return async () => {
    if (clock() - since < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    since = clock();
    throwIfCancelled();
  };
}

/** The error of a statement (or a step) refused or interrupted because its run was cancelled. */
export function cancelledError(sql?: string, cause?: unknown): GtmError {
  return new GtmError('ENGINE', `the run was cancelled${sql ? '; the statement was stopped' : ''}`, {
    sql,
    cause,
    hint: 'run the command again to get its result',
    retriable: false,
  });
}
