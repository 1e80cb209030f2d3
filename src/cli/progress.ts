import type { RunEvent } from '../orchestrator/index.ts';

/**
 * Alerts whose breach ends the run with an error line of its own (the reject-rate limit exits 5
 * naming the source and row): no warning is printed for them, so the user sees one line.
 */
const REPORTED_AS_ERRORS = new Set(['max_reject_rate']);
import type { Output } from './output.ts';

/** Turns plan events into terminal progress lines and warnings. */
export function progressFromEvents(out: Output): (e: RunEvent) => void {
  return (e) => {
    switch (e.type) {
      case 'stage-started':
        out.progress(`${e.name}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}…`);
        break;
      case 'progress':
        out.progress(`${e.task_id}: ${e.message}`);
        break;
      case 'stage-retrying':
        out.warn(`${e.name} failed (${e.error.message}); retrying in ${e.delay_ms} ms`);
        break;
      case 'alert':
        if (e.evaluation.breached && !REPORTED_AS_ERRORS.has(e.evaluation.id))
          out.warn(
            `alert ${e.evaluation.id}: ${e.evaluation.value.toFixed(3)} vs threshold ${e.evaluation.threshold}${e.evaluation.escalate ? ` — breached ${e.evaluation.consecutive_breaches} runs in a row, escalated` : ' — breached'}`,
          );
        break;
      default:
        break;
    }
  };
}
