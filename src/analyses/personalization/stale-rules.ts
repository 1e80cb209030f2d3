import { resolveThresholds, type GovernanceThresholds } from './governance-thresholds.ts';
import { isoTime, MS_PER_DAY, optionalTime, requireKey, requireNow, requireTime } from './input-checks.ts';
import { issueId } from './issue-id.ts';
import { DEFAULT_OWNER_ROLES, type OwnerRoles } from './owner-roles.ts';
import type { RuleChangeRow } from './review-change-approvals.ts';
import type { Issue, Severity, Timestamp } from './types.ts';

/**
 * When a rule served a variant, over all time:
 * `SELECT rule, variant, min(ts) AS firstTs, max(ts) AS lastTs, count(*) FILTER (WHERE ts > now - 30d) AS evaluations FROM decisions GROUP BY ALL`.
 */
export interface RuleVariantActivityRow {
  readonly rule: string;
  readonly variant: string;
  readonly firstTs: Timestamp;
  readonly lastTs: Timestamp;
  /** Evaluations in the last `staleDays` days (evidence only). */
  readonly evaluations?: number | bigint | null;
}

/** A rule as configured, when the rule system can export it. */
export interface RuleConfig {
  readonly rule: string;
  /** The variants of its split; a variant never served is only known from here. */
  readonly variants?: readonly string[] | null;
  readonly createdTs?: Timestamp | null;
  readonly updatedTs?: Timestamp | null;
}

/**
 * With D = staleDays (30) and cutoff = now − D days; "at or before the cutoff" means exactly D days
 * ago already counts:
 * - `no-evaluations`: last evaluation at or before the cutoff (or never), and the rule known for
 *   at least D days (created, first evaluated or first changed at or before the cutoff);
 * - `split-collapsed`: evaluated after the cutoff, at least two variants (configured or ever
 *   served), exactly one served after the cutoff, and the rule first evaluated at or before the
 *   cutoff: one variant has had 100% (the others 0%) for at least D days;
 * - `variant-starved`: evaluated after the cutoff with two or more variants served after it, but
 *   this variant last served at or before the cutoff (or never, with the rule live ≥ D days);
 * - `unmodified`: evaluated after the cutoff, and its last change (change log, updatedTs or
 *   createdTs) at or before now − unmodifiedDays (90): still serving, never reviewed.
 */
export type StaleKind = 'no-evaluations' | 'split-collapsed' | 'variant-starved' | 'unmodified';

export const STALE_SEVERITY: Readonly<Record<StaleKind, Severity>> = {
  'split-collapsed': 'medium',
  'variant-starved': 'medium',
  'no-evaluations': 'low',
  unmodified: 'low',
};

export interface StaleRule {
  readonly rule: string;
  readonly kind: StaleKind;
  /** split-collapsed: the variant at 100%; variant-starved: the variant at 0%; else null. */
  readonly variant: string | null;
  /** When the condition began (ISO), null when it never happened (never evaluated, never served). */
  readonly since: string | null;
  /** Days from `since` (or from when the rule was first known) to now. */
  readonly days: number;
  readonly detail: string;
}

export interface StaleRulesInput {
  readonly activity?: readonly RuleVariantActivityRow[] | null;
  readonly rules?: readonly RuleConfig[] | null;
  readonly changes?: readonly RuleChangeRow[] | null;
}

export interface StaleRulesResult {
  /** By rule, then kind. */
  readonly stale: readonly StaleRule[];
  readonly rulesChecked: number;
  /** Rules never evaluated whose age is unknown (no created time or change): not judged. */
  readonly undetermined: readonly string[];
  readonly findings: readonly Issue[];
}

interface RuleFacts {
  variants: Map<string, { first: number; last: number; evaluations: number | null }>;
  configured: Set<string>;
  created: number | null;
  updated: number | null;
  firstChange: number | null;
  lastChange: number | null;
}

const ACTIONS: Record<StaleKind, (s: StaleRule) => string> = {
  'no-evaluations': (s) => `Archive ${s.rule} or find out why nothing calls it any more.`,
  'split-collapsed': (s) =>
    `Make ${s.variant} the rule's plain value and remove the dead split (or restore the split if it was meant to keep running).`,
  'variant-starved': (s) =>
    `Remove ${s.variant} from ${s.rule}'s split, or fix the targeting or weight that stopped it being served.`,
  unmodified: (s) => `Review ${s.rule}'s audience and content with its owner; confirm, update or retire it.`,
};

