import { resolveThresholds, type GovernanceThresholds } from './governance-thresholds.ts';
import { isBlank, isoTime, optionalTime, requireCount, requireKey, requireTime } from './input-checks.ts';
import { issueId } from './issue-id.ts';
import { DEFAULT_OWNER_ROLES, type OwnerRoles } from './owner-roles.ts';
import { PersonalizationInputError } from './personalization-input-error.ts';
import type { Issue, Timestamp } from './types.ts';

export type ConsentStatus = 'granted' | 'withdrawn';

/**
 * A decision that needed consent for `purpose`, with the user's consent around it (the SQL joins
 * each decision to the latest consent record at or before it, and the first grant after it).
 * Usually only the suspect decisions are sent; compliant rows are counted and skipped.
 */
export interface ConsentDecisionRow {
  readonly user: string;
  readonly rule: string;
  /** The consent purpose/category the rule requires (e.g. `personalization`). */
  readonly purpose: string;
  readonly decisionTs: Timestamp;
  /** Latest consent record for (user, purpose) at or before the decision; null when none. */
  readonly consentStatus?: ConsentStatus | null;
  readonly consentTs?: Timestamp | null;
  /** First grant for (user, purpose) after the decision; null when none. */
  readonly nextGrantTs?: Timestamp | null;
  /** The consent state the decision system logged on the decision row, if it logs one. */
  readonly loggedConsent?: string | null;
  readonly variant?: string | null;
  readonly channel?: string | null;
}

/**
 * - `withdrawn`: the latest record at or before the decision is a withdrawal;
 * - `granted-after-decision`: no consent at decision time, granted only later (often a race
 *   between the consent banner and the decision call; still a violation);
 * - `never-granted`: no grant before or after.
 */
export type ConsentViolationKind = 'withdrawn' | 'never-granted' | 'granted-after-decision';

export const CONSENT_VIOLATION_KINDS: readonly ConsentViolationKind[] = [
  'withdrawn',
  'never-granted',
  'granted-after-decision',
];

/** Violations already counted in SQL, by rule, purpose and kind. */
export interface ConsentViolationCount {
  readonly rule: string;
  readonly purpose: string;
  readonly kind: ConsentViolationKind;
  readonly decisions: number | bigint;
  /** Distinct users in this group, if counted. */
  readonly users?: number | bigint | null;
}

export interface ConsentAdherenceInput {
  readonly rows?: readonly ConsentDecisionRow[] | null;
  readonly counts?: readonly ConsentViolationCount[] | null;
  /** All decisions that required consent in the window: the denominator of the rate. */
  readonly decisionsRequiringConsent?: number | bigint | null;
}

export interface ConsentExample {
  readonly user: string;
  readonly rule: string;
  readonly purpose: string;
  readonly kind: ConsentViolationKind;
  readonly decisionTs: string;
  readonly consentTs: string | null;
  readonly nextGrantTs: string | null;
  readonly variant: string | null;
  readonly channel: string | null;
}

export interface ConsentGroup {
  readonly rule: string;
  readonly purpose: string;
  readonly kind: ConsentViolationKind;
  readonly decisions: number;
  /** Distinct users (rows) plus the counted users (counts); null when a count had none. */
  readonly users: number | null;
}

export interface ConsentAdherence {
  /** Decisions served without consent at decision time. */
  readonly violations: number;
  /** Distinct users among violating rows; null when pre-counted groups were given too. */
  readonly users: number | null;
  /** violations / decisionsRequiringConsent, when the denominator is known and positive. */
  readonly rate: number | null;
  readonly byKind: Readonly<Record<ConsentViolationKind, number>>;
  /** Most decisions first. */
  readonly groups: readonly ConsentGroup[];
  /** Withdrawn first, then never granted, then granted late; most recent first within each. */
  readonly examples: readonly ConsentExample[];
  /** Rows that had consent at decision time (not violations). */
  readonly compliantRows: number;
  /** Violating rows whose decision log claimed consent was granted: the decision system's view is wrong. */
  readonly loggedConsentMismatches: number;
  /** One critical issue per rule × purpose. */
  readonly findings: readonly Issue[];
}

/**
 * Each kind as people read it (findings, checklist, dashboard): `withdrawn` is the user's no, a
 * consent record's withdrawal or refusal (`denied`, read as `withdrawn`) or a decision's logged
 * `withdrawn` or `denied` alike.
 */
export const CONSENT_KIND_TEXT: Readonly<Record<ConsentViolationKind, string>> = {
  withdrawn: 'withdrawn or denied before the decision',
  'never-granted': 'never granted',
  'granted-after-decision': 'granted only after the decision',
};

