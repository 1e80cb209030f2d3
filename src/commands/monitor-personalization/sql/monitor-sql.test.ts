/**
 * The command's SQL run on an in-memory DuckDB fixture and compared with a brute-force computation
 * in TypeScript over the same rows, through the same path as a run (dictionary pass, slim coded
 * tables, facts): consent violations by kind and as rows (through the suspect-user shortcut, users
 * named from the consent records or the decisions), rule evaluations and activity, users per
 * variant with their outcomes after exposure, and the daily KPI series.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type Engine } from '../../../data/index.ts';
import {
  decisionDict,
  execAll,
  NARROW_CODES,
  NARROW_CONSENT_CODES,
  NARROW_OUTCOME_CODES,
  narrowFrom,
} from '../aggregate-stage.ts';
import {
  dailyKpiSql,
  decisionFactsSql,
  decisionTotalsSql,
  performanceSql,
  rulePerformanceTableSql,
  ruleUsersTableSql,
  slimDecisionsSql,
  slimOutcomesSql,
  usersTableSql,
  firstCodesOf,
} from './aggregate-sql.ts';
import { exposedTableSql, multipleExposureSql } from './experiment-sql.ts';
import { dialectOf } from './dialect-sql.ts';
import {
  consentCountsSql,
  consentFactsTableSql,
  consentRowsSql,
  consentSuspectsTableSql,
  ruleActivitySql,
  ruleEvaluationsSql,
  slimConsentSql,
  unnamedViolatorsSql,
  userNamesTableSql,
  type ConsentScope,
} from './governance-sql.ts';
import type { Scope } from './scope-sql.ts';

const DAY = 86_400_000;
const START = Date.parse('2026-03-01T00:00:00Z');
const END = START + 14 * DAY;
/** The stale-rule cutoff of the facts (not on a day boundary, so the flag is what counts). */
const CUTOFF = START + 5 * DAY + 3_600_000;

interface Decision {
  user: string;
  rule: string;
  variant: string;
  at: number;
  reason: string;
  initiative: string;
  profile: string;
}
interface Consent {
  user: string;
  status: 'granted' | 'withdrawn';
  at: number;
}
interface Outcome {
  user: string;
  event: string;
  at: number;
  value: number | null;
}

