import { GtmError } from '../errors/index.ts';
import { ladderStep } from './escalation-ladder.ts';
import { resolveOwner, type FallbackUsed, type Roster } from './resolve-owner.ts';

/** An alert a stage raises: a metric compared with its threshold. */
export interface AlertInput {
  /** Stable across runs: the history of an alert is looked up by this id. */
  id: string;
  metric: string;
  value: number;
  threshold: number;
  /** `below`: breached when value < threshold; `above`: when value > threshold (equal is not a breach). */
  direction: 'below' | 'above';
  /** Who acts on a breach; resolved through the roster like stage owners. */
  owner_role?: string;
  /**
   * How the value reads in reports: `share` (0..1, shown as a percent; default), `count`, `amount`,
   * `ratio`, `hours` (a lag or an age, shown with "h").
   */
  unit?: AlertUnit;
  /**
   * What the alert says where no figure can (e.g. "no rows in outcomes" for a freshness alert on an
   * empty source, whose `value` is then only a stand-in that breaches): warnings and reports show
   * it instead of "value vs threshold".
   */
  detail?: string;
  /**
   * The breach in a row that escalates: 2 by default ("breached twice"); 1 escalates at once
   * (a consent violation must not wait for a second period).
   */
  escalate_from?: number;
  /**
   * A role to escalate to instead of the ladder's rung (e.g. the privacy lead for consent), on every
   * escalating breach: a repeat stays with that role rather than dropping to the ladder's first
   * rung. Its level is its rung when the ladder has the role, else 1.
   */
  escalate_to?: string;
  /**
   * Count an earlier breach only when it was evaluated at most this many hours ago ("breached twice
   * in 48 h"); without it, the previous run counts however old it is.
   */
  within_hours?: number;
}

export type AlertUnit = 'share' | 'count' | 'amount' | 'ratio' | 'hours';

export interface ResolvedParty {
  role: string | null;
  person: string | null;
  fallbackUsed: FallbackUsed | null;
  reason?: string;
}

export interface AlertEvaluation {
  id: string;
  metric: string;
  value: number;
  threshold: number;
  direction: 'below' | 'above';
  unit?: AlertUnit;
  /** See `AlertInput.detail`. */
  detail?: string;
  breached: boolean;
  /** Breaches in a row including this run; 0 when not breached now. */
  consecutive_breaches: number;
  /** True from the second breach in a row ("breached twice"). */
  escalate: boolean;
  escalation?: ResolvedParty & { level: number };
  owner?: ResolvedParty;
  /**
   * The previous evaluation of this alert id in the same command and scope: the latest run of the
   * latest as-of before this run's (reruns of the same as-of and runs for later as-ofs are not it).
   */
  previous: { plan_id: string; value: number; breached: boolean; consecutive_breaches: number } | null;
}

/** The previous evaluation of the same alert (latest run of an earlier as-of), from the alert history. */
export interface AlertHistoryEntry {
  plan_id: string;
  alert: Pick<AlertEvaluation, 'value' | 'breached' | 'consecutive_breaches'> & { evaluated_at?: string };
}

export interface AlertPolicy {
  escalationLadder: string[];
  roster: Roster;
  asOf: string;
  /** ISO time of this evaluation, for `within_hours`. */
  now?: string;
}

/**
 * Evaluates an alert against its threshold and its history. "Breached twice" means breached now and
 * at the previous evaluation of the same alert id in the same command and scope, that of the
 * latest earlier as-of (a rerun for the same as-of re-evaluates its period and reaches the same
 * decision as the first run of it); the streak grows by one per period, so the k-th consecutive
 * breach (k ≥ 2) escalates to `ladder[min(k − 2, len − 1)]`, or the next rung up when nobody
 * there is available (`rungOrAbove`). Pure: the caller finds `previous` in
 * the plan history.
 *
 * @example
 * const ev = evaluateAlert(
 *   { id: 'roas', metric: 'roas', value: 1.1, threshold: 1.5, direction: 'below' },
 *   { plan_id: 'plan-20240501T000000000Z', alert: { value: 1.2, breached: true, consecutive_breaches: 1 } },
 *   { escalationLadder: ['marketing-lead'], roster, asOf: '2024-05-08' },
 * );
 * // ev.consecutive_breaches === 2, ev.escalate === true, ev.escalation.role === 'marketing-lead'
 */