/**
 * Decisions served to users without the required consent at decision time, classified, counted
 * by rule × purpose × kind, with the top examples; every rule × purpose with a violation is a
 * critical issue. A row has consent when its latest record at or before the decision is a grant,
 * or when its "next grant" is at the decision's own timestamp (equal times count as consent: the
 * data cannot order them); a grant one millisecond later does not.
 *
 * O(rows × examples) time (examples is small), O(distinct users) memory; about 1.4 s per million
 * violating rows with 300k distinct users. At larger volumes send `counts` from SQL instead.
 *
 * @example
 * consentAdherence({
 *   rows: [{ user: 'u1', rule: 'hero', purpose: 'personalization', decisionTs: '2026-03-01 10:00:00', consentStatus: 'withdrawn', consentTs: '2026-02-01' }],
 * }).byKind.withdrawn; // 1
 */
export function consentAdherence(
  input: ConsentAdherenceInput,
  options: { thresholds?: Partial<GovernanceThresholds>; ownerRoles?: Partial<OwnerRoles> } = {},
): ConsentAdherence {
  const t = resolveThresholds(options.thresholds);
  const owner = { ...DEFAULT_OWNER_ROLES, ...options.ownerRoles }.consent;
  const limit = t.consentExamples;

  const groups = new Map<
    string,
    {
      rule: string;
      purpose: string;
      kind: ConsentViolationKind;
      decisions: number;
      users: Set<string>;
      counted: number | null;
    }
  >();
  const groupOf = (rule: string, purpose: string, kind: ConsentViolationKind) => {
    const key = `${rule}\u0000${purpose}\u0000${kind}`;
    let g = groups.get(key);
    if (!g) {
      g = { rule, purpose, kind, decisions: 0, users: new Set(), counted: 0 };
      groups.set(key, g);
    }
    return g;
  };
  const allUsers = new Set<string>();
  // Distinct users per rule × purpose: a user can be in several kinds, so group sizes do not add.
  const pairUsers = new Map<string, Set<string> | null>();
  const examples: RankedExample[] = [];
  let compliantRows = 0;
  let mismatches = 0;

  (input.rows ?? []).forEach((row, i) => {
    const user = requireKey(row.user, i, 'rows.user');
    const rule = requireKey(row.rule, i, 'rows.rule');
    const purpose = requireKey(row.purpose, i, 'rows.purpose');
    const decision = requireTime(row.decisionTs, i, 'rows.decisionTs');
    const consentTs = optionalTime(row.consentTs, i, 'rows.consentTs');
    const nextGrant = optionalTime(row.nextGrantTs, i, 'rows.nextGrantTs');
    const status = row.consentStatus ?? null;
    if (status !== null && status !== 'granted' && status !== 'withdrawn') {
      throw new PersonalizationInputError(
        `row ${i}: consentStatus must be granted, withdrawn or null, got ${String(status)}`,
        {
          record: i,
          field: 'rows.consentStatus',
          hint: "map the consent records' values to 'granted' / 'withdrawn' in the query",
        },
      );
    }
    const kind = classify(decision, status, consentTs, nextGrant);
    if (kind === null) {
      compliantRows++;
      return;
    }
    const g = groupOf(rule, purpose, kind);
    g.decisions++;
    g.users.add(user);
    allUsers.add(user);
    const pair = `${rule}\u0000${purpose}`;
    let users = pairUsers.get(pair);
    if (users === undefined) pairUsers.set(pair, (users = new Set()));
    users?.add(user);
    if (!isBlank(row.loggedConsent) && (row.loggedConsent as string).trim().toLowerCase() === 'granted')
      mismatches++;
    if (limit > 0) {
      keepTop(examples, limit, {
        user,
        rule,
        purpose,
        kind,
        decision,
        consentTs,
        nextGrant,
        variant: row.variant ?? null,
        channel: row.channel ?? null,
        rank: CONSENT_VIOLATION_KINDS.indexOf(kind),
      });
    }
  });

  const counts = input.counts ?? [];
  counts.forEach((row, i) => {
    if (!CONSENT_VIOLATION_KINDS.includes(row.kind)) {
      throw new PersonalizationInputError(`row ${i}: unknown consent violation kind '${String(row.kind)}'`, {
        record: i,
        field: 'counts.kind',
        hint: `use one of ${CONSENT_VIOLATION_KINDS.join(', ')}`,
      });
    }
    const rule = requireKey(row.rule, i, 'counts.rule');
    const purpose = requireKey(row.purpose, i, 'counts.purpose');
    const g = groupOf(rule, purpose, row.kind);
    pairUsers.set(`${rule}\u0000${purpose}`, null);
    g.decisions += requireCount(row.decisions, i, 'counts.decisions');
    g.counted =
      row.users === null || row.users === undefined || g.counted === null
        ? null
        : g.counted + requireCount(row.users, i, 'counts.users');
  });

  const groupList: ConsentGroup[] = [...groups.values()]
    .filter((g) => g.decisions > 0)
    .map((g) => ({
      rule: g.rule,
      purpose: g.purpose,
      kind: g.kind,
      decisions: g.decisions,
      users: g.counted === null ? null : g.users.size + g.counted,
    }))
    .sort(
      (a, b) =>
        b.decisions - a.decisions ||
        cmp(a.rule, b.rule) ||
        cmp(a.purpose, b.purpose) ||
        CONSENT_VIOLATION_KINDS.indexOf(a.kind) - CONSENT_VIOLATION_KINDS.indexOf(b.kind),
    );

  const byKind = { withdrawn: 0, 'never-granted': 0, 'granted-after-decision': 0 };
  for (const g of groupList) byKind[g.kind] += g.decisions;
  const violations = groupList.reduce((s, g) => s + g.decisions, 0);
  const denominator =
    input.decisionsRequiringConsent === null || input.decisionsRequiringConsent === undefined
      ? null
      : requireCount(input.decisionsRequiringConsent, 0, 'decisionsRequiringConsent');
  // Times are formatted only for the few examples kept, not for every row.
  const cleanExamples = examples.map((e): ConsentExample => ({
    user: e.user,
    rule: e.rule,
    purpose: e.purpose,
    kind: e.kind,
    decisionTs: isoTime(e.decision),
    consentTs: e.consentTs === null ? null : isoTime(e.consentTs),
    nextGrantTs: e.nextGrant === null ? null : isoTime(e.nextGrant),
    variant: e.variant,
    channel: e.channel,
  }));
  return {
    violations,
    users: counts.length > 0 ? null : allUsers.size,
    rate: denominator !== null && denominator > 0 ? violations / denominator : null,
    byKind,
    groups: groupList,
    examples: cleanExamples,
    compliantRows,
    loggedConsentMismatches: mismatches,
    findings: findings(groupList, cleanExamples, pairUsers, owner),
  };
}

