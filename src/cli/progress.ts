import type { RunEvent } from '../orchestrator/index.ts';

/**
 * Alerts whose breach ends the run with an error line of its own (the reject-rate limit exits 5
 * naming the source and row): no warning is printed for them, so the user sees one line.
 */
const REPORTED_AS_ERRORS = new Set(['max_reject_rate']);
import type { AlertEvaluation } from '../orchestrator/evaluate-alert.ts';
import type { Output } from './output.ts';

/**
 * "1.03% vs threshold 1.00% (above the maximum)": shares as percentages, hours with "h" ("50.7 h vs
 * threshold 12.0 h"), with as many decimals (up to 4) as it takes for a breached value not to print
 * like its threshold.
 */
export function alertFigures(a: Pick<AlertEvaluation, 'value' | 'threshold' | 'unit' | 'direction'>): string {
  const share = (a.unit ?? 'share') === 'share';
  const scale = share ? 100 : 1;
  const suffix = share ? '%' : a.unit === 'hours' ? ' h' : '';
  let digits = share || a.unit === 'hours' ? 1 : a.unit === 'count' ? 0 : 2;
  const text = (x: number) => `${(x * scale).toFixed(digits)}${suffix}`;
  while (digits < 6 && a.value !== a.threshold && text(a.value) === text(a.threshold)) digits++;
  const side = a.direction === 'below' ? 'below the minimum' : 'above the maximum';
  return `${text(a.value)} vs threshold ${text(a.threshold)} (${side})`;
}

/**
 * An alert as its warning line names it: the id, then what its figures measure, since an id alone
 * (`compliance_blockers`, `freshness.billing_events`) leaves "7 vs threshold 0" or "50.73 vs
 * threshold 12.00" without a definition or a unit: `freshness.billing_events (hours since the latest
 * billing_events data)`. The id alone when the alert has a detail (it says what the figures would
 * have) or its metric only repeats the id.
 */
export function alertName(a: Pick<AlertEvaluation, 'id' | 'metric' | 'detail'>): string {
  const metric = a.metric?.trim();
  return a.detail || !metric || metric.toLowerCase() === a.id.toLowerCase() ? a.id : `${a.id} (${metric})`;
}

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
            `alert ${alertName(e.evaluation)}: ${e.evaluation.detail ?? alertFigures(e.evaluation)}${!e.evaluation.escalate ? ' — breached' : e.evaluation.consecutive_breaches === 1 ? ' — breached, escalated at once' : ` — breached ${e.evaluation.consecutive_breaches} as-of dates in a row, escalated`}`,
          );
        break;
      default:
        break;
    }
  };
}
