/**
 * gtm plans list / show with plan files that cannot be read beside good ones (a truncated plan, an
 * empty file, JSON that is no plan): list shows the good plans, warns once on stderr and lists the
 * others under `unreadable` in JSON; show by id gives the bad file's own INPUT error, as by path.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spec, stage } from '../../src/orchestrator/fixtures/plan-fixtures.ts';
import type { PlanRecord } from '../../src/orchestrator/index.ts';
import { runPlan } from '../../src/orchestrator/run-plan.ts';
import { runCli } from '../helpers/run-cli.ts';

let root: string;
let plans: string;
const good: PlanRecord[] = [];
const BAD = {
  truncated: 'plan-20991231T235959000Z.json', // the newest name: `latest` must skip it
  empty: 'plan-20991231T235958000Z.json',
  notAPlan: 'plan-20991231T235957000Z.json',
};

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-plans-cli-'));
  plans = path.join(root, '.claude', 'plans');
  for (const scope of ['Spring', 'Autumn'])
    good.push(await runPlan(spec([stage('gather')], { scope }), { planDir: plans }));
  await mkdir(plans, { recursive: true });
  const text = JSON.stringify(good[0], null, 2);
  await writeFile(path.join(plans, BAD.truncated), text.slice(0, Math.floor(text.length / 2)));
  await writeFile(path.join(plans, BAD.empty), '');
  await writeFile(path.join(plans, BAD.notAPlan), '{"hello":1}\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('gtm plans with unreadable plan files', () => {
  it('list shows the readable plans, warns in one stderr line and lists the others in JSON', async () => {
    const r = await runCli(['plans', 'list', '--json'], { cwd: root });
    expect(r.code).toBe(0);
    const out = r.json<{ plans: { plan_id: string }[]; unreadable: { path: string; problem: string }[] }>();
    expect(out.plans.map((p) => p.plan_id)).toEqual([good[1].plan_id, good[0].plan_id]);
    expect(out.unreadable.map((u) => path.basename(u.path))).toEqual([
      BAD.truncated,
      BAD.empty,
      BAD.notAPlan,
    ]);
    expect(out.unreadable[0].problem).toMatch(/^the plan file is not JSON \(/);
    expect(out.unreadable[2].problem).toMatch(/^not a valid plan record: /);
    expect(r.stderrLines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warning: ${plans.replace(/[.]/g, '\\.')}: 3 plan files could not be read and are not listed \\(${BAD.truncated.replace('.', '\\.')} and others: the plan file is not JSON \\(.*\\)\\) — move them out of the plans folder; gtm plans show FILE says what is wrong with each$`,
        ),
      ),
    ]);
    const human = await runCli(['plans', 'list'], { cwd: root, tty: true });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(good[0].plan_id);
    expect(human.stderrLines).toEqual([expect.stringMatching(/^warning: .*3 plan files could not be read/)]);
  });

  it('list says nothing more when every file reads', async () => {
    const clean = await mkdtemp(path.join(tmpdir(), 'gtm-plans-clean-'));
    try {
      await runPlan(spec([stage('gather')]), { planDir: path.join(clean, '.claude', 'plans') });
      const r = await runCli(['plans', 'list', '--json'], { cwd: clean });
      expect(r.stderr).toBe('');
      expect(r.json<{ unreadable: unknown[] }>().unreadable).toEqual([]);
    } finally {
      await rm(clean, { recursive: true, force: true });
    }
  });

  it('show by id of an unreadable file gives the INPUT error show by path gives', async () => {
    for (const name of Object.values(BAD)) {
      const byPath = await runCli(['plans', 'show', path.join(plans, name)], { cwd: root });
      const byId = await runCli(['plans', 'show', name.replace(/\.json$/, '')], { cwd: root });
      const byFile = await runCli(['plans', 'show', name], { cwd: root });
      expect(byPath.code, byPath.stderr).toBe(4);
      expect(byPath.stderrLines).toHaveLength(1);
      expect(byPath.stderrLines[0]).toMatch(/^error\[INPUT\] /);
      for (const r of [byId, byFile]) {
        expect(r.code).toBe(4);
        expect(r.stderrLines).toEqual(byPath.stderrLines);
      }
    }
  });

  it('show latest skips the unreadable newest file and says so', async () => {
    const r = await runCli(['plans', 'show'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.json<PlanRecord>().plan_id).toBe(good[1].plan_id);
    expect(r.stderrLines).toEqual([expect.stringMatching(/^warning: .*3 plan files could not be read/)]);
    const byId = await runCli(['plans', 'show', good[0].plan_id], { cwd: root });
    expect(byId.code).toBe(0);
    expect(byId.stderr).toBe('');
  });
});