/** Null when the user had consent at decision time; else the kind of violation. */
function classify(
  decision: number,
  status: ConsentStatus | null,
  consentTs: number | null,
  nextGrant: number | null,
): ConsentViolationKind | null {
  const recordAtDecision = consentTs === null || consentTs <= decision;
  if (status === 'granted' && recordAtDecision) return null;
  // A grant stamped with the decision's own time: the SQL's "after" and "at or before" may differ
  // on ties, and equal times cannot be ordered, so it counts as consent.
  if (nextGrant !== null && nextGrant <= decision) return null;
  if (status === 'withdrawn' && recordAtDecision) return 'withdrawn';
  if (status === 'granted' || nextGrant !== null) return 'granted-after-decision';
  return 'never-granted';
}

interface RankedExample {
  user: string;
  rule: string;
  purpose: string;
  kind: ConsentViolationKind;
  decision: number;
  consentTs: number | null;
  nextGrant: number | null;
  variant: string | null;
  channel: string | null;
  rank: number;
}

function better(a: RankedExample, b: RankedExample): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank;
  if (a.decision !== b.decision) return a.decision > b.decision;
  return cmp(a.user, b.user) < 0 || (a.user === b.user && cmp(a.rule, b.rule) < 0);
}

/** Insertion into a small sorted array, dropping the worst beyond `limit`. */
function keepTop(list: RankedExample[], limit: number, item: RankedExample): void {
  if (list.length === limit && !better(item, list[limit - 1])) return;
  let i = list.length;
  while (i > 0 && better(item, list[i - 1])) i--;
  list.splice(i, 0, item);
  if (list.length > limit) list.pop();
}

function findings(
  groups: readonly ConsentGroup[],
  examples: readonly ConsentExample[],
  pairUsers: ReadonlyMap<string, ReadonlySet<string> | null>,
  ownerRole: string,
): Issue[] {
  const byPair = new Map<string, ConsentGroup[]>();
  for (const g of groups) {
    const key = `${g.rule}\u0000${g.purpose}`;
    byPair.set(key, [...(byPair.get(key) ?? []), g]);
  }
  return [...byPair.entries()].map(([pair, list]) => {
    const { rule, purpose } = list[0];
    const decisions = list.reduce((s, g) => s + g.decisions, 0);
    const users = pairUsers.get(pair)?.size ?? null;
    const kinds = CONSENT_VIOLATION_KINDS.map(
      (k) => [k, list.find((g) => g.kind === k)?.decisions ?? 0] as const,
    )
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${CONSENT_KIND_TEXT[k]} ${n}`);
    const example = examples.find((e) => e.rule === rule && e.purpose === purpose);
    const subject = { rule, purpose };
    return {
      id: issueId('consent-violation', subject),
      source: 'governance',
      kind: 'consent-violation',
      severity: 'critical',
      ownerRole,
      title: `${rule} served ${decisions} decision${decisions === 1 ? '' : 's'} without '${purpose}' consent`,
      evidence: `${decisions} decisions${users === null ? '' : ` to ${users} user${users === 1 ? '' : 's'}`} had no '${purpose}' consent at decision time: ${kinds.join(', ')}${example ? `; e.g. user ${example.user} at ${example.decisionTs} (${CONSENT_KIND_TEXT[example.kind]})` : ''}.`,
      suggestedAction: `Gate ${rule} on '${purpose}' consent before the decision call (serve the non-personalized default otherwise), fix the consent propagation, and handle the affected users' data as the privacy policy requires.`,
      subject,
    };
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
