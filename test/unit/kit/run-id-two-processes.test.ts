/**
 * Two gtm processes started in the same millisecond in one workspace get report folders of their
 * own. The run id is the start time; a run took the name when no run of its own process held it
 * and no folder had it, and created the folder only when it wrote the report, seconds later: two
 * processes both took the name and the later report replaced the earlier one's files (three
 * `gtm define-events` processes with one frozen clock: one folder, holding the last one's
 * report). Two module instances of the command (vi.resetModules: nothing shared but the file
 * system, as two processes) run at once with one fixed clock. Their plan files, which were
 * already created exclusively, also got temp files of one name (pid and a per-module counter, as
 * two containers with the same pid would): one writer removed the other's (ENOENT).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import type * as DefineEventsModule from '../../../src/commands/define-events/index.ts';

const AT = new Date('2026-11-15T09:00:00.123Z');
const STAMP = '20261115T090000123Z';
const MODULE = '../../../src/commands/define-events/index.ts';
type DefineEvents = typeof DefineEventsModule;

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;

it('gives runs of two processes started in the same millisecond their own report folders', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-run-id-2p-'));
  const first = (await import(MODULE)) as DefineEvents;
  vi.resetModules();
  const second = (await import(MODULE)) as DefineEvents;
  // two instances: what one holds in memory the other does not see
  expect(second.runDefineEvents).not.toBe(first.runDefineEvents);

  const opts = { cwd: dir, asOf: '2026-11-15', now: () => AT, snapshot: false };
  const useCases = ['activation', 'trial conversion'];
  const runs = await Promise.all([
    first.runDefineEvents({ use_case: [useCases[0]] }, opts),
    second.runDefineEvents({ use_case: [useCases[1]] }, opts),
  ]);
  const root = path.join(dir, 'reports', 'define-events');
  expect(readdirSync(root).sort()).toEqual([STAMP, `${STAMP}-1`]);
  expect(new Set(runs.map((r) => r.reportsDir)).size).toBe(2);
  runs.forEach((r, i) => {
    const onDisk = readJson<{ run_id: string; inputs: { use_case: string[] } }>(
      path.join(r.reportsDir, 'result.json'),
    );
    expect(onDisk.inputs.use_case).toEqual([useCases[i]]);
    expect(onDisk.run_id).toBe(path.basename(r.reportsDir));
    // the plan JSON (plan-<timestamp>.json) is created exclusively too: one each, naming its run
    expect(readJson<{ run_id: string }>(r.planPath).run_id).toBe(onDisk.run_id);
  });
  expect(new Set(runs.map((r) => r.planPath)).size).toBe(2);
}, 120_000);

it('leaves no empty report folder behind when a run stops before its report', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-run-id-2p-'));
  const { runDefineEvents } = (await import(MODULE)) as DefineEvents;
  const controller = new AbortController();
  controller.abort();
  await expect(
    runDefineEvents(
      { use_case: ['activation'] },
      { cwd: dir, asOf: '2026-11-15', now: () => AT, snapshot: false, signal: controller.signal },
    ),
  ).rejects.toThrow();
  // nor the folders created for it (reports/define-events, reports)
  expect(existsSync(path.join(dir, 'reports'))).toBe(false);
}, 120_000);

it('leaves the folders above it that hold other reports', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-run-id-2p-'));
  const { runDefineEvents } = (await import(MODULE)) as DefineEvents;
  const opts = { cwd: dir, asOf: '2026-11-15', now: () => AT, snapshot: false };
  const done = await runDefineEvents({ use_case: ['activation'] }, opts);
  const controller = new AbortController();
  controller.abort();
  await expect(
    runDefineEvents({ use_case: ['activation'] }, { ...opts, signal: controller.signal }),
  ).rejects.toThrow();
  expect(readdirSync(path.join(dir, 'reports', 'define-events'))).toEqual([path.basename(done.reportsDir)]);
}, 120_000);
