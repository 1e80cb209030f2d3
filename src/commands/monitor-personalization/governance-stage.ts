import {
  canonicalReason,
  consentAdherence,
  governanceScan,
  type ConsentAdherenceInput,
  type ConsentDecisionRow,
  type ConsentViolationCount,
  type GovernanceScan,
  type GovernanceThresholds,
  type OwnerRoles,
  type RuleChangeRow,
  type RuleEvaluationRow,
  type RuleVariantActivityRow,
} from '../../analyses/personalization/index.ts';
import type { Engine } from '../../data/index.ts';
import type { StageContext } from '../../orchestrator/index.ts';
import type { PersonalizationConfig } from '../../workspace/index.ts';
import { plural } from '../../report/plural.ts';
import type { AggregateOutput } from './aggregate-stage.ts';
import { isoTime, optionalTime, requireTime } from '../../analyses/personalization/input-checks.ts';
import { eventToken as token, num, scopeOf, type Run } from './run-scope.ts';
import {
  consentCountsSql,
  consentDenominatorSql,
  consentFactsTableSql,
  consentRowsSql,
  consentSuspectsTableSql,
  consentUsersSql,
  loggedConsentFactsTableSql,
  ruleActivitySql,
  ruleChangesSql,
  ruleEvaluationsSql,
  unnamedViolatorsSql,
  userNamesTableSql,
  type ConsentScope,
} from './sql/governance-sql.ts';
import type { Scope } from './sql/scope-sql.ts';

/** Violating decisions above which only counts (and the latest examples) come back from SQL. */
const ROW_LIMIT = 10_000;
/** The latest violating decisions that come back as examples above `ROW_LIMIT`. */
const EXAMPLES = 50;
/** Affected users listed in consent_violation_users.csv, at most (beyond: a note, counts in result.json). */
export const CONSENT_USERS_LIMIT = 1_000_000;

/** One user served decisions without the consent they needed (consent_violation_users.csv). */
export interface ConsentUserRow {
  user: string;
  decisions: number;
  rules: string[];
  purposes: string[];
  kinds: string[];
  firstDecisionTs: string;
  lastDecisionTs: string;
  /** The latest withdrawal (or refusal) recorded before one of these decisions; null: none. */
  withdrawalTs: string | null;
}

/** What the governance branch hands on: the scan, how consent was checked, and the fallback KPI. */
export interface GovernanceOutput {
  scan: GovernanceScan;
  /** `records`: against the consent platform; `logged`: the decision log's own consent state; null: not checked. */
  consent_source: 'records' | 'logged' | null;
  /**
   * The highest fallback rate of a judged rule (the `--alert-threshold` KPI), and the rule; `value`
   * null when no rule has the evaluations to be judged (the guardrail is not evaluated).
   */
  fallback: { value: number | null; rule: string | null; threshold: number; min_evaluations: number };
  /**
   * In a run of one initiative, the configured rules no decision of any initiative names (never
   * evaluated): not the initiative's, so not among its stale rules; a run of every initiative
   * reports them stale. Empty in a run of every initiative.
   */
  unclaimed_rules?: string[];
  /**
   * Every affected user (one row each, by user id, up to `CONSENT_USERS_LIMIT`); null when consent
   * was not checked or was only counted (a ClickHouse run without consent records).
   */
  consent_users?: { rows: ConsentUserRow[]; truncated: boolean } | null;
}

/** The analyses' owner roles from gtm.yaml's `personalization.owners`. */
export const ownerRolesOf = (p: PersonalizationConfig): OwnerRoles => ({
  consent: p.owners.consent,
  ruleHealth: p.owners.rule_health,
  approvals: p.owners.approvals,
  experiments: p.owners.experiments,
  staleRules: p.owners.stale_rules,
  anomalies: p.owners.anomalies,
});

/** The analyses' thresholds from gtm.yaml's `personalization.governance`. */
export const thresholdsOf = (p: PersonalizationConfig): GovernanceThresholds => {
  const g = p.governance;
  return {
    fallback: { warn: g.fallback_warn, alert: g.fallback_alert },
    error: { warn: g.error_warn, alert: g.error_alert },
    default: { warn: g.default_warn, alert: null },
    disabled: { warn: g.disabled_warn, alert: null },
    minEvaluations: g.min_evaluations,
    staleDays: g.stale_days,
    unmodifiedDays: g.unmodified_days,
    approvalToleranceSeconds: g.approval_tolerance_seconds,
    consentExamples: g.consent_examples,
  };
};

