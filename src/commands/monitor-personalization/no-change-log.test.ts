/**
 * Governance without a rule change log (h-per23): a workspace with no `rule_changes` source passed
 * the checklist's change-approval item ("All 0 changes approved in time.") and its experiment-freeze
 * item ("No rule used by an experiment changed while it ran."), and the experiment memo read "Rule
 * changes during the test: none" — claims about changes nobody logged. Both items are now "not
 * checked" (the checklist's status for a control whose data was not given), and the memo says so.
 *
 * Workspace: 20 days of decisions from 2026-11-01 09:00, 40 users a day, every other user in the
 * holdout, the rest served hero_a (TARGETING_MATCH), every fourth user purchasing an hour later; an
 * experiment on the rule from 2026-11-01.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runCli } from '../../../test/helpers/run-cli.ts';
import type { MonitorPersonalizationResult } from './result.ts';

const yaml = (changeLog: boolean) => `version: 1
sources:
  - { name: decision_log, entity: decisions, kind: file, path: decisions.csv }
  - { name: exps, entity: experiments, kind: file, path: experiments.csv }
  - { name: events, entity: outcomes, kind: file, path: outcomes.csv }
${changeLog ? '  - { name: changes, entity: rule_changes, kind: file, path: changes.csv }\n' : ''}personalization:
  initiatives: [Onboarding]
  rules:
    - { id: hero, variants: [holdout, hero_a], created: 2026-10-20 }
`;

const EXPERIMENTS = `experiment_id,variant,weight,is_control,start_at,end_at,primary_metric,guardrail_metrics,method,status,subject,initiative
exp1,holdout,1,true,2026-11-01,2026-12-31,conversion_rate,,frequentist,running,hero,Onboarding
exp1,hero_a,1,false,2026-11-01,2026-12-31,conversion_rate,,frequentist,running,hero,Onboarding
`;

// one change, approved by someone else the day before it went live (before the experiment)
const CHANGES = `change_id,rule_id,changed_at,author,change,approved_by,approved_at
c1,hero,2026-10-25T10:00:00Z,ana,launch,ben,2026-10-24T10:00:00Z
`;

function decisionsCsv(): string {
  const start = Date.parse('2026-11-01T09:00:00Z');
  const rows = ['decision_id,user_id,decided_at,initiative,rule_id,variant,reason,consent_state'];
  for (let d = 0; d < 20; d++)
    for (let u = 0; u < 40; u++) {
      const at = new Date(start + d * 86_400_000 + u * 5 * 60_000).toISOString();
      const variant = u % 2 === 0 ? 'holdout' : 'hero_a';
      rows.push(`d${d * 40 + u},u${d * 40 + u},${at},Onboarding,hero,${variant},TARGETING_MATCH,granted`);
    }
  return `${rows.join('\n')}\n`;
}

function outcomesCsv(): string {
  const start = Date.parse('2026-11-01T10:00:00Z');
  const rows = ['outcome_id,user_id,occurred_at,event,value,currency'];
  for (let d = 0; d < 20; d++)
    for (let u = 1; u < 40; u += 4) {
      const at = new Date(start + d * 86_400_000 + u * 5 * 60_000).toISOString();
      rows.push(`o${d * 40 + u},u${d * 40 + u},${at},purchase,10,USD`);
    }
  return `${rows.join('\n')}\n`;
}

const argv = ['monitor-personalization', '--window', '14d', '--as-of', '2026-11-20', '--json'];

let dir: FixtureDir;
const runs: Record<'without' | 'with', { r: MonitorPersonalizationResult; memo: string }> = {} as never;
async function run(name: keyof typeof runs, changeLog: boolean) {
  await dir.write('gtm.yaml', yaml(changeLog));
  const cli = await runCli(argv, { cwd: dir.dir });
  const r = cli.json<MonitorPersonalizationResult>();
  const memo = await readFile(path.join(dir.dir, r.reports_dir, 'experiment-memo.md'), 'utf8');
  runs[name] = { r, memo };
}

beforeAll(async () => {
  dir = await makeFixtureDir({
    'decisions.csv': decisionsCsv(),
    'experiments.csv': EXPERIMENTS,
    'changes.csv': CHANGES,
    'outcomes.csv': outcomesCsv(),
  });
  await run('without', false);
  await run('with', true);
}, 180_000);
afterAll(() => dir?.remove());

type Item = { id: string; status: string; count: number | null; evidence: string };
const item = (r: MonitorPersonalizationResult, id: string) =>
  (r.governance.checklist as unknown as { items: Item[] }).items.find((i) => i.id === id)!;

describe('governance without a rule change log', () => {
  it('does not pass change approval or the experiment freeze: not checked', () => {
    const { r } = runs.without;
    expect(item(r, 'change-approval')).toMatchObject({ status: 'not checked', count: null });
    expect(item(r, 'experiment-freeze')).toMatchObject({ status: 'not checked', count: null });
    expect(r.governance.approvals).toBeNull();
    expect(r.governance.experiment_changes).toBeNull();
  });

  it('says so in the experiment memo', () => {
    expect(runs.without.memo).toContain('- Rule changes during the test: not checked (no rule change log)');
  });

  it('with a change log of one clean change, both pass', () => {
    const { r, memo } = runs.with;
    expect(item(r, 'change-approval')).toMatchObject({ status: 'pass', count: 0 });
    expect(item(r, 'experiment-freeze')).toMatchObject({ status: 'pass', count: 0 });
    expect(memo).toContain('- Rule changes during the test: none');
  });
});
