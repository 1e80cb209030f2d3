import { formatDelta, percentText, signedText, type Status } from '../../report/index.ts';

/** A share as a percent with one decimal, or n/a. */
export const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? 'n/a' : percentText(x);

/** A relative change with its sign ("+4.2%", "−3.1%", "0.0%"), or n/a. */
export const signed = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : formatDelta(x);

/**
 * An effect on the scale the readout gives it: a relative lift as a signed percent, an absolute
 * difference (the readout's fallback when the lift is undefined, e.g. a control rate of 0) as
 * signed percentage points for a rate and a signed number otherwise, so 0.01 is never read as 1 %.
 */
export const effectText = (
  x: number | null | undefined,
  difference: 'relative' | 'absolute',
  type: 'proportion' | 'mean' | 'ratio',
): string => {
  if (difference === 'relative') return signed(x);
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  return signedText(x, (a) =>
    type === 'proportion' ? `${(a * 100).toFixed(1)} pp` : `${Number(a.toPrecision(4))}`,
  );
};

/** A roster role as words. */
export const human = (role: string): string => role.replace(/_/g, ' ');

/** Backlog severity → traffic light. */
export const SEVERITY_STATUS: Record<string, Status> = {
  critical: 'alert',
  high: 'alert',
  medium: 'warn',
  low: 'ok',
};

/** Checklist status → traffic light (`not checked` stays unmarked). */
export const CHECK_STATUS: Record<string, Status | undefined> = { pass: 'ok', warn: 'warn', fail: 'alert' };

/**
 * The ladder escalations worth their own line: a first breach escalated at once (a consent
 * violation) already has its "escalated at once" line, so it is not repeated as "breached 1 run in
 * a row"; a repeat (2 runs and more) keeps its line, which says how long it has lasted.
 */
export function ladderEscalations<E extends { alert_id: string; consecutive_breaches: number }>(
  escalations: readonly E[],
  immediate: readonly { alert_id: string }[],
): E[] {
  const atOnce = new Set(immediate.map((e) => e.alert_id));
  return escalations.filter((e) => !(atOnce.has(e.alert_id) && e.consecutive_breaches <= 1));
}

/** "1 as-of date" / "3 as-of dates" in a row: a streak counts as-ofs, a rerun of one is not another. */
export const asOfsInARow = (n: number): string => `${n} ${n === 1 ? 'as-of date' : 'as-of dates'} in a row`;

/** Where the list of every affected user is, and how long it is. */
export function affectedUsersCaption(u: { rows: readonly unknown[]; truncated: boolean }): string {
  const n = u.rows.length.toLocaleString('en-US');
  return u.truncated
    ? `The first ${n} affected users by user id, one row each, are in consent_violation_users.csv (more were affected).`
    : `Every affected user (${n}), one row each, is in consent_violation_users.csv.`;
}