/** A small seeded generator (mulberry32), so the fixture is the same on every run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
const rng = seeded(11);
const users = Array.from({ length: 300 }, (_, i) => `u${i}`);
const decisions: Decision[] = [];
const consents: Consent[] = [];
const outcomes: Outcome[] = [];
for (const user of users) {
  const granted = rng.chance(0.8) ? START - DAY + rng.int(0, 20) * DAY : null;
  if (granted !== null) consents.push({ user, status: 'granted', at: granted });
  if (rng.chance(0.15)) consents.push({ user, status: 'withdrawn', at: START + rng.int(0, 14) * DAY });
  for (let k = rng.int(1, 4); k > 0; k--)
    decisions.push({
      user,
      rule: rng.pick(['a', 'b']),
      variant: rng.pick(['holdout', 'v1', 'v2']),
      at: START - 3 * DAY + Math.floor(rng.next() * 18 * DAY),
      reason: rng.pick(['TARGETING_MATCH', 'SPLIT', 'DEFAULT', 'STALE']),
      initiative: rng.chance(0.9) ? 'Init' : 'Other',
      profile: rng.pick(['new', 'returning']),
    });
  for (let k = rng.int(0, 3); k > 0; k--)
    outcomes.push({
      user,
      event: rng.pick(['click', 'signup', 'purchase']),
      at: START - 2 * DAY + Math.floor(rng.next() * 18 * DAY),
      value: rng.chance(0.3) ? rng.int(1, 100) : null,
    });
}

const ts = (ms: number) => `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
const scope: Scope = {
  q: dialectOf('duckdb'),
  initiatives: ['Init'],
  start: new Date(START).toISOString(),
  end: new Date(END).toISOString(),
  historyStart: new Date(START - 7 * DAY).toISOString(),
  attributionDays: 3,
  engagement: ['click'],
  conversion: ['signup', 'purchase'],
};
const consentScope: ConsentScope = {
  purpose: 'personalization',
  rulePurposes: {},
  exemptVariants: ['holdout'],
  needingReasons: ['TARGETING_MATCH', 'SPLIT'],
  nullReasonNeeds: false,
  errorNeeds: false,
};

let engine: Engine;
let columns: Record<string, readonly string[] | null>;
beforeAll(async () => {
  engine = await openDuckDb();
  await engine.exec(
    `CREATE TABLE decisions AS SELECT * FROM (VALUES ${decisions
      .map(
        (d) =>
          `('${d.user}', '${d.rule}', '${d.variant}', ${ts(d.at)}, '${d.reason}', '${d.initiative}', '${d.profile}')`,
      )
      .join(', ')}) t(user_id, rule_id, variant, decided_at, reason, initiative, profile)`,
  );
  await engine.exec(
    `ALTER TABLE decisions ADD COLUMN channel VARCHAR; ALTER TABLE decisions ADD COLUMN cohort VARCHAR;
     ALTER TABLE decisions ADD COLUMN consent_state VARCHAR; ALTER TABLE decisions ADD COLUMN error_code VARCHAR`,
  );
  await engine.exec(
    `CREATE TABLE consent_records AS SELECT * FROM (VALUES ${consents
      .map((c) => `('${c.user}', 'personalization', '${c.status}', ${ts(c.at)})`)
      .join(', ')}) t(user_id, purpose, status, recorded_at)`,
  );
  await engine.exec(
    `CREATE TABLE outcomes AS SELECT * FROM (VALUES ${outcomes
      .map((o) => `('${o.user}', '${o.event}', ${ts(o.at)}, ${o.value ?? 'NULL'}::DOUBLE)`)
      .join(', ')}) t(user_id, event, occurred_at, value)`,
  );
  for (const t of ['decisions', 'outcomes', 'consent_records'])
    await engine.exec(`ALTER TABLE ${t} ADD COLUMN _source VARCHAR DEFAULT 'src'`);
  const dict = await decisionDict(engine, { ...scope, initiatives: null }, new Date(CUTOFF).toISOString());
  columns = dict.columns;
  await engine.exec(decisionFactsSql(scope));
  await execAll(engine, slimDecisionsSql(scope, dict.columns, [], 1));
  await execAll(engine, slimOutcomesSql(scope));
  await execAll(engine, slimConsentSql(scope));
  await execAll(engine, ruleUsersTableSql(scope, ['holdout'], ['TARGETING_MATCH', 'SPLIT']));
  await execAll(engine, rulePerformanceTableSql(scope));
  await execAll(engine, usersTableSql(scope));
});
afterAll(() => engine?.close());

const inWindow = (d: Decision) => d.initiative === 'Init' && d.at >= START && d.at < END;

describe('consent SQL', () => {
  it('counts the same violations by kind as a brute force over every decision', async () => {
    await engine.exec(consentSuspectsTableSql(scope, consentScope));
    await engine.exec(consentFactsTableSql(scope, consentScope));
    const rows = await engine.query<{ kind: string; decisions: number }>(consentCountsSql(scope.q));
    const got: Record<string, number> = {};
    for (const r of rows) got[r.kind] = (got[r.kind] ?? 0) + Number(r.decisions);
    const want: Record<string, number> = {};
    const wantRows: string[] = [];
    for (const d of decisions.filter(
      (x) => inWindow(x) && x.variant !== 'holdout' && ['TARGETING_MATCH', 'SPLIT'].includes(x.reason),
    )) {
      const mine = consents.filter((c) => c.user === d.user);
      const before = mine.filter((c) => c.at <= d.at);
      const lastGrant = Math.max(...before.filter((c) => c.status === 'granted').map((c) => c.at));
      const lastWithdrawal = Math.max(...before.filter((c) => c.status === 'withdrawn').map((c) => c.at));
      const nextGrant = mine.some((c) => c.status === 'granted' && c.at > d.at);
      const kind =
        lastGrant > -Infinity && lastGrant >= lastWithdrawal
          ? null
          : lastWithdrawal > -Infinity
            ? 'withdrawn'
            : nextGrant
              ? 'granted-after-decision'
              : 'never-granted';
      if (kind) want[kind] = (want[kind] ?? 0) + 1;
      if (kind) wantRows.push(`${d.user} ${d.rule} ${d.at}`);
    }
    expect(got).toEqual(want);
    expect(Object.values(want).reduce((s, n) => s + n, 0)).toBeGreaterThan(10);
    // the suspects: exactly the users of the window without a grant at or before their first
    // decision, or with a withdrawal (of every kind, some of them)
    const suspects = (
      await engine.query<{ u: string }>(
        `SELECT DISTINCT user_id AS u FROM decisions WHERE hash(user_id) IN (SELECT user_key FROM mp_consent_suspects)`,
      )
    ).map((r) => r.u);
    const firstOf = new Map<string, number>();
    for (const d of decisions.filter(inWindow))
      firstOf.set(d.user, Math.min(d.at, firstOf.get(d.user) ?? Infinity));
    const suspect = (user: string, first: number) => {
      const mine = consents.filter((c) => c.user === user);
      const grants = mine.filter((c) => c.status === 'granted').map((c) => c.at);
      return !grants.length || Math.min(...grants) > first || mine.some((c) => c.status === 'withdrawn');
    };
    const wantSuspects = [...firstOf].filter(([u, at]) => suspect(u, at)).map(([u]) => u);
    expect(suspects.sort()).toEqual(wantSuspects.sort());
    const lateGrant = (u: string, at: number) =>
      consents.some((c) => c.user === u && c.status === 'granted' && c.at > at);
    expect([...firstOf].filter(([u, at]) => lateGrant(u, at)).length).toBeGreaterThan(3);
    expect(wantSuspects.length).toBeGreaterThan(10);
    // listed with the users' ids: from the consent records, or from the decisions for users without any
    const unnamed = (await engine.query(unnamedViolatorsSql(scope.q))).map((r) => String(r.user_key));
    expect(unnamed.length).toBeGreaterThan(0);
    await engine.exec(userNamesTableSql(scope, unnamed));
    const listed = await engine.query<{ user: string; rule: string; decisionTs: string }>(
      consentRowsSql(scope.q, null),
    );
    expect(listed.map((r) => `${r.user} ${r.rule} ${Date.parse(r.decisionTs)}`).sort()).toEqual(
      wantRows.sort(),
    );
  });
});

describe('consent SQL, two purposes', () => {
  it('a rule that needs a purpose nobody granted: all its decisions are violations, the other rule as before', async () => {
    const twoPurposes: ConsentScope = { ...consentScope, rulePurposes: { b: 'ads' } };
    await engine.exec(consentSuspectsTableSql(scope, twoPurposes));
    await engine.exec(consentFactsTableSql(scope, twoPurposes));
    const rows = await engine.query<{ rule: string; purpose: string; kind: string; decisions: number }>(
      consentCountsSql(scope.q),
    );
    const needing = decisions.filter(
      (x) => inWindow(x) && x.variant !== 'holdout' && ['TARGETING_MATCH', 'SPLIT'].includes(x.reason),
    );
    const ads = rows.filter((r) => r.purpose === 'ads');
    expect(ads.every((r) => r.rule === 'b' && r.kind === 'never-granted')).toBe(true);
    expect(ads.reduce((n, r) => n + Number(r.decisions), 0)).toBe(
      needing.filter((d) => d.rule === 'b').length,
    );
    // rule a: the single-purpose check, restricted to its decisions
    await engine.exec(consentSuspectsTableSql(scope, consentScope));
    await engine.exec(consentFactsTableSql(scope, consentScope));
    const single = await engine.query<{ rule: string; decisions: number }>(consentCountsSql(scope.q));
    const count = (xs: { rule: string; decisions: number }[]) =>
      xs.filter((r) => r.rule === 'a').reduce((n, r) => n + Number(r.decisions), 0);
    expect(count(rows.filter((r) => r.purpose === 'personalization'))).toBe(count(single));
    expect(count(single)).toBeGreaterThan(0);
  });
});

describe('facts SQL', () => {
  it('rule evaluations, activity and totals are the sums a brute force finds', async () => {
    // the slim table codes its text columns (in text order, so min/max and ORDER BY are unchanged)
    const [t] = await engine.query(
      `SELECT typeof(rule_id) AS t, typeof(user_key) AS k FROM mp_decisions LIMIT 1`,
    );
    expect([t.t, t.k]).toEqual(["ENUM('a', 'b')", 'UBIGINT']);
    const win = decisions.filter(inWindow);
    const evaluations = await engine.query<{ rule: string; reason: string; evaluations: number }>(
      ruleEvaluationsSql(scope),
    );
    const byRuleReason = new Map<string, number>();
    for (const d of win)
      byRuleReason.set(`${d.rule}/${d.reason}`, (byRuleReason.get(`${d.rule}/${d.reason}`) ?? 0) + 1);
    expect(new Map(evaluations.map((r) => [`${r.rule}/${r.reason}`, Number(r.evaluations)]))).toEqual(
      byRuleReason,
    );
    const [totals] = await engine.query(decisionTotalsSql(scope));
    expect([Number(totals.decisions), Number(totals.rules)]).toEqual([
      win.length,
      new Set(win.map((d) => d.rule)).size,
    ]);
    const activity = await engine.query<{
      rule: string;
      variant: string;
      firstTs: string;
      lastTs: string;
      evaluations: number;
    }>(ruleActivitySql(scope));
    const before = decisions.filter((d) => d.initiative === 'Init' && d.at < END);
    for (const a of activity) {
      const mine = before.filter((d) => d.rule === a.rule && d.variant === a.variant);
      expect([Date.parse(a.firstTs), Date.parse(a.lastTs), Number(a.evaluations)]).toEqual([
        Math.min(...mine.map((d) => d.at)),
        Math.max(...mine.map((d) => d.at)),
        mine.filter((d) => d.at > CUTOFF).length,
      ]);
    }
    expect(activity.length).toBe(new Set(before.map((d) => `${d.rule}/${d.variant}`)).size);
  });
});

/** The performance rows against a brute force over the decisions and outcomes. */
function checkPerformance(rows: Record<string, number | string>[]): void {
  {
    const byUser = new Map<string, Decision[]>();
    for (const d of decisions.filter(inWindow)) byUser.set(d.user, [...(byUser.get(d.user) ?? []), d]);
    const outs = (user: string, from: number) =>
      outcomes.filter((o) => o.user === user && o.at >= from && o.at < from + 3 * DAY && o.at < END);
    const arm = (ds: Decision[]) =>
      ds.some((d) => d.variant === 'holdout')
        ? 'holdout'
        : ds.some((d) => ['TARGETING_MATCH', 'SPLIT'].includes(d.reason))
          ? 'personalized'
          : 'default';
    const all = rows.filter((r) => r.dimension === 'all');
    for (const variant of ['holdout', 'personalized', 'default']) {
      const mine = [...byUser.entries()].filter(([, ds]) => arm(ds) === variant);
      const row = all.find((r) => r.variant === variant)!;
      const first = (ds: Decision[]) => Math.min(...ds.map((d) => d.at));
      expect(Number(row.users)).toBe(mine.length);
      expect(Number(row.converters)).toBe(
        mine.filter(([u, ds]) => outs(u, first(ds)).some((o) => o.event !== 'click')).length,
      );
      expect(Number(row.engagedUsers)).toBe(
        mine.filter(([u, ds]) => outs(u, first(ds)).some((o) => o.event === 'click')).length,
      );
      expect(Number(row.revenueSum)).toBeCloseTo(
        mine.reduce((s, [u, ds]) => s + outs(u, first(ds)).reduce((x, o) => x + (o.value ?? 0), 0), 0),
        9,
      );
    }
    expect(rows.filter((r) => r.dimension === 'profile').reduce((s, r) => s + Number(r.users), 0)).toBe(
      byUser.size,
    );
    // per rule: the variant of the user's first decision of that rule
    const ruleA = new Map<string, Decision>();
    for (const d of decisions.filter((x) => inWindow(x) && x.rule === 'a').sort((x, y) => x.at - y.at))
      if (!ruleA.has(d.user)) ruleA.set(d.user, d);
    for (const variant of ['holdout', 'v1', 'v2']) {
      const mine = [...ruleA.values()].filter((d) => d.variant === variant);
      const row = rows.find((r) => r.dimension === 'rule' && r.segment === 'a' && r.variant === variant)!;
      expect(Number(row.users)).toBe(mine.length);
      expect(Number(row.converters)).toBe(
        mine.filter((d) => outs(d.user, d.at).some((o) => o.event !== 'click')).length,
      );
    }
    // per profile: the profile of the user's first decision in the window
    for (const profile of ['new', 'returning']) {
      const row = rows.find(
        (r) => r.dimension === 'profile' && r.segment === profile && r.variant === 'personalized',
      )!;
      const mine = [...byUser.values()].filter(
        (ds) => arm(ds) === 'personalized' && [...ds].sort((x, y) => x.at - y.at)[0].profile === profile,
      );
      expect(Number(row.users)).toBe(mine.length);
    }
  }
}

