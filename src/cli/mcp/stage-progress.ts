import type { RunEvent } from '../../orchestrator/index.ts';

/** How often a tool call says which stages are still running, when no other progress came. */
export const HEARTBEAT_MS = 10_000;

/**
 * The progress notifications of one tool call, from its run's events: each stage as it starts
 * ("Normalize and dedupe…"), a stage's own progress lines, a retry, and, while stages run with
 * nothing else said for `everyMs`, which are still running and for how long
 * ("still running: Normalize and dedupe (40 s)").
 *
 * An MCP client waits a fixed time for a result (the SDK's clients 60 s) unless progress resets its
 * clock; a stage of a large workspace runs longer than that alone, and the call timed out with the
 * run going on unseen. `stop()` ends the heartbeat (call it when the run ends, however it ends).
 *
 * @example
 * const p = stageProgress((m) => notify(m));
 * await runCommand(def, flags, { onEvent: p.onEvent }).finally(p.stop);
 */
export function stageProgress(
  send: (message: string) => void,
  opts: { everyMs?: number; clock?: () => number } = {},
): { onEvent: (e: RunEvent) => void; stop: () => void } {
  const everyMs = opts.everyMs ?? HEARTBEAT_MS;
  const clock = opts.clock ?? (() => Date.now());
  const running = new Map<string, { name: string; since: number }>();
  let lastSent = clock();
  let timer: ReturnType<typeof setInterval> | undefined;

  const say = (message: string) => {
    lastSent = clock();
    send(message);
  };
  const beat = () => {
    const now = clock();
    if (!running.size || now - lastSent < everyMs) return;
    const stages = [...running.values()].map((s) => `${s.name} (${Math.round((now - s.since) / 1000)} s)`);
    say(`still running: ${stages.join(', ')}`);
  };
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    running.clear();
  };

  const onEvent = (e: RunEvent) => {
    switch (e.type) {
      case 'stage-started':
        running.set(e.task_id, { name: e.name, since: clock() });
        say(`${e.name}…`);
        if (timer === undefined) {
          timer = setInterval(beat, Math.max(1, Math.floor(everyMs / 2)));
          // a heartbeat never keeps the process alive by itself
          timer.unref?.();
        }
        break;
      case 'progress':
        say(`${e.task_id}: ${e.message}`);
        break;
      case 'stage-retrying':
        say(`${e.name} failed (${e.error.message}); retrying in ${e.delay_ms} ms`);
        break;
      case 'stage-succeeded':
      case 'stage-failed':
      case 'stage-skipped':
        running.delete(e.task_id);
        break;
      case 'run-finished':
        stop();
        break;
      default:
        break;
    }
  };
  return { onEvent, stop };
}
