import type { AlertHistoryEntry } from './evaluate-alert.ts';
import type { PlanRecord } from './plan-record.ts';

/** The calendar day an as-of starts with (`YYYY-MM-DD`), or null when a record has none. */
const asOfDayOf = (asOf: unknown): string | null =>
  typeof asOf === 'string' && /^\d{4}-\d{2}-\d{2}/.test(asOf) ? asOf.slice(0, 10) : null;

/**
 * The previous evaluation of alert `id` for a run at `asOf`, from the finished plans of the same
 * command and scope, newest first: the latest run whose as-of is strictly earlier than `asOf` (the
 * newest of those when several share that as-of). A streak counts periods, not runs: a rerun for
 * the same as-of, or a run made before this one for a later as-of, is not the previous
 * evaluation, so a rerun reaches the decision of the first run of its as-of and a backfill
 * compares with the run before its own as-of. Where this run or a history record has no as-of
 * (records written before as-ofs were kept, a library caller's spec without one), the latest run
 * that evaluated the alert counts, as before. Runs that did not evaluate the alert neither break
 * nor extend a streak.
 *
 * @example
 * previousAlert(history.plans(), 'partner-roas', '2024-05-21'); // the latest run for 2024-05-20 or before
 */
export function previousAlert(
  plans: Iterable<{ record: Pick<PlanRecord, 'plan_id' | 'as_of' | 'alerts'> }>,
  id: string,
  asOf: string | undefined,
): AlertHistoryEntry | null {
  const mine = asOfDayOf(asOf);
  let best: { day: string; entry: AlertHistoryEntry } | null = null;
  for (const { record } of plans) {
    const alert = record.alerts.find((a) => a.id === id);
    if (!alert) continue;
    const day = asOfDayOf(record.as_of);
    const entry = { plan_id: record.plan_id, alert };
    if (mine === null || day === null) return best?.entry ?? entry;
    // newest first: the first run met at an as-of is the latest of that as-of
    if (day < mine && (best === null || day > best.day)) best = { day, entry };
  }
  return best?.entry ?? null;
}