describe('performance SQL', () => {
  it('puts each user in an arm (holdout, personalized, default), with outcomes after the first decision', async () => {
    checkPerformance(await engine.query<Record<string, number | string>>(performanceSql(scope, ['profile'])));
  });

  it('gives the same rows with the first decision taken as packed codes (DuckDB)', async () => {
    const before = await engine.query<Record<string, number | string>>(performanceSql(scope, ['profile']));
    const codes = firstCodesOf(scope, columns);
    expect(codes?.variant).toEqual(['holdout', 'v1', 'v2']);
    const text = (xs: Record<string, number | string>[]) =>
      xs.map((r) => JSON.stringify(Object.values(r).map((v) => String(v))));
    const tables = async (packedIn: Scope) => {
      await execAll(engine, ruleUsersTableSql(packedIn, ['holdout'], ['TARGETING_MATCH', 'SPLIT'], codes));
      const [t] = await engine.query(`SELECT typeof(profile) AS t FROM mp_rule_users LIMIT 1`);
      expect(t.t).toBe('USMALLINT');
      await execAll(engine, rulePerformanceTableSql(scope));
      await execAll(engine, usersTableSql(packedIn, codes));
      return Promise.all(
        ['mp_rule_users', 'mp_users'].map((x) =>
          engine.query<Record<string, number | string>>(`SELECT * FROM ${x} ORDER BY ALL`),
        ),
      );
    };
    // the keys as UBIGINT (microseconds since the window's start above the codes' bits) …
    expect(ruleUsersTableSql(scope, [], [], codes).join(' ')).toContain('AS UBIGINT) << ');
    const small = await tables(scope);
    const rows = await engine.query<Record<string, number | string>>(
      performanceSql(scope, ['profile'], codes),
    );
    checkPerformance(rows);
    expect(text(rows)).toEqual(text(before));
    // … and as HUGEINT when the window is too long for 64 bits: the same rows
    const huge = { ...scope, start: '0001-01-01T00:00:00.000Z', end: '9999-01-01T00:00:00.000Z' };
    expect(ruleUsersTableSql(huge, [], [], codes).join(' ')).toContain('HUGEINT');
    expect(usersTableSql(huge, codes).join(' ')).toContain('HUGEINT');
    const wide = await tables(huge);
    expect(text(wide[0])).toEqual(text(small[0]));
    expect(text(wide[1])).toEqual(text(small[1]));
    expect(text(await engine.query(performanceSql(scope, ['profile'], codes)))).toEqual(text(before));
    // the arg_min tables again, for the other tests
    await execAll(engine, ruleUsersTableSql(scope, ['holdout'], ['TARGETING_MATCH', 'SPLIT']));
    await execAll(engine, rulePerformanceTableSql(scope));
    await execAll(engine, usersTableSql(scope));
  });

  it('daily KPIs: users with a decision that day and their same-day conversions', async () => {
    const rows = await engine.query<{ day: string; users: number; converters: number }>(dailyKpiSql(scope));
    for (const r of rows) {
      const day = Date.parse(`${r.day}T00:00:00Z`);
      const seen = new Set(
        decisions
          .filter((d) => d.initiative === 'Init' && d.at >= day && d.at < day + DAY)
          .map((d) => d.user),
      );
      const conv = [...seen].filter((u) =>
        outcomes.some((o) => o.user === u && o.event !== 'click' && o.at >= day && o.at < day + DAY),
      );
      expect([r.day, Number(r.users), Number(r.converters)]).toEqual([r.day, seen.size, conv.length]);
    }
    expect(rows.length).toBeGreaterThan(14);
  });

  it('daily KPIs on a 1-in-3 sample: the same users every day, in the decisions and the outcomes', async () => {
    const dict = await decisionDict(engine, { ...scope, initiatives: null }, new Date(CUTOFF).toISOString());
    await execAll(engine, slimDecisionsSql(scope, dict.columns, [], 3));
    const sampled = new Set(
      (
        await engine.query<{ u: string }>(`SELECT user_id AS u FROM decisions WHERE hash(user_id) % 3 = 0`)
      ).map((r) => r.u),
    );
    expect(sampled.size).toBeGreaterThan(20);
    expect(sampled.size).toBeLessThan(users.length / 2);
    const rows = await engine.query<{ day: string; users: number; converters: number }>(
      dailyKpiSql(scope, 3),
    );
    for (const r of rows) {
      const day = Date.parse(`${r.day}T00:00:00Z`);
      const seen = new Set(
        decisions
          .filter((d) => sampled.has(d.user) && d.initiative === 'Init' && d.at >= day && d.at < day + DAY)
          .map((d) => d.user),
      );
      const conv = [...seen].filter((u) =>
        outcomes.some((o) => o.user === u && o.event !== 'click' && o.at >= day && o.at < day + DAY),
      );
      expect([r.day, Number(r.users), Number(r.converters)]).toEqual([r.day, seen.size, conv.length]);
    }
    expect(rows.length).toBeGreaterThan(14);
  });
});