/**
 * The consent check's settings, with the raw reasons of the window classified once here (by the
 * analyses' OpenFeature mapping) and the exempt variants in the data's own spellings.
 */
function consentScopeOf(
  p: PersonalizationConfig,
  evaluations: readonly { reason: string | null }[],
  variants: readonly string[],
): ConsentScope {
  const exempt = new Set(p.consent.exempt_reasons);
  const raws = [...new Set(evaluations.map((e) => e.reason).filter((r): r is string => r !== null))];
  const exemptVariants = new Set(p.consent.exempt_variants.map((v) => v.toLowerCase()));
  return {
    purpose: token(p.consent.purpose),
    rulePurposes: Object.fromEntries(Object.entries(p.consent.rule_purposes).map(([r, x]) => [r, token(x)])),
    exemptVariants: [...new Set(variants)].filter((v) => exemptVariants.has(v.toLowerCase())),
    needingReasons: raws.filter((r) => !exempt.has(canonicalReason(r, null).reason)),
    nullReasonNeeds: !exempt.has(canonicalReason(null, null).reason),
    errorNeeds: !exempt.has('error'),
  };
}

/**
 * The consent input of the scan: decisions that needed consent, checked against the consent
 * records at decision time (or, without records, against the consent state the decision log
 * carries). Up to 10,000 violations come back as rows; beyond that, counts plus the latest examples.
 */
async function consentInput(
  engine: Engine,
  s: Scope,
  c: ConsentScope,
  a: AggregateOutput,
): Promise<{
  input: ConsentAdherenceInput | null;
  source: GovernanceOutput['consent_source'];
  examples: ConsentDecisionRow[];
  users: GovernanceOutput['consent_users'];
}> {
  const records = a.latest.filter((x) => x.entity === 'consent_records').reduce((sum, x) => sum + x.n, 0);
  const [{ n: needing }] = await engine.query<{ n: number }>(consentDenominatorSql(s, c));
  const toCounts = (rows: Record<string, unknown>[]) =>
    rows.map((r): ConsentViolationCount => ({
      rule: String(r.rule),
      purpose: String(r.purpose),
      kind: r.kind as ConsentViolationCount['kind'],
      decisions: num(r.decisions),
      users: num(r.users),
    }));
  if (records === 0) {
    if (a.decisionsWithConsentState === 0) return { input: null, source: null, examples: [], users: null };
    await engine.exec(loggedConsentFactsTableSql(s, c));
    return { ...(await violationsOfFacts(engine, s, needing, toCounts)), source: 'logged' };
  }
  await engine.exec(consentSuspectsTableSql(s, c));
  await engine.exec(consentFactsTableSql(s, c));
  return { ...(await violationsOfFacts(engine, s, needing, toCounts)), source: 'records' };
}

/** The violations of the consent facts: every violating decision as a row, or counts and the latest examples. */
async function violationsOfFacts(
  engine: Engine,
  s: Scope,
  needing: number,
  toCounts: (rows: Record<string, unknown>[]) => ConsentViolationCount[],
): Promise<{
  input: ConsentAdherenceInput;
  examples: ConsentDecisionRow[];
  users: GovernanceOutput['consent_users'];
}> {
  const counts = toCounts(await engine.query(consentCountsSql(s.q)));
  const total = counts.reduce((sum, x) => sum + Number(x.decisions), 0);
  // the violators' ids: from the consent records, or (never granted anything) from the decisions;
  // every violator is named, for the list of affected users
  const limit = total <= ROW_LIMIT ? null : EXAMPLES;
  const unnamed = (
    await engine.query(`SELECT user_key FROM (${unnamedViolatorsSql(s.q)}) u LIMIT ${ROW_LIMIT + 1}`)
  ).map((r) => String(r.user_key));
  // a few are listed in the statement; beyond that the engine selects them itself
  await engine.exec(userNamesTableSql(s, unnamed.length > ROW_LIMIT ? 'all' : unnamed));
  const users = total ? await affectedUsers(engine, s) : { rows: [], truncated: false };
  if (limit === null) {
    const rows = (await engine.query(consentRowsSql(s.q, null))) as unknown as ConsentDecisionRow[];
    return { input: { rows, decisionsRequiringConsent: num(needing) }, examples: [], users };
  }
  const examples = (await engine.query(consentRowsSql(s.q, limit))) as unknown as ConsentDecisionRow[];
  return { input: { counts, decisionsRequiringConsent: num(needing) }, examples, users };
}

