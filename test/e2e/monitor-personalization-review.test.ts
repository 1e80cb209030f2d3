/**
 * monitor-personalization on small hand-made workspaces from a new user's review: a holdout variant
 * not called `holdout` (`holdout_variants: [ctrl_grp]`), a holdout converting 0 %, and records
 * told apart by their mapped ids only. Every expected number is worked out by hand in the comments.
 */
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorPersonalizationResult } from '../../src/commands/monitor-personalization/index.ts';
import { runCli } from '../helpers/run-cli.ts';

/** The workspace; `mapIds` false leaves decision_id and outcome_id unmapped. */
const yaml = (holdout: string, mapIds = true) => `version: 1
sources:
  - name: decisions
    entity: decisions
    kind: file
    path: data/decisions.csv
    mapping: { ${mapIds ? 'decision_id: id, ' : ''}user_id: uid, decided_at: when, initiative: init, rule_id: rule, variant: arm, reason: why, consent_state: consent, profile: prof }
  - name: outcomes
    entity: outcomes
    kind: file
    path: data/outcomes.csv
    mapping: { ${mapIds ? 'outcome_id: oid, ' : ''}user_id: uid, occurred_at: when, event: ev, value: amt, currency: cur }
currency:
  reporting: USD
  rates:
    - { currency: EUR, from: 2026-01-01, rate: 1.1 }
personalization:
  initiatives: [Onboarding]
  holdout_variants: [${holdout}]
  events:
    engagement: [feature_used]
    conversion: [activated]
  attribution_days: 7
  consent:
    purpose: personalization
  rules:
    - { id: hero, variants: [${holdout}, pers] }
thresholds:
  max_reject_rate: 1
`;

/**
 * 400 users in each arm of rule hero (even users: the holdout variant, odd: pers), one decision
 * each between 11-17 and 11-26; the first `holdoutConverters` holdout users and the first
 * `persConverters` pers users convert two hours after their decision.
 */
function decisionsAndOutcomes(holdout: string, holdoutConverters: number, persConverters: number) {
  const decisions = ['id,uid,when,init,rule,arm,why,consent,prof'];
  const outcomes = ['oid,uid,when,ev,amt,cur'];
  let h = 0;
  let p = 0;
  for (let i = 0; i < 800; i++) {
    const day = String(17 + (i % 10)).padStart(2, '0');
    const inHoldout = i % 2 === 0;
    decisions.push(
      `d${i},u${i},2026-11-${day}T10:00:00Z,Onboarding,hero,${inHoldout ? holdout : 'pers'},${inHoldout ? 'DEFAULT' : 'TARGETING_MATCH'},granted,new`,
    );
    const converts = inHoldout ? h++ < holdoutConverters : p++ < persConverters;
    if (converts) outcomes.push(`o${i},u${i},2026-11-${day}T12:00:00Z,activated,,`);
  }
  return { decisions: `${decisions.join('\n')}\n`, outcomes: `${outcomes.join('\n')}\n` };
}

let root: string;
const ws = async (name: string, holdout: string, holdoutConverters: number, persConverters: number) => {
  const dir = path.join(root, name);
  await mkdir(path.join(dir, 'data'), { recursive: true });
  const d = decisionsAndOutcomes(holdout, holdoutConverters, persConverters);
  await writeFile(path.join(dir, 'gtm.yaml'), yaml(holdout));
  await writeFile(path.join(dir, 'data', 'decisions.csv'), d.decisions);
  await writeFile(path.join(dir, 'data', 'outcomes.csv'), d.outcomes);
  return dir;
};
const ARGV = ['monitor-personalization', '--window', '14d', '--as-of', '2026-11-30', '--detail', 'full'];

interface Comparison {
  metric: string;
  lift: number | null;
  difference: number | null;
  scale: string | null;
  ci: [number, number] | null;
  verdict: string;
  note: string | null;
}
interface Row {
  dimension: string;
  segment: string;
  variant: string;
  is_holdout: boolean;
  holdout: string | null;
  comparisons: Comparison[];
}
const rowsOf = (r: MonitorPersonalizationResult) => r.performance.rows as unknown as Row[];
const conversion = (row: Row) => row.comparisons.find((c) => c.metric === 'conversion_rate');