/**
 * A narrow table as normalize writes it: the user hashed (`user_id_hash`), text columns as dense
 * codes in text order with their dictionaries (`<table>_<column>`), other columns as they are.
 */
async function narrowTable(entity: string, table: string, columns: string[], coded: readonly string[]) {
  for (const c of coded)
    await engine.exec(
      `CREATE OR REPLACE TABLE ${table}_${c} AS SELECT CAST(row_number() OVER (ORDER BY value) - 1 AS UINTEGER) AS code, value
       FROM (SELECT DISTINCT ${c} AS value FROM ${entity} WHERE ${c} IS NOT NULL)`,
    );
  await engine.exec(
    `CREATE OR REPLACE TABLE ${table} AS SELECT hash(user_id) AS user_id_hash, ${columns.join(', ')},
       ${coded.map((c) => `(SELECT code FROM ${table}_${c} WHERE value = d.${c}) AS ${c}`).join(', ')}
     FROM ${entity} d`,
  );
}

const rowsOf = async (table: string) =>
  (await engine.query(`SELECT * FROM ${table}`))
    .map((r) =>
      JSON.stringify(
        Object.keys(r)
          .sort()
          .map((k) => [k, r[k] === null ? null : String(r[k])]),
      ),
    )
    .sort();

describe('experiment exposures SQL', () => {
  it('counts the users exposed to several variants and the variant of the others as a brute force', async () => {
    const e = {
      index: 9,
      rule: 'a',
      variants: ['v1', 'v2'],
      start: scope.start,
      stop: scope.end,
      metrics: [],
    };
    await engine.exec(exposedTableSql(scope, e));
    const seen = new Map<string, Set<string>>();
    for (const d of decisions.filter((x) => inWindow(x) && x.rule === 'a' && x.variant !== 'holdout'))
      seen.set(d.user, (seen.get(d.user) ?? new Set()).add(d.variant));
    const several = [...seen.values()].filter((v) => v.size > 1).length;
    expect(several).toBeGreaterThan(0);
    const [{ users }] = await engine.query(multipleExposureSql(scope, e));
    expect(Number(users)).toBe(several);
    const single = await engine.query<{ user_key: string; variant: string }>(
      `SELECT CAST(user_key AS VARCHAR) AS user_key, variant FROM mp_exp_exposed_9 WHERE variants = 1`,
    );
    const byKey = new Map(
      (
        await engine.query<{ k: string; u: string }>(
          `SELECT DISTINCT CAST(hash(user_id) AS VARCHAR) AS k, user_id AS u FROM decisions`,
        )
      ).map((r) => [r.k, r.u]),
    );
    expect(single.length).toBe(seen.size - several);
    for (const r of single) expect([...seen.get(byKey.get(r.user_key)!)!]).toEqual([r.variant]);
  });
});

