import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffPlans } from './diff-plans.ts';
import { spec, stage, tempPlanDir } from './fixtures/plan-fixtures.ts';
import { formatPlanDiff } from './format-plan-diff.ts';
import { formatPlanList } from './format-plan-list.ts';
import { formatPlan } from './format-plan.ts';
import type { PlanRecord } from './plan-record.ts';
import { runPlan } from './run-plan.ts';

let cleanup: () => Promise<void> = async () => undefined;
afterAll(async () => cleanup());

/** Runs of the same command and scope for two consecutive as-ofs: data grew, a source was added, the model changed. */
async function twoRuns(): Promise<[PlanRecord, PlanRecord]> {
  const t = await tempPlanDir();
  cleanup = t.cleanup;
  const run = (n: number, settings: Record<string, unknown>, window: string) =>
    runPlan(
      spec(
        [
          stage('gather', [], {
            run: async (ctx) => {
              ctx.fingerprint({ source: 'crm', rows: 100 * n, hash: `crm-${n}` });
              if (n === 2) ctx.fingerprint({ source: 'ads', rows: 5, hash: 'ads-1' });
              ctx.fingerprint({ source: 'partners', rows: 12, hash: 'p-1' });
              ctx.rows({
                source: 'crm',
                rows_in: 100 * n,
                accepted: 100 * n - n,
                deduplicated: n,
                rejected: 0,
              });
            },
          }),
          stage('insights', ['gather'], {
            run: async (ctx) => {
              ctx.alert({
                id: 'roas',
                metric: 'roas',
                value: n === 1 ? 1.25 : 1.0,
                threshold: 1.5,
                direction: 'below',
              });
              ctx.alert({ id: 'ctr', metric: 'ctr', value: 0.02, threshold: 0.01, direction: 'below' });
            },
          }),
          stage('deep-dive', ['insights'], { condition: () => n === 2 }),
        ],
        // consecutive as-ofs: the second run's roas breach is the second in a row
        { settings, inputs: { campaign: 'AI Launch Tour', window }, asOf: `2024-05-${19 + n}` },
      ),
      { planDir: t.dir },
    );
  const a = await run(1, { model: 'last-touch', sources: { crm: 'crm-1' } }, '30d');
  const b = await run(2, { model: 'linear', sources: { crm: 'crm-2', ads: 'ads-1' } }, '7d');
  return [a, b];
}

