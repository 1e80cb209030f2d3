import type { WorkspaceConfig } from '../../workspace/index.ts';
import type { OwnerRef } from '../kit/index.ts';

const DAY = 86_400_000;

/** An item to schedule: its owner, its effort, and its place in the queue (queue order = array order). */
export interface Schedulable {
  owner: OwnerRef;
  effort_days: number;
}

/** The ETA of an item and how it was reached. */
export interface Eta {
  eta: string;
  /** Working days queued ahead of and including the item, for its owner. */
  queued_days: number;
  /** Days per week the owner's role gives the backlog (people available × days per person). */
  capacity_days_per_week: number;
  /** Days added because the owner is away before the ETA (roster `unavailable`). */
  away_days: number;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Days of [from, to] (inclusive days) the person is unavailable. */
function awayDays(
  person: { unavailable?: { from: string; to: string }[] } | undefined,
  from: number,
  to: number,
): number {
  let days = 0;
  for (const u of person?.unavailable ?? []) {
    const a = Math.max(from, Date.parse(`${u.from}T00:00:00Z`));
    const b = Math.min(to, Date.parse(`${u.to}T00:00:00Z`));
    if (b >= a) days += Math.round((b - a) / DAY) + 1;
  }
  return days;
}

/**
 * ETAs from the roster's capacity: each owner works their items in queue order; an item is done
 * when the owner's queued effort (working days) is spent at the role's pace, `days per week per
 * person × people of the role available at as-of`, and the owner's unavailability before that
 * date pushes it back day for day. Pace per role from `referrals.backlog.capacity`, else the
 * default `capacity_days_per_week`.
 *
 * @example scheduleEtas(items, ws, '2026-11-15', { capacity: {}, defaultDays: 2 })[0].eta
 */
export function scheduleEtas(
  items: readonly Schedulable[],
  ws: WorkspaceConfig,
  asOfDay: string,
  capacity: { byRole: Readonly<Record<string, number>>; defaultDays: number },
): Eta[] {
  const start = Date.parse(`${asOfDay}T00:00:00Z`);
  const queued = new Map<string, number>();
  return items.map((item) => {
    const role = item.owner.fallback_used?.to ?? item.owner.role;
    const roleDef = ws.roster.roles[role];
    const available = (roleDef?.people ?? []).filter((p) => awayDays(p, start, start) === 0).length;
    const pace = (capacity.byRole[role] ?? capacity.defaultDays) * Math.max(1, available);
    const key = item.owner.person ?? `role:${role}`;
    const cum = (queued.get(key) ?? 0) + item.effort_days;
    queued.set(key, cum);
    const person = roleDef?.people.find((p) => p.name === item.owner.person);
    const base = Math.ceil((cum / pace) * 7);
    let away = 0;
    for (let k = 0; k < 10; k++) {
      const next = awayDays(person, start + DAY, start + (base + away) * DAY);
      if (next === away) break;
      away = next;
    }
    return {
      eta: iso(start + (base + away) * DAY),
      queued_days: cum,
      capacity_days_per_week: pace,
      away_days: away,
    };
  });
}