/** Every user served a decision without consent, one row each (up to `CONSENT_USERS_LIMIT`). */
async function affectedUsers(
  engine: Engine,
  s: Scope,
): Promise<NonNullable<GovernanceOutput['consent_users']>> {
  const raw = await engine.query(consentUsersSql(s.q, CONSENT_USERS_LIMIT + 1));
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String).sort() : []);
  const time = (v: unknown, i: number, f: string) => isoTime(requireTime(v as string, i, f));
  const rows = raw.slice(0, CONSENT_USERS_LIMIT).map((r, i): ConsentUserRow => {
    const withdrawal = optionalTime(r.withdrawalTs as string | null, i, 'withdrawalTs');
    return {
      user: String(r.user),
      decisions: num(r.decisions),
      rules: list(r.rules),
      purposes: list(r.purposes),
      kinds: list(r.kinds),
      firstDecisionTs: time(r.firstDecisionTs, i, 'firstDecisionTs'),
      lastDecisionTs: time(r.lastDecisionTs, i, 'lastDecisionTs'),
      withdrawalTs: withdrawal === null ? null : isoTime(withdrawal),
    };
  });
  return { rows, truncated: raw.length > CONSENT_USERS_LIMIT };
}

/**
 * Rules as configured that belong to the run. Configured rules name no initiative: a rule belongs
 * to the initiatives whose decisions name it, so a run of one initiative checks those only. A rule
 * no decision names (never evaluated) belongs to none: a run of every initiative checks it (stale
 * "never evaluated"); a run of one initiative leaves it out (`unclaimedRules`, one plan note). It
 * was checked in every initiative's run, so each reported it as its own stale rule.
 */
export function ruleConfigs(run: Run, a: AggregateOutput) {
  return run.ws.personalization.rules
    .filter((r) => !a.initiativeKeys || a.rules.includes(r.id))
    .map((r) => ({
      rule: r.id,
      variants: r.variants,
      createdTs: r.created ?? null,
      updatedTs: r.updated ?? null,
    }));
}

/** In a run of one initiative, the configured rules no decision of any initiative names. */
export function unclaimedRules(run: Run, a: AggregateOutput): string[] {
  if (!a.initiativeKeys || !a.servedRules) return [];
  const served = new Set(a.servedRules);
  return run.ws.personalization.rules.map((r) => r.id).filter((id) => !served.has(id));
}

/** The plan note naming the never-evaluated rules a run of one initiative does not check. */
export function unclaimedNote(rules: readonly string[]): string | null {
  if (!rules.length) return null;
  const named = rules.join(', ');
  return `${plural(rules.length, 'configured rule')} never evaluated (no decision of any initiative names ${rules.length === 1 ? 'it' : 'them'}): ${named} — not this initiative's, so not among its stale rules; a run of every initiative (without --initiative) reports ${rules.length === 1 ? 'it' : 'them'} as stale`;
}

/**
 * The governance branch: consent adherence, rule health with OpenFeature reasons, change approvals,
 * changes inside running experiments, stale rules and the checklist; alerts on the highest
 * fallback rate (`--alert-threshold`) and on consent violations.
 */
export async function governanceStage(
  ctx: StageContext,
  run: Run,
  a: AggregateOutput,
): Promise<GovernanceOutput> {
  const engine = await run.engine();
  const p = run.ws.personalization;
  const s = scopeOf(run, engine, a.initiativeKeys);
  const thresholds = thresholdsOf(p);
  const now = run.inputs.window.end;
  // the facts count evaluations after the stale-rule cutoff (`staleCutoff`, the same setting)
  const evaluations = (await engine.query(ruleEvaluationsSql(s))) as unknown as RuleEvaluationRow[];
  const activity = (await engine.query(ruleActivitySql(s))) as unknown as RuleVariantActivityRow[];
  ctx.progress('checking consent');
  const consent = await consentInput(
    engine,
    s,
    consentScopeOf(
      p,
      evaluations,
      activity.map((x) => x.variant),
    ),
    a,
  );
  const scan = governanceScan(
    {
      now,
      consent: consent.input,
      evaluations,
      // without a rule change log the approval and freeze checks are "not checked": no log is no
      // evidence that every change was approved, nor that none happened during an experiment
      changes: run.ws.sources.some((x) => x.entity === 'rule_changes')
        ? oneRecordPerChange(
            (await engine.query(
              ruleChangesSql(s, a.initiativeKeys ? a.rules : null),
            )) as unknown as RuleChangeRow[],
          )
        : null,
      experiments: a.experiments
        .filter((e) => e.rule && e.start)
        .map((e) => ({ experiment: e.id, start: e.start!, end: e.end, rules: [e.rule!] })),
      activity,
      rules: ruleConfigs(run, a),
    },
    { thresholds, ownerRoles: ownerRolesOf(p) },
  );
  const withExamples =
    consent.examples.length && scan.consent
      ? {
          ...scan,
          consent: {
            ...scan.consent,
            examples: consentAdherence({ rows: consent.examples }, { thresholds }).examples,
          },
        }
      : scan;
  const unclaimed = unclaimedRules(run, a);
  const note = unclaimedNote(unclaimed);
  if (note) ctx.note(note);
  const fallback = worstFallback(scan, thresholds.minEvaluations, run.inputs.inputs.alert_threshold);
  alertGovernance(ctx, run, withExamples, fallback);
  if (consent.users?.truncated)
    ctx.note(
      `consent_violation_users.csv lists the first ${CONSENT_USERS_LIMIT.toLocaleString('en-US')} affected users by user id; more were served decisions without consent (counts by rule and purpose in result.json governance.consent)`,
    );
  return {
    scan: withExamples,
    consent_source: consent.source,
    fallback,
    unclaimed_rules: unclaimed,
    consent_users: consent.users,
  };
}

