/**
 * monitor-personalization marks a backlog item `repeat` when the previous run had it, and lists as
 * `resolved` the previous run's items that are gone. The previous run is the succeeded run of the
 * latest as-of on or before this run's (the newest of those when several share it), as for
 * monitor-loyalty's liability: a run re-made for an earlier date (a backfill) took the later run
 * as its previous one, marking its items repeats of a run about later data, and the next run for
 * today was compared with the backfill (the s11 review's persRuns, 2026-11-20, then -15, then -21).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: dec, entity: decisions, kind: file, path: data/decisions.csv }
  - { name: out, entity: outcomes, kind: file, path: data/outcomes.csv }
currency: { reporting: USD }
personalization:
  initiatives: [Onboarding]
  holdout_variants: [hold]
  events: { engagement: [buy], conversion: [buy] }
output: { snapshot: never }
`;

/** 40 users over 2026-11-05..11-12 (half held out), 8 purchases: the data stop on 11-12. */
function files(): Record<string, string> {
  const dec = [
    'decision_id,user_id,decided_at,initiative,rule_id,variant,profile,channel,reason,consent_state',
  ];
  const out = ['outcome_id,user_id,occurred_at,event,value,currency'];
  for (let u = 1; u <= 40; u++) {
    const day = 5 + (u % 8);
    const variant = u % 2 ? 'hold' : 'va';
    dec.push(
      `d${u},u${u},2026-11-${String(day).padStart(2, '0')}T10:00:00Z,Onboarding,r1,${variant},new,web,SPLIT,granted`,
    );
    if (u % 5 === 0) out.push(`o${u},u${u},2026-11-${String(day).padStart(2, '0')}T12:00:00Z,buy,50,USD`);
  }
  return { 'decisions.csv': `${dec.join('\n')}\n`, 'outcomes.csv': `${out.join('\n')}\n` };
}

const root = mkdtempSync(path.join(tmpdir(), 'gtm-pers-backdated-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Result {
  run_id: string;
  alerts: { id: string; consecutive_breaches: number }[];
  backlog: { items: { id: string }[]; repeats: string[]; resolved: string[]; previous_run: string | null };
}

async function run(dir: string, asOf: string, window = '14d'): Promise<Result> {
  const cli = await runCli(
    ['monitor-personalization', '--initiative', 'Onboarding', '--window', window, '--as-of', asOf, '--json'],
    { cwd: dir, env: { ...process.env, GTM_SNAPSHOT: 'never' } },
  );
  expect(cli.code, cli.stderr).toBe(0);
  return cli.json<Result>();
}

describe('monitor-personalization: the previous run of a back-dated run', () => {
  it('marks repeats against the latest earlier as-of, not against the latest run', async () => {
    const dir = path.join(root, 'ws');
    mkdirSync(path.join(dir, 'data'), { recursive: true });
    writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
    for (const [f, text] of Object.entries(files())) writeFileSync(path.join(dir, 'data', f), text);

    const nov20 = await run(dir, '2026-11-20');
    expect(nov20.backlog.previous_run).toBeNull();
    // the data stop on 11-12: the sources' freshness is an item, so repeats can be told
    expect(nov20.backlog.items.length).toBeGreaterThan(0);

    // the backfill has no run on or before 2026-11-15 to compare with (was the 11-20 run, and all
    // its items were repeats)
    const nov15 = await run(dir, '2026-11-15');
    expect(nov15.backlog.previous_run).toBeNull();
    expect(nov15.backlog.repeats).toEqual([]);
    expect(nov15.backlog.resolved).toEqual([]);

    // today's run compares with 11-20's, not with the backfill made after it
    const nov21 = await run(dir, '2026-11-21');
    expect(nov21.backlog.previous_run).toBe(nov20.run_id);
    const before = new Set(nov20.backlog.items.map((i) => i.id));
    expect(nov21.backlog.repeats.length).toBeGreaterThan(0);
    expect(nov21.backlog.repeats).toEqual(
      nov21.backlog.items.map((i) => i.id).filter((id) => before.has(id)),
    );
  }, 180_000);

  it('keeps one history per window: a 7d run the same day is not a repeat of the 14d run', async () => {
    // the h-mp acceptance check (2026-12-06): runs of 14d, 7d and 30d on one as-of escalated
    // fallback_rate to the Data Privacy Lead within minutes, each window's run the previous one's repeat
    const dir = path.join(root, 'windows');
    mkdirSync(path.join(dir, 'data'), { recursive: true });
    writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
    for (const [f, text] of Object.entries(files())) writeFileSync(path.join(dir, 'data', f), text);
    const fortnight = await run(dir, '2026-11-15');
    const week = await run(dir, '2026-11-15', '7d');
    expect(week.backlog.previous_run).toBeNull();
    expect(week.backlog.repeats).toEqual([]);
    const streaks = (r: Result) => r.alerts.filter((a) => a.consecutive_breaches > 1).map((a) => a.id);
    expect(streaks(week)).toEqual([]);
    // the same window at the next as-of is the history it continues (a rerun for 11-15 would
    // re-evaluate that as-of: no streak, since 6058c08)
    const again = await run(dir, '2026-11-16');
    expect(again.backlog.previous_run).toBe(fortnight.run_id);
    expect(streaks(again).length).toBeGreaterThan(0);
  }, 180_000);
});