async function run(dir: string) {
  const cli = await runCli([...ARGV, '--json'], { cwd: dir });
  expect(cli.code, cli.stderr).toBe(0);
  const result = cli.json<MonitorPersonalizationResult>();
  const reports = path.join(dir, result.reports_dir);
  return {
    result,
    summary: await readFile(path.join(reports, 'summary.md'), 'utf8'),
    csv: await readFile(path.join(reports, 'performance.csv'), 'utf8'),
  };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-mp-review-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('a holdout variant not called holdout', () => {
  it('is the holdout of every arm row, as of the rule rows: the same lift as a variant called holdout', async () => {
    // 34/400 = 8.5 % vs 74/400 = 18.5 %: lift 0.185 / 0.085 − 1 = 117.6 %
    const ctrl = await run(await ws('ctrl', 'ctrl_grp', 34, 74));
    const named = await run(await ws('named', 'holdout', 34, 74));
    for (const r of [ctrl, named]) {
      const rows = rowsOf(r.result);
      for (const dimension of ['all', 'profile', 'channel', 'rule']) {
        const [holdout, pers] = rows.filter((x) => x.dimension === dimension);
        expect(holdout.is_holdout, dimension).toBe(true);
        expect(pers.is_holdout).toBe(false);
        expect(pers.holdout).toBe(holdout.variant);
        expect(conversion(pers)?.lift).toBeCloseTo(0.185 / 0.085 - 1, 12);
        expect(conversion(pers)?.verdict).toBe('better');
      }
      expect(r.result.performance.segments_without_holdout).toEqual([]);
      // signed as every lift (it read "117.6%" while the absolute fallback reads "+18.5 pp")
      expect(r.summary).toContain('**Best conversion lift vs holdout:** +117.6%');
    }
    const rule = rowsOf(ctrl.result).filter((x) => x.dimension === 'rule');
    expect(rule.map((x) => x.variant)).toEqual(['ctrl_grp', 'pers']);
  });
});

describe('a holdout converting 0 %', () => {
  it('compares on the absolute difference, with the note, and the headline gives it in pp', async () => {
    // 0/400 vs 74/400: d = 0.185, se = sqrt(0.185 · 0.815 / 400), df 399 (the holdout has no
    // variance); scipy 1.17.1: t.ppf(0.975, 399) → 0.1468317607728633 to 0.2231682392271367,
    // p = 1.5786893367364666e-19
    const r = await run(await ws('zero', 'ctrl_grp', 0, 74));
    const pers = rowsOf(r.result).filter((x) => !x.is_holdout);
    expect(pers).toHaveLength(4);
    for (const row of pers) {
      const c = conversion(row);
      expect(c).toMatchObject({ lift: null, scale: 'absolute', verdict: 'better' });
      expect(c?.difference).toBeCloseTo(0.185, 12);
      expect(c?.ci?.[0]).toBeCloseTo(0.1468317607728633, 12);
      expect(c?.ci?.[1]).toBeCloseTo(0.2231682392271367, 12);
      expect(c?.note).toMatch(/relative lift undefined: control rate is 0 %/);
    }
    expect(r.summary).toMatch(
      /\*\*Best conversion lift vs holdout:\*\* \+18\.5 pp — absolute difference: relative lift undefined/,
    );
    expect(r.summary).not.toContain('Best conversion lift vs holdout:** 0.0%');
    expect(r.summary).toContain('+14.7 pp to +22.3 pp (absolute)');
    // performance.csv: no lift, the difference and its interval in their own columns
    const [header, ...lines] = r.csv.trim().split('\n');
    const cols = header.split(',');
    const all = lines.map((l) => l.split(',')).find((c) => c[0] === 'all' && c[2] === 'personalized');
    const at = (k: string) => all?.[cols.indexOf(k)];
    expect(at('conversion_lift')).toBe('');
    expect(at('conversion_lift_low')).toBe('');
    expect(Number(at('conversion_difference'))).toBeCloseTo(0.185, 12);
    // the BH-adjusted interval (p 1.6e-19 over 4 comparisons: no visible widening)
    expect(Number(at('conversion_difference_low'))).toBeCloseTo(0.1468317607728633, 6);
    expect(Number(at('conversion_difference_high'))).toBeCloseTo(0.2231682392271367, 6);
    expect(at('conversion_verdict')).toBe('better');
  });

  it('says — (not 0 %) when there is no comparison at all', async () => {
    // both arms convert 0 %: no variance in either, no evidence either way (a user outside the
    // initiative converts in the window, so conversions are measured: without any, the metric is
    // not measured at all, and the note says that instead)
    const dir = await ws('none', 'ctrl_grp', 0, 0);
    await appendFile(
      path.join(dir, 'data', 'outcomes.csv'),
      'o-other,u-other,2026-11-20T12:00:00Z,activated,,\n',
    );
    const r = await run(dir);
    expect(r.summary).toMatch(/\*\*Best conversion lift vs holdout:\*\* — \(no evidence either way/);
  });
});

describe('mapped ids in the dedupe keys', () => {
  // d2 and d3: the same user, rule, variant and instant with two ids (two evaluations); d1 logged
  // twice with its id (a retried beacon)
  const DECISIONS = `id,uid,when,init,rule,arm,why,consent,prof
d1,u1,2026-11-20T10:00:00Z,Onboarding,hero,hold,DEFAULT,granted,new
d1,u1,2026-11-20T10:00:00Z,Onboarding,hero,hold,DEFAULT,granted,new
d2,u2,2026-11-20T11:00:00Z,Onboarding,hero,pers,TARGETING_MATCH,granted,new
d3,u2,2026-11-20T11:00:00Z,Onboarding,hero,pers,TARGETING_MATCH,granted,new
`;
  // o4 and o5: two purchases by u2 on the same day (dates only), both EUR 1,234.50; o6 exported twice
  const OUTCOMES = `oid,uid,when,ev,amt,cur
o4,u2,2026-11-23,purchase,"1,234.50",EUR
o5,u2,2026-11-23,purchase,"1,234.50",EUR
o6,u1,2026-11-22,purchase,10,USD
o6,u1,2026-11-22,purchase,10,USD
`;
  const runIds = async (name: string, mapIds: boolean) => {
    const dir = path.join(root, name);
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeFile(path.join(dir, 'gtm.yaml'), yaml('hold', mapIds));
    await writeFile(path.join(dir, 'data', 'decisions.csv'), DECISIONS);
    await writeFile(path.join(dir, 'data', 'outcomes.csv'), OUTCOMES);
    const cli = await runCli([...ARGV, '--json'], { cwd: dir });
    expect(cli.code, cli.stderr).toBe(0);
    const result = cli.json<MonitorPersonalizationResult>();
    const accounting = Object.fromEntries(
      (result.row_accounting as unknown as { entity: string; accepted: number; deduplicated: number }[]).map(
        (a) => [a.entity, a],
      ),
    );
    const pers = rowsOf(result).find((x) => x.dimension === 'rule' && x.variant === 'pers') as unknown as {
      users: number;
      revenue_per_user: number;
    };
    return { result, accounting, pers };
  };

  it('keeps two records of different ids, drops a record repeated with its id', async () => {
    const r = await runIds('ids', true);
    expect(r.accounting.outcomes).toMatchObject({ accepted: 3, deduplicated: 1 });
    expect(r.accounting.decisions).toMatchObject({ accepted: 3, deduplicated: 1 });
    // u2: 2 × 1,234.50 EUR × 1.1 = 2,715.90 USD (one purchase merged away gave 1,357.95)
    expect(r.pers.users).toBe(1);
    expect(r.pers.revenue_per_user).toBeCloseTo(2715.9, 9);
    expect(r.result.totals.decisions).toBe(3);
  });

  it('without a mapped id, the documented keys (user, event, time; user, rule, variant, time)', async () => {
    const r = await runIds('no-ids', false);
    expect(r.accounting.outcomes).toMatchObject({ accepted: 2, deduplicated: 2 });
    expect(r.accounting.decisions).toMatchObject({ accepted: 2, deduplicated: 2 });
    expect(r.pers.revenue_per_user).toBeCloseTo(1357.95, 9);
  });
});

describe('an outcomes export with a header only', () => {
  it('warns that there are no outcome rows, never a stand-in number of hours', async () => {
    const dir = await ws('header-only', 'ctrl_grp', 0, 0);
    await writeFile(path.join(dir, 'data', 'outcomes.csv'), 'oid,uid,when,ev,amt,cur\n');
    const cli = await runCli([...ARGV, '--json'], { cwd: dir });
    expect(cli.code, cli.stderr).toBe(0);
    const line = cli.stderrLines.find((l) => l.includes('freshness.outcomes'));
    expect(line).toBe(
      'warning: alert freshness.outcomes: no rows in outcomes (an empty or header-only export?): no data to be fresh within its 12 h SLA; check the export or its loader — breached',
    );
    const result = cli.json<MonitorPersonalizationResult>();
    const alert = result.alerts.find((a) => a.id === 'freshness.outcomes');
    expect(alert).toMatchObject({ breached: true, detail: expect.stringMatching(/^no rows in outcomes/) });
    const summary = await readFile(path.join(dir, result.reports_dir, 'summary.md'), 'utf8');
    expect(summary).toContain('freshness.outcomes: no rows in outcomes');
    expect(summary).toContain('no rows in outcomes: no latest row to measure its freshness by');
    expect(`${cli.stderr}${summary}`).not.toMatch(/1000000000|1e\+?9/);
  });
});
