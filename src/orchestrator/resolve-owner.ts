import { GtmError } from '../errors/index.ts';

/** One person in a role. `unavailable` windows are ISO dates (`YYYY-MM-DD`), both ends inclusive. */
export interface RosterPerson {
  name: string;
  email?: string;
  unavailable?: { from: string; to: string; reason?: string }[];
}

/** The team: who fills each role, and which role covers it when nobody in it is available. */
export interface Roster {
  roles: Record<string, { people: RosterPerson[]; fallback?: string /* another role */ }>;
}

/** A role handed over to another role, with the reason, as recorded in the plan. */
export interface FallbackUsed {
  from: string;
  to: string;
  reason: string;
}

export interface OwnerResolution {
  /** The role that owns the work: the requested one, or the fallback role that supplied the person. */
  role: string;
  /** The owner, or null when nobody along the whole fallback chain is available. */
  person: string | null;
  email?: string;
  /** Set when the person comes from another role than the one requested. */
  fallbackUsed: null | FallbackUsed;
  /** People passed over on the way (on leave, …), in the order they were tried. */
  passedOver: { role: string; person: string; reason: string }[];
  /** Why there is no owner (person null), or why a fallback was needed. */
  reason?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` from a date or a full ISO timestamp; string comparison then orders dates correctly. */
function isoDay(value: string, where: string): string {
  const day = typeof value === 'string' ? value.slice(0, 10) : '';
  if (!ISO_DATE.test(day) || Number.isNaN(Date.parse(day))) {
    throw new GtmError('CONFIG', `"${String(value)}" is not an ISO date`, {
      where,
      hint: 'write dates as YYYY-MM-DD, e.g. 2024-05-01',
    });
  }
  return day;
}

function unavailability(person: RosterPerson, day: string, where: string): string | null {
  for (const [i, window] of (person.unavailable ?? []).entries()) {
    const from = isoDay(window.from, `${where}.unavailable[${i}].from`);
    const to = isoDay(window.to, `${where}.unavailable[${i}].to`);
    if (from <= day && day <= to) {
      return `${person.name} unavailable ${from}..${to}${window.reason ? ` (${window.reason})` : ''}`;
    }
  }
  return null;
}

/**
 * Who owns work given to `role` on `onDate`: the first available person of the role; when nobody in
 * it is available, the first available person along the role's `fallback` chain. The chain is
 * followed at most once per role, so a cycle (a → b → a) ends instead of looping; a role missing
 * from the roster ends the chain as well. Never throws for an unstaffed roster — the plan records
 * "no owner" with the reason, because a run must not die for a vacation — but it does throw
 * `CONFIG` for malformed dates, which are a typo to fix. With `orElse` (the plan's first escalation
 * role), a role missing from the roster altogether is owned by that role instead, as a fallback.
 *
 * @example
 * const roster = { roles: {
 *   analyst: { people: [{ name: 'Ana', unavailable: [{ from: '2024-05-01', to: '2024-05-10' }] }], fallback: 'lead' },
 *   lead: { people: [{ name: 'Bo' }] },
 * } };
 * resolveOwner(roster, 'analyst', '2024-05-03');
 * // → { role: 'lead', person: 'Bo', fallbackUsed: { from: 'analyst', to: 'lead', reason: '…' }, … }
 */
export function resolveOwner(roster: Roster, role: string, onDate: string, orElse?: string): OwnerResolution {
  const own = resolveInRoster(roster, role, onDate);
  return own.person === null && orElse !== undefined ? coveredBy(roster, own, onDate, orElse) : own;
}

/**
 * A role the roster does not have at all (a command's default role, like the kit's `marketing_ops`
 * for data pulls, in a roster written for one team) goes to `orElse`, the command's first escalation
 * role, recorded as a fallback with the reason. Only for a missing role: a role whose people are all
 * away keeps its own `fallback` chain and, past it, "no owner".
 */
function coveredBy(roster: Roster, own: OwnerResolution, onDate: string, orElse: string): OwnerResolution {
  if (Object.hasOwn(roster.roles, own.role) || orElse === own.role) return own;
  const other = resolveInRoster(roster, orElse, onDate);
  if (other.person === null) return own;
  const reason = `role "${own.role}" is not in the roster; "${other.role}" (the first role of the escalation ladder${other.role === orElse ? '' : `, through "${orElse}"`}) owns its work`;
  return {
    ...other,
    fallbackUsed: { from: own.role, to: other.role, reason },
    passedOver: [...own.passedOver, ...other.passedOver],
    reason,
  };
}

function resolveInRoster(roster: Roster, role: string, onDate: string): OwnerResolution {
  const day = isoDay(onDate, 'asOf');
  const passedOver: OwnerResolution['passedOver'] = [];
  const why: string[] = [];
  const visited: string[] = [];

  let current: string | undefined = role;
  while (current !== undefined) {
    if (visited.includes(current)) {
      why.push(`fallback chain loops back to "${current}"`);
      break;
    }
    visited.push(current);
    const entry: Roster['roles'][string] | undefined = Object.hasOwn(roster.roles, current)
      ? roster.roles[current]
      : undefined;
    if (!entry) {
      why.push(`role "${current}" is not in the roster`);
      break;
    }
    if (entry.people.length === 0) why.push(`role "${current}" has nobody assigned`);
    for (const [i, person] of entry.people.entries()) {
      const away = unavailability(person, day, `roster.roles.${current}.people[${i}]`);
      if (away) {
        passedOver.push({ role: current, person: person.name, reason: away });
        continue;
      }
      if (current === role) {
        return { role, person: person.name, ...emailOf(person), fallbackUsed: null, passedOver };
      }
      const reason = describe(role, current, why, passedOver);
      return {
        role: current,
        person: person.name,
        ...emailOf(person),
        fallbackUsed: { from: role, to: current, reason },
        passedOver,
        reason,
      };
    }
    if (entry.people.length > 0) why.push(`nobody in "${current}" is available on ${day}`);
    current = entry.fallback;
  }
  return {
    role,
    person: null,
    fallbackUsed: null,
    passedOver,
    reason: `no owner on ${day} for "${role}" (tried ${visited.join(' → ')}): ${describe(role, null, why, passedOver)}`,
  };
}

const emailOf = (person: RosterPerson) => (person.email ? { email: person.email } : {});

function describe(
  role: string,
  to: string | null,
  why: string[],
  passedOver: OwnerResolution['passedOver'],
): string {
  const parts = [...why];
  if (passedOver.length > 0) parts.push(passedOver.map((p) => p.reason).join('; '));
  if (to !== null && to !== role) parts.push(`"${to}" covers for "${role}"`);
  return parts.join('; ');
}
