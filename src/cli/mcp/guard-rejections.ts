/**
 * A promise rejected with no handler anywhere in the process (a stray promise of a library during
 * a call) ends a Node process by default, and `gtm mcp` with it: the agent's session loses its
 * server, and its client says only "Connection closed". The server writes it to stderr as one
 * line instead and keeps serving: each call's own failures already come back as tool errors, so
 * what reaches this is outside every call's handling. Returns a function that removes the guard.
 *
 * @example
 * const unguard = guardUnhandledRejections();
 */
export function guardUnhandledRejections(
  proc: Pick<NodeJS.EventEmitter, 'on' | 'off'> = process,
  write: (line: string) => void = (line) => void process.stderr.write(line),
): () => void {
  const onRejection = (reason: unknown) => {
    const what = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    write(`gtm mcp: a promise was rejected with no handler; still serving: ${what}\n`);
  };
  proc.on('unhandledRejection', onRejection);
  return () => void proc.off('unhandledRejection', onRejection);
}