describe('diffPlans', () => {
  let a: PlanRecord;
  let b: PlanRecord;
  beforeAll(async () => {
    [a, b] = await twoRuns();
  });

  it('compares settings and inputs', () => {
    const d = diffPlans(a, b);
    expect(d.a.plan_id).toBe(a.plan_id);
    expect(d.settings).toEqual([
      { field: 'model', change: 'changed', from: 'last-touch', to: 'linear' },
      { field: 'sources.crm', change: 'changed', from: 'crm-1', to: 'crm-2' },
      { field: 'sources.ads', change: 'added', from: null, to: 'ads-1' },
    ]);
    expect(d.inputs).toEqual([{ field: 'window', change: 'changed', from: '30d', to: '7d' }]);
  });

  it('compares fingerprints and row counts per stage and source', () => {
    const d = diffPlans(a, b);
    expect(d.fingerprints.map((f) => [f.key, f.change])).toEqual([
      ['gather/crm', 'changed'],
      ['gather/partners', 'unchanged'],
      ['gather/ads', 'added'],
    ]);
    expect(d.fingerprints[0]).toMatchObject({
      a: { rows: 100, hash: 'crm-1' },
      b: { rows: 200, hash: 'crm-2' },
    });
    expect(d.rows).toEqual([
      {
        key: 'gather/crm',
        change: 'changed',
        a: { rows_in: 100, accepted: 99, deduplicated: 1, rejected: 0 },
        b: { rows_in: 200, accepted: 198, deduplicated: 2, rejected: 0 },
      },
    ]);
  });

  it('compares alert values and stage statuses', () => {
    const d = diffPlans(a, b);
    expect(d.alerts.map((x) => [x.key, x.change, x.value_delta])).toEqual([
      ['roas', 'changed', -0.25],
      ['ctr', 'unchanged', 0],
    ]);
    expect(d.alerts[0].b).toMatchObject({ breached: true, consecutive_breaches: 2 });
    expect(d.stages.map((s) => [s.key, s.change, s.a?.status, s.b?.status])).toEqual([
      ['gather', 'unchanged', 'succeeded', 'succeeded'],
      ['insights', 'unchanged', 'succeeded', 'succeeded'],
      ['deep-dive', 'changed', 'skipped', 'succeeded'],
    ]);
    expect(d.stages[0].duration_delta_ms).toBeCloseTo(
      b.stages[0].tasks[0].duration_ms! - a.stages[0].tasks[0].duration_ms!,
    );
    expect(d.stages[2].duration_delta_ms).toBeNull();
  });

  it('an alert value that stands in for a figure (detail) has no delta, and the plan view shows the detail', () => {
    const b2 = structuredClone(b);
    Object.assign(b2.alerts[0], { value: 1e9, detail: 'no rows in crm' });
    const d = diffPlans(a, b2);
    expect(d.alerts.map((x) => [x.key, x.value_delta])).toEqual([
      ['roas', null],
      ['ctr', 0],
    ]);
    const text = formatPlan(b2);
    expect(text).toContain('roas: no rows in crm');
    expect(text).not.toMatch(/1,?000,?000,?000/);
  });

  it('formats the diff with changes listed and unchanged items counted', () => {
    const text = formatPlanDiff(diffPlans(a, b));
    expect(text).toContain(`a: ${a.plan_id}  succeeded`);
    expect(text).toContain('  model changed: last-touch → linear');
    expect(text).toContain('  sources.ads added: — → ads-1');
    expect(text).toContain('  window changed: 30d → 7d');
    expect(text).toContain('  gather/crm changed: 100 rows crm-1 → 200 rows crm-2');
    expect(text).toContain(
      '  gather/crm changed: in 100 / acc 99 / dup 1 / rej 0 → in 200 / acc 198 / dup 2 / rej 0',
    );
    expect(text).toContain('  roas changed: 1.25 (breached) → 1 (breached) (−0.25)');
    expect(text).toMatch(/ {2}\(1 unchanged\)/);
    expect(text).toMatch(/deep-dive\s+skipped\s+→\s+succeeded\s+—\s+→\s+\d+ ms\s+\*/);
  });

  it('compares a source only where both plans recorded it the same way (another command: note, only in a / b)', () => {
    // a read crm and partners (their settings hold the fingerprinted hashes); the other command
    // read only ads and declares crm and partners by path; web is declared by both, by two paths
    expect(a.settings.sources).toEqual({ crm: 'crm-1', partners: 'p-1' });
    const other: PlanRecord = structuredClone(b);
    other.command = 'monitor-loyalty';
    other.scope = 'Rewards Club';
    other.settings = {
      ...other.settings,
      sources: {
        crm: 'file:data/crm.csv',
        partners: 'file:data/p.csv',
        ads: 'ads-1',
        web: 'file:w2/*.ndjson',
      },
    };
    other.data_fingerprints = other.data_fingerprints.filter((f) => f.source === 'ads');
    const mine: PlanRecord = structuredClone(a);
    mine.settings = {
      ...mine.settings,
      sources: { ...(a.settings.sources as object), web: 'file:w1/*.ndjson' },
    };
    const d = diffPlans(mine, other);
    expect(d.note).toBe('comparing track-source "AI Launch Tour" with monitor-loyalty "Rewards Club"');
    expect(d.sources_not_compared).toEqual([
      { source: 'crm', only_in: 'a', a: 'crm-1', b: 'file:data/crm.csv' },
      { source: 'partners', only_in: 'a', a: 'p-1', b: 'file:data/p.csv' },
    ]);
    expect(d.settings.filter((e) => e.field.startsWith('sources.'))).toEqual([
      { field: 'sources.web', change: 'changed', from: 'file:w1/*.ndjson', to: 'file:w2/*.ndjson' },
      { field: 'sources.ads', change: 'added', from: null, to: 'ads-1' },
    ]);
    const back = diffPlans(other, mine);
    expect(back.sources_not_compared.map((x) => [x.source, x.only_in])).toEqual([
      ['crm', 'b'],
      ['partners', 'b'],
    ]);
    const text = formatPlanDiff(d);
    expect(text).toContain(
      'note: comparing track-source "AI Launch Tour" with monitor-loyalty "Rewards Club"',
    );
    expect(text).toContain('sources read by one plan only (not compared)\n  only in a: crm, partners');
    expect(text).not.toContain('sources.crm');
    // the same command and scope: no note, nothing left out
    expect(diffPlans(a, b)).toMatchObject({ note: null, sources_not_compared: [] });
  });

  it('formats one plan', () => {
    const text = formatPlan(b);
    expect(text.split('\n')[0]).toMatch(
      new RegExp(`^${b.plan_id}  track-source  scope: AI Launch Tour  SUCCEEDED  \\d+ ms$`),
    );
    expect(text).toMatch(/^ {2}1\s+gather\s+GATHER\s+analyst \(Ana Ruiz\)\s+succeeded\s+1 attempt/m);
    expect(text).toContain('crm  in 200  = accepted 198  + deduplicated 2  + rejected 0');
    expect(text).toMatch(
      /roas\s+roas 1 \(breach below 1\.5\)\s+BREACHED 2 as-of dates in a row\s+→ escalated to marketing-lead \(Mia Lee\)/,
    );
    expect(text).toContain('level 1: roas → marketing-lead (Mia Lee) after 2 consecutive breaches');
    expect(text).toContain(`changes since ${a.plan_id}`);
    expect(text).toContain('  model changed: last-touch → linear');
    expect(formatPlan(a)).toContain('  first run of this command and scope');
    expect(formatPlan(a)).toMatch(
      /deep-dive\s+DEEP-DIVE\s+analyst \(Ana Ruiz\)\s+skipped\s+0 attempts\s+—\s+condition not met/,
    );
  });

  it('formats a list of plans', () => {
    const text = formatPlanList([b, a]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^PLAN\s+STARTED\s+STATUS\s+COMMAND\s+SCOPE\s+STAGES OK\s+BREACHED\s+ESCALATED\s+DURATION$/,
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^${b.plan_id}\\s+\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z\\s+succeeded\\s+track-source\\s+AI Launch Tour\\s+3/3\\s+1/2\\s+1\\s+\\d+ ms$`,
      ),
    );
    expect(lines[2]).toMatch(/succeeded\s+track-source\s+AI Launch Tour\s+2\/3\s+1\/2\s+—/);
    expect(formatPlanList([])).toBe('no plans found');
  });
});