/**
 * Finds stale rules (definitions at `StaleKind`). Rules are gathered from the activity, the
 * configs and the change log. A never-evaluated rule whose age is unknown is listed as
 * undetermined rather than guessed.
 *
 * O(activity + rules + changes).
 *
 * @example
 * staleRules(
 *   { activity: [{ rule: 'hero', variant: 'a', firstTs: '2026-01-01', lastTs: '2026-03-30' }], rules: [{ rule: 'hero', variants: ['a', 'b'] }] },
 *   '2026-03-31',
 * ).stale[0].kind; // 'split-collapsed'
 */
export function staleRules(
  input: StaleRulesInput,
  now: Timestamp,
  options: { thresholds?: Partial<GovernanceThresholds>; ownerRoles?: Partial<OwnerRoles> } = {},
): StaleRulesResult {
  const nowMs = requireNow(now);
  const t = resolveThresholds(options.thresholds);
  const owner = { ...DEFAULT_OWNER_ROLES, ...options.ownerRoles }.staleRules;
  const cutoff = nowMs - t.staleDays * MS_PER_DAY;
  const reviewCutoff = nowMs - t.unmodifiedDays * MS_PER_DAY;
  const facts = gather(input);

  const stale: StaleRule[] = [];
  const undetermined: string[] = [];
  const days = (since: number) => (nowMs - since) / MS_PER_DAY;
  for (const rule of [...facts.keys()].sort()) {
    const f = facts.get(rule)!;
    let lastEval: number | null = null;
    let firstEval: number | null = null;
    for (const v of f.variants.values()) {
      lastEval = lastEval === null ? v.last : Math.max(lastEval, v.last);
      firstEval = firstEval === null ? v.first : Math.min(firstEval, v.first);
    }
    const knownSince = minOf([f.created, firstEval, f.firstChange]);

    if (lastEval === null || lastEval <= cutoff) {
      if (knownSince === null) undetermined.push(rule);
      else if (knownSince <= cutoff) {
        const since = lastEval ?? knownSince;
        stale.push({
          rule,
          kind: 'no-evaluations',
          variant: null,
          since: lastEval === null ? null : isoTime(lastEval),
          days: days(since),
          detail:
            lastEval === null
              ? `never evaluated; known since ${isoTime(knownSince)}`
              : `last evaluated ${isoTime(lastEval)}, ${fmt(days(lastEval))} days ago`,
        });
      }
      continue;
    }

    const names = new Set([...f.configured, ...f.variants.keys()]);
    if (names.size >= 2 && firstEval !== null) {
      const active = [...names].filter((n) => (f.variants.get(n)?.last ?? -Infinity) > cutoff).sort();
      const starved = [...names].filter((n) => !active.includes(n)).sort();
      // Since when a starved variant has been at 0%: its last serve, or the rule's first evaluation.
      const starvedSince = (n: string) => f.variants.get(n)?.last ?? firstEval!;
      if (active.length === 1 && starved.length > 0 && firstEval <= cutoff) {
        const since = Math.max(...starved.map(starvedSince));
        stale.push({
          rule,
          kind: 'split-collapsed',
          variant: active[0],
          since: isoTime(since),
          days: days(since),
          detail: `only ${active[0]} served since ${isoTime(since)} (${fmt(days(since))} days${recent(f, active[0])}); 0% for ${starved.join(', ')}`,
        });
      } else if (active.length >= 2) {
        for (const n of starved) {
          const served = f.variants.get(n);
          if (!served && firstEval > cutoff) continue;
          const since = starvedSince(n);
          stale.push({
            rule,
            kind: 'variant-starved',
            variant: n,
            since: served ? isoTime(since) : null,
            days: days(since),
            detail: served
              ? `${n} last served ${isoTime(since)} (${fmt(days(since))} days ago) while ${active.join(', ')} kept serving`
              : `${n} is configured but never served; the rule has served ${active.join(', ')} since ${isoTime(firstEval)}`,
          });
        }
      }
    }

    const lastModified = maxOf([f.lastChange, f.updated, f.created]);
    if (lastModified !== null && lastModified <= reviewCutoff) {
      stale.push({
        rule,
        kind: 'unmodified',
        variant: null,
        since: isoTime(lastModified),
        days: days(lastModified),
        detail: `last changed ${isoTime(lastModified)}, ${fmt(days(lastModified))} days ago, and still serving`,
      });
    }
  }

  const findings = stale.map((s): Issue => {
    // A starved variant is its own problem; a collapsed split is the rule's, whichever variant won.
    const subject: Record<string, string> =
      s.kind === 'variant-starved' && s.variant !== null
        ? { rule: s.rule, variant: s.variant }
        : { rule: s.rule };
    const kind = `stale-${s.kind}`;
    return {
      id: issueId(kind, subject),
      source: 'governance',
      kind,
      severity: STALE_SEVERITY[s.kind],
      ownerRole: owner,
      title: `${s.rule}: ${TITLE[s.kind](s)}`,
      evidence: `${s.detail} (stale after ${s.kind === 'unmodified' ? t.unmodifiedDays : t.staleDays} days).`,
      suggestedAction: ACTIONS[s.kind](s),
      subject,
    };
  });
  return { stale, rulesChecked: facts.size, undetermined, findings };
}

