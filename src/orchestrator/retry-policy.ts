import { isRetriable } from '../errors/index.ts';

/**
 * Wait before retry number `retry` (1 for the first retry): base × 2^(retry − 1). No jitter: runs
 * are meant to be reproducible, and one CLI process does not stampede a shared service.
 *
 * @example
 * [1, 2, 3].map((r) => backoffDelay(200, r)); // → [200, 400, 800]
 */
export function backoffDelay(baseMs: number, retry: number): number {
  return baseMs * 2 ** Math.max(0, retry - 1);
}

/**
 * Whether a failed attempt gets another try: only errors marked retriable (a flaky pull, a
 * reconciliation mismatch), and only while retries remain. A bug or bad input fails at once, since
 * repeating it would only delay the same error.
 *
 * @example
 * shouldRetry(new GtmError('DATA', 'mismatch', { retriable: true }), 1, 2); // → true
 */
export function shouldRetry(err: unknown, attempt: number, maxRetries: number): boolean {
  return isRetriable(err) && attempt <= maxRetries;
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects: the caller checks the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