describe("outcomes and consent records from normalize's narrow tables", () => {
  it('read as the same rows as from the canonical views', async () => {
    const outcomesBefore = await rowsOf('mp_outcomes');
    const consentBefore = await rowsOf('mp_consent');
    await narrowTable('outcomes', 'no', ['occurred_at', 'value', '_source'], NARROW_OUTCOME_CODES);
    await narrowTable('consent_records', 'nc', ['user_id', 'recorded_at', '_source'], NARROW_CONSENT_CODES);
    await engine.exec('DROP TABLE mp_outcomes; DROP TABLE mp_consent');
    await execAll(engine, slimOutcomesSql(scope, await narrowFrom(engine, 'no', NARROW_OUTCOME_CODES)));
    await execAll(engine, slimConsentSql(scope, await narrowFrom(engine, 'nc', NARROW_CONSENT_CODES)));
    expect(await rowsOf('mp_outcomes')).toEqual(outcomesBefore);
    expect(await rowsOf('mp_consent')).toEqual(consentBefore);
    expect(outcomesBefore.length).toBe(outcomes.length);
    expect(consentBefore.length).toBe(consents.length);
    // the canonical tables again, for the other tests
    await engine.exec('DROP VIEW mp_outcomes; DROP VIEW mp_consent');
    await execAll(engine, slimOutcomesSql(scope));
    await execAll(engine, slimConsentSql(scope));
  });
});