export function evaluateAlert(
  input: AlertInput,
  previous: AlertHistoryEntry | null,
  policy: AlertPolicy,
): AlertEvaluation {
  for (const key of ['value', 'threshold'] as const) {
    if (typeof input[key] !== 'number' || !Number.isFinite(input[key])) {
      throw new GtmError('DATA', `alert "${input.id}" has a ${key} that is not a finite number`, {
        where: `alert ${input.id}`,
        hint: `compute ${input.metric} before alerting on it, or skip the alert when there is no data`,
      });
    }
  }
  if (input.direction !== 'below' && input.direction !== 'above') {
    throw new GtmError('INTERNAL', `alert "${input.id}" has direction "${String(input.direction)}"`, {
      where: `alert ${input.id}`,
      hint: 'use "below" or "above"',
    });
  }
  const breached =
    input.direction === 'below' ? input.value < input.threshold : input.value > input.threshold;
  const recent =
    input.within_hours === undefined ||
    !previous?.alert.evaluated_at ||
    !policy.now ||
    Date.parse(policy.now) - Date.parse(previous.alert.evaluated_at) <= input.within_hours * 3_600_000;
  const streakBefore = previous?.alert.breached && recent ? previous.alert.consecutive_breaches : 0;
  const consecutive = breached ? streakBefore + 1 : 0;
  const from = Math.max(1, Math.floor(input.escalate_from ?? 2));
  const escalate = consecutive >= from;

  const evaluation: AlertEvaluation = {
    id: input.id,
    metric: input.metric,
    value: input.value,
    threshold: input.threshold,
    direction: input.direction,
    ...(input.unit ? { unit: input.unit } : {}),
    ...(input.detail ? { detail: input.detail } : {}),
    breached,
    consecutive_breaches: consecutive,
    escalate,
    previous: previous
      ? {
          plan_id: previous.plan_id,
          value: previous.alert.value,
          breached: previous.alert.breached,
          consecutive_breaches: previous.alert.consecutive_breaches,
        }
      : null,
  };
  if (input.owner_role) evaluation.owner = party(input.owner_role, policy, policy.escalationLadder[0]);
  if (escalate && input.escalate_to) {
    const rung = policy.escalationLadder.indexOf(input.escalate_to) + 1;
    evaluation.escalation = { ...party(input.escalate_to, policy), level: rung > 0 ? rung : 1 };
  } else if (escalate) {
    // the first escalating breach takes the first rung, whatever `escalate_from` is
    const step = ladderStep(policy.escalationLadder, consecutive + 2 - from);
    evaluation.escalation = step
      ? rungOrAbove(step, policy)
      : {
          // No ladder configured: the escalation still happens, to the alert's owner if any.
          ...(input.owner_role
            ? party(input.owner_role, policy)
            : { role: null, person: null, fallbackUsed: null }),
          level: 0,
          reason: 'no escalation ladder configured for this command',
        };
  }
  return evaluation;
}

/**
 * Who takes an escalation at `step`: the rung's role (through its roster fallbacks); when nobody
 * there can, the next rung up the ladder that can, recorded as a fallback with the reason, so that
 * an escalation reaches a person rather than an empty role. Never a lower rung; when no rung from
 * `step` up can be staffed, the rung with nobody (the plan notes "no owner").
 */
function rungOrAbove(
  step: { level: number; role: string },
  policy: AlertPolicy,
): ResolvedParty & { level: number } {
  const own = party(step.role, policy);
  if (own.person !== null) return { ...own, level: step.level };
  for (let i = step.level; i < policy.escalationLadder.length; i++) {
    const above = party(policy.escalationLadder[i], policy);
    if (above.person === null) continue;
    const to = above.role ?? policy.escalationLadder[i];
    const reason = `${own.reason ?? `nobody in "${step.role}" is available on ${policy.asOf}`}; "${to}", the next rung of the ladder that can, takes the escalation`;
    return { ...above, fallbackUsed: { from: step.role, to, reason }, reason, level: i + 1 };
  }
  return { ...own, level: step.level };
}

/**
 * Who `role` is in the roster; `orElse` (the alert's owner only: the ladder's first role) covers a
 * role the roster does not have. Escalation targets never take it: that would send an escalation
 * down the ladder.
 */
function party(role: string, policy: AlertPolicy, orElse?: string): ResolvedParty {
  const owner = resolveOwner(policy.roster, role, policy.asOf, orElse);
  return {
    role: owner.role,
    person: owner.person,
    fallbackUsed: owner.fallbackUsed,
    ...(owner.reason ? { reason: owner.reason } : {}),
  };
}