const TITLE: Record<StaleKind, (s: StaleRule) => string> = {
  'no-evaluations': (s) => `no evaluations for ${fmt(s.days)} days`,
  'split-collapsed': (s) => `${s.variant} at 100% of the split for ${fmt(s.days)} days`,
  'variant-starved': (s) => `${s.variant} at 0% of the split for ${fmt(s.days)} days`,
  unmodified: (s) => `unchanged for ${fmt(s.days)} days while serving`,
};

function gather(input: StaleRulesInput): Map<string, RuleFacts> {
  const facts = new Map<string, RuleFacts>();
  const of = (rule: string): RuleFacts => {
    let f = facts.get(rule);
    if (!f) {
      f = {
        variants: new Map(),
        configured: new Set(),
        created: null,
        updated: null,
        firstChange: null,
        lastChange: null,
      };
      facts.set(rule, f);
    }
    return f;
  };
  (input.activity ?? []).forEach((row, i) => {
    const f = of(requireKey(row.rule, i, 'activity.rule'));
    const variant = requireKey(row.variant, i, 'activity.variant');
    const first = requireTime(row.firstTs, i, 'activity.firstTs');
    const last = requireTime(row.lastTs, i, 'activity.lastTs');
    const evaluations =
      row.evaluations === null || row.evaluations === undefined ? null : Number(row.evaluations);
    const prev = f.variants.get(variant);
    f.variants.set(
      variant,
      prev
        ? {
            first: Math.min(prev.first, first),
            last: Math.max(prev.last, last),
            evaluations:
              prev.evaluations === null || evaluations === null ? null : prev.evaluations + evaluations,
          }
        : { first, last, evaluations },
    );
  });
  (input.rules ?? []).forEach((row, i) => {
    const f = of(requireKey(row.rule, i, 'rules.rule'));
    for (const v of row.variants ?? []) f.configured.add(v);
    f.created = minOf([f.created, optionalTime(row.createdTs, i, 'rules.createdTs')]);
    f.updated = maxOf([f.updated, optionalTime(row.updatedTs, i, 'rules.updatedTs')]);
  });
  (input.changes ?? []).forEach((row, i) => {
    const f = of(requireKey(row.rule, i, 'changes.rule'));
    const ts = requireTime(row.ts, i, 'changes.ts');
    f.firstChange = minOf([f.firstChange, ts]);
    f.lastChange = maxOf([f.lastChange, ts]);
  });
  return facts;
}

function recent(f: RuleFacts, variant: string): string {
  const n = f.variants.get(variant)?.evaluations;
  return n === null || n === undefined ? '' : `, ${n} evaluations in the window`;
}

function minOf(xs: readonly (number | null)[]): number | null {
  let m: number | null = null;
  for (const x of xs) if (x !== null && (m === null || x < m)) m = x;
  return m;
}

function maxOf(xs: readonly (number | null)[]): number | null {
  let m: number | null = null;
  for (const x of xs) if (x !== null && (m === null || x > m)) m = x;
  return m;
}

function fmt(days: number): string {
  return String(Math.floor(days));
}
