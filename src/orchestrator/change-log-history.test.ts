import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { runPlan } from './run-plan.ts';
import type { PlanSpec } from './plan-spec.ts';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'gtm-cl-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

let clock = Date.parse('2026-11-01T00:00:00Z');
const now = () => new Date((clock += 1000));

const spec = (fail: boolean, hash: string | null): PlanSpec => ({
  command: 'cmd',
  scope: 's',
  objective: 'o',
  complexity: 'low',
  strategy: 'pipeline',
  inputs: {},
  settings: { model: 'linear', sources: { crm: 'file:crm.csv' } },
  stages: [
    {
      id: 'gather',
      name: 'Gather',
      owner: 'lead',
      purpose: 'read',
      outputVar: 'g',
      dependsOn: [],
      run: async (ctx) => {
        if (fail) throw new GtmError('INPUT', 'cannot read crm.csv');
        ctx.fingerprint({ source: 'crm', rows: 3, hash: hash! });
        return null;
      },
    },
  ],
  successCriteria: [],
  deliverables: [],
  errorHandling: { fallbackPlan: 'none', escalationLadder: [], backoffMs: 1 },
  roster: { roles: {} },
  asOf: '2026-11-01',
});

it('compares with the last succeeded plan, not a failed one in between', async () => {
  await runPlan(spec(false, 'aaa'), { planDir: dir, now });
  await expect(runPlan(spec(true, null), { planDir: dir, now })).rejects.toThrow();
  const third = await runPlan(spec(false, 'aaa'), { planDir: dir, now });
  expect(third.change_log).toEqual([]);
});

it('logs a changed source fingerprint', async () => {
  await runPlan(spec(false, 'aaa'), { planDir: dir, now });
  const second = await runPlan(spec(false, 'bbb'), { planDir: dir, now });
  expect(second.change_log).toEqual([{ field: 'sources.crm', change: 'changed', from: 'aaa', to: 'bbb' }]);
});

it('logs settings a stage records (ctx.setting) against the previous plan', async () => {
  const withSetting = (events: Record<string, string>): PlanSpec => ({
    ...spec(false, 'aaa'),
    stages: [
      {
        id: 'catalog',
        name: 'Catalog',
        owner: 'lead',
        purpose: 'events',
        outputVar: 'c',
        dependsOn: [],
        run: async (ctx) => {
          ctx.setting('events', events);
          return null;
        },
      },
    ],
  });
  const first = await runPlan(withSetting({ 'Order Completed': '1-0-0' }), { planDir: dir, now });
  expect(first.settings.events).toEqual({ 'Order Completed': '1-0-0' });
  const second = await runPlan(withSetting({ 'Order Completed': '2-0-0', 'Cart Viewed': '1-0-0' }), {
    planDir: dir,
    now,
  });
  expect(second.change_log).toEqual([
    { field: 'events["Order Completed"]', change: 'changed', from: '1-0-0', to: '2-0-0' },
    { field: 'events["Cart Viewed"]', change: 'added', from: null, to: '1-0-0' },
  ]);
});
