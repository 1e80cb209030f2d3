/**
 * Lets the event loop turn between long synchronous steps of a stage (a model fit, scoring a
 * million members). Stages running beside each other queue their statements on the engine's one
 * connection, and each next statement is submitted from JS: while a loop holds the main thread,
 * the engine's threads sit idle with work queued. Awaiting this between steps lets the queue move.
 */
export const engineTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