describe("the decisions from normalize's narrow table", () => {
  it('give the same groups, dictionaries and slim decisions as the canonical view', async () => {
    const exposures = [{ rule: 'a', variants: ['v1', 'v2', 'nowhere'], start: scope.start, stop: scope.end }];
    await narrowTable('decisions', 'nd', ['decided_at', '_source'], NARROW_CODES);
    const snapshot = async (table: string) =>
      (await engine.query(`SELECT * FROM ${table}`))
        .map((r) => JSON.stringify(Object.values(r).map((v) => (v === null ? null : String(v)))))
        .sort();
    const viaView = await decisionDict(
      engine,
      { ...scope, initiatives: null },
      new Date(CUTOFF).toISOString(),
    );
    const groups = await snapshot('mp_decision_groups');
    await execAll(engine, slimDecisionsSql(scope, viaView.columns, exposures, 3));
    const slim = await snapshot('mp_decisions');
    const from = await narrowFrom(engine, 'nd');
    expect(from.codes.variant).toEqual(['holdout', 'v1', 'v2']);
    const viaNarrow = await decisionDict(
      engine,
      { ...scope, initiatives: null },
      new Date(CUTOFF).toISOString(),
      from,
    );
    expect(viaNarrow).toEqual(viaView);
    expect(await snapshot('mp_decision_groups')).toEqual(groups);
    await execAll(engine, slimDecisionsSql(scope, viaNarrow.columns, exposures, 3, from));
    expect(await snapshot('mp_decisions')).toEqual(slim);
    expect(slim.length).toBeGreaterThan(100);
    const [t] = await engine.query(`SELECT typeof(variant) AS t FROM mp_decisions LIMIT 1`);
    expect(t.t).toBe("ENUM('holdout', 'v1', 'v2')");
    // restore the canonical tables for the other tests
    await decisionDict(engine, { ...scope, initiatives: null }, new Date(CUTOFF).toISOString());
    await execAll(engine, slimDecisionsSql(scope, viaView.columns, [], 1));
  });
});