/**
 * One record per change of the change log: records of the same change (change id, rule, live time
 * and author) that differ in their approval — logged when it went live, then again once approved —
 * are one change with the approval its records carry (of several approvers, the earliest approval;
 * a record without an approval time after those with one). In the order of each change's first
 * record. Without this, the unapproved record of an approved change was a "no approver" finding.
 */
export function oneRecordPerChange(rows: readonly RuleChangeRow[]): RuleChangeRow[] {
  const blank = (v: unknown) => v === null || v === undefined || String(v).trim() === '';
  const ms = (v: unknown) => (blank(v) ? Infinity : Date.parse(String(v)));
  const better = (a: RuleChangeRow, b: RuleChangeRow) =>
    blank(a.approvedBy) !== blank(b.approvedBy) ? !blank(a.approvedBy) : ms(a.approvalTs) < ms(b.approvalTs);
  const byChange = new Map<string, RuleChangeRow>();
  for (const r of rows) {
    const key = JSON.stringify([r.changeId ?? null, r.rule, String(r.ts), r.author]);
    const seen = byChange.get(key);
    if (!seen || better(r, seen)) byChange.set(key, r);
  }
  return [...byChange.values()];
}

function worstFallback(
  scan: GovernanceScan,
  minEvaluations: number,
  threshold: number,
): GovernanceOutput['fallback'] {
  const judged = (scan.ruleHealth?.rules ?? []).filter((r) => r.evaluations >= minEvaluations);
  const worst = judged.reduce<(typeof judged)[number] | null>(
    (w, r) => (!w || r.rates.fallback > w.rates.fallback ? r : w),
    null,
  );
  return {
    value: worst ? worst.rates.fallback : null,
    rule: worst?.rule ?? null,
    threshold,
    min_evaluations: minEvaluations,
  };
}

/**
 * The fallback-rate guardrail (escalates on a second breach in a row, up the ladder) and the consent
 * alert: a violation escalates at once to the consent owner, and so does every repeat (a repeated
 * violation never drops to the ladder's first rung). The guardrail is not evaluated when no rule
 * has the evaluations to be judged (a window without decisions, an as-of past the data): a rate of
 * no data is no pass (it read as 0 % and cleared a breach streak); a plan note says why.
 */
function alertGovernance(
  ctx: StageContext,
  run: Run,
  scan: GovernanceScan,
  fallback: GovernanceOutput['fallback'],
) {
  const p = run.ws.personalization;
  if (fallback.value === null)
    ctx.note(
      `no rule had ${plural(fallback.min_evaluations, 'evaluation')} or more in the window: the fallback-rate guardrail was not evaluated`,
    );
  else
    ctx.alert({
      id: 'fallback_rate',
      metric: `highest fallback rate of a rule${fallback.rule ? ` (${fallback.rule})` : ''}`,
      value: fallback.value,
      threshold: fallback.threshold,
      direction: 'above',
      unit: 'share',
      owner_role: p.owners.rule_health,
    });
  if (scan.consent)
    ctx.alert({
      id: 'consent_violations',
      metric: 'decisions served without the required consent',
      value: scan.consent.violations,
      threshold: 0,
      direction: 'above',
      unit: 'count',
      owner_role: p.owners.consent,
      escalate_from: 1,
      escalate_to: p.owners.consent,
    });
}
