import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { GtmError } from '../errors/index.ts';
import type { PlanRecord } from './plan-record.ts';
import { validatePlanRecord } from './validate-plan-record.ts';
import { createJsonExclusive, writeJsonAtomic } from './write-json-atomic.ts';

/** A plan file and its parsed, schema-checked record. */
export interface StoredPlan {
  path: string;
  record: PlanRecord;
}

const PLAN_FILE = /^plan-(\d{8}T\d{9}Z)(?:-(\d+))?\.json$/;

/** `2024-05-01T12:00:00.123Z` → `20240501T120000123Z`: sortable, and safe in file names on every OS. */
export function planTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

/**
 * The file name of a plan started at `date`; `n` > 0 disambiguates plans started in the same
 * millisecond (`plan-20240501T120000123Z-1.json`).
 *
 * @example
 * planFileName(new Date('2024-05-01T12:00:00.123Z')); // → 'plan-20240501T120000123Z.json'
 */
export function planFileName(date: Date, n = 0): string {
  return `plan-${planTimestamp(date)}${n > 0 ? `-${n}` : ''}.json`;
}

/** Newest first: by timestamp, then by same-millisecond suffix. */
function compareNewestFirst(a: string, b: string): number {
  const ma = PLAN_FILE.exec(a);
  const mb = PLAN_FILE.exec(b);
  if (!ma || !mb) return 0;
  if (ma[1] !== mb[1]) return ma[1] < mb[1] ? 1 : -1;
  return Number(mb[2] ?? 0) - Number(ma[2] ?? 0);
}

/**
 * Writes the first version of a plan under a fresh name in `planDir` and returns where. The record
 * is built for the chosen plan id, since the id is the file name.
 */
export async function createPlanFile(
  planDir: string,
  startedAt: Date,
  build: (planId: string) => PlanRecord,
): Promise<StoredPlan> {
  await mkdir(planDir, { recursive: true });
  for (let n = 0; n < 1000; n++) {
    const name = planFileName(startedAt, n);
    const record = build(name.slice(0, -'.json'.length));
    const path = join(planDir, name);
    if (await createJsonExclusive(path, record)) return { path, record };
  }
  throw new GtmError('IO', 'could not find a free plan file name', {
    where: planDir,
    hint: 'too many plans started in the same millisecond; check the clock passed as `now`',
  });
}

/**
 * Reads and schema-checks one plan file.
 *
 * @example
 * const plan = await readPlan('.claude/plans/plan-20240501T120000123Z.json');
 */
export async function readPlan(path: string): Promise<PlanRecord> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new GtmError('INPUT', 'cannot read the plan file', {
      where: path,
      cause: err,
      hint: 'list the available plans with `gtm plans list`',
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new GtmError('INPUT', `the plan file is not JSON (${(err as Error).message})`, {
      where: path,
      cause: err,
      hint: 'plans are written atomically, so this file was changed by something else; move it away',
    });
  }
  return validatePlanRecord(parsed, path);
}

export interface ListPlansOptions {
  command?: string;
  scope?: string;
  /** Told about files named like plans that cannot be read; they are left out of the list. */
  onUnreadable?: (path: string, error: unknown) => void;
}

/**
 * The plans in `planDir`, newest first, optionally of one command and scope. A missing directory
 * is an empty history.
 *
 * @example
 * const [latest] = await listPlans('.claude/plans', { command: 'track-source', scope: 'AI Launch Tour' });
 */
export async function listPlans(planDir: string, options: ListPlansOptions = {}): Promise<StoredPlan[]> {
  let names: string[];
  try {
    names = await readdir(planDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new GtmError('IO', 'cannot list the plans folder', { where: planDir, cause: err });
  }
  const plans: StoredPlan[] = [];
  for (const name of names.filter((n) => PLAN_FILE.test(n)).sort(compareNewestFirst)) {
    const path = join(planDir, name);
    if (!headerMayMatch(path, options)) continue;
    let record: PlanRecord;
    try {
      record = await readPlan(path);
    } catch (err) {
      options.onUnreadable?.(path, err);
      continue;
    }
    if (options.command !== undefined && record.command !== options.command) continue;
    if (options.scope !== undefined && record.scope !== options.scope) continue;
    plans.push({ path, record });
  }
  return plans;
}

/**
 * Whether a plan file may be of the command and scope asked for, judged from its first few
 * kilobytes: gtm writes `command` and `scope` before the stages, so a plan of another command or
 * scope is skipped without reading and checking the whole file (a workspace's history grows by
 * one plan per run; start-up must not grow with it). Anything unexpected reads as "may match",
 * and the full check decides.
 */
function headerMayMatch(path: string, options: { command?: string; scope?: string }): boolean {
  if (options.command === undefined && options.scope === undefined) return true;
  let head: string;
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(HEADER_BYTES);
      head = buf.toString('utf8', 0, readSync(fd, buf, 0, HEADER_BYTES, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return true;
  }
  const stages = head.indexOf('"stages"');
  const field = (key: string): string | undefined => {
    const m = new RegExp(`"${key}"\\s*:\\s*("(?:[^"\\\\]|\\\\.)*")`).exec(head);
    if (!m || (stages >= 0 && m.index > stages)) return undefined;
    try {
      return JSON.parse(m[1]) as string;
    } catch {
      return undefined;
    }
  };
  const command = options.command === undefined ? undefined : field('command');
  if (command !== undefined && command !== options.command) return false;
  const scope = options.scope === undefined ? undefined : field('scope');
  return scope === undefined || scope === options.scope;
}

const HEADER_BYTES = 4096;

/**
 * The finished plans (any status but `running`) of one command and scope, newest first, read on
 * demand: a run needs the latest one and the latest succeeded one (its change log base) — usually
 * the first few, whatever the history's length — and, for each alert, the latest plan of the
 * latest earlier as-of that evaluated it (`previousAlert`: the scope's plans are read once, as a
 * backfill can sit anywhere in the history).
 * Unreadable plans are skipped, as in `listPlans`.
 *
 * @example
 * const history = planHistory('.claude/plans', 'track-source', 'AI Launch Tour');
 * const previous = history.first();
 */
export function planHistory(planDir: string, command: string, scope: string): PlanHistory {
  let names: string[];
  try {
    names = readdirSync(planDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') names = [];
    else throw new GtmError('IO', 'cannot list the plans folder', { where: planDir, cause: err });
  }
  const paths = names
    .filter((n) => PLAN_FILE.test(n))
    .sort(compareNewestFirst)
    .map((n) => join(planDir, n))
    .filter((p) => headerMayMatch(p, { command, scope }));
  const read: StoredPlan[] = [];
  let next = 0;
  function* plans(): Generator<StoredPlan> {
    for (let i = 0; ; i++) {
      while (i >= read.length && next < paths.length) {
        const path = paths[next++];
        let record: PlanRecord;
        try {
          record = validatePlanRecord(JSON.parse(readFileSync(path, 'utf8')), path);
        } catch {
          continue;
        }
        if (record.command === command && record.scope === scope && record.status !== 'running')
          read.push({ path, record });
      }
      if (i >= read.length) return;
      yield read[i];
    }
  }
  const find = (pred: (p: StoredPlan) => boolean): StoredPlan | null => {
    for (const p of plans()) if (pred(p)) return p;
    return null;
  };
  return { plans, find, first: () => find(() => true) };
}

export interface PlanHistory {
  /** Newest first; files are read and checked as the iteration reaches them. */
  plans(): Generator<StoredPlan>;
  find(pred: (p: StoredPlan) => boolean): StoredPlan | null;
  first(): StoredPlan | null;
}

/**
 * The latest finished plan (any status but `running`) of a command and scope: the one a new run
 * compares its settings with. A plan still running belongs to a concurrent run, not to the past.
 *
 * @example
 * const prev = await previousPlan('.claude/plans', 'track-source', 'AI Launch Tour');
 */
export async function previousPlan(
  planDir: string,
  command: string,
  scope: string,
  options: { excludePlanId?: string } = {},
): Promise<StoredPlan | null> {
  const plans = await listPlans(planDir, { command, scope });
  return (
    plans.find((p) => p.record.status !== 'running' && p.record.plan_id !== options.excludePlanId) ?? null
  );
}

/**
 * Whether a process id is alive on this host. EPERM means it exists but belongs to someone else.
 * A recycled pid reads as alive: the plan then stays `running` until that pid is gone too, which
 * errs on the side of never marking a live run.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Marks as `interrupted` every plan in `planDir` still `running` whose process is gone from this
 * host (killed, crashed, machine rebooted), together with its running and retrying tasks, so that
 * the history does not show phantom runs. Plans from other hosts are left alone: their pid cannot be
 * checked from here. Returns the plans it rewrote.
 *
 * @example
 * const marked = await markInterrupted('.claude/plans');
 */
export async function markInterrupted(
  planDir: string,
  options: { now?: () => Date; host?: string; isAlive?: (pid: number) => boolean } = {},
): Promise<StoredPlan[]> {
  const host = options.host ?? hostname();
  const isAlive = options.isAlive ?? isProcessAlive;
  const now = options.now ?? (() => new Date());
  const marked: StoredPlan[] = [];
  for (const plan of await runningPlans(planDir)) {
    const record = plan.record;
    if (record.status !== 'running' || record.hostname !== host || isAlive(record.pid)) continue;
    const at = now().toISOString();
    record.status = 'interrupted';
    record.interrupted_at = at;
    for (const task of record.stages.flatMap((s) => s.tasks)) {
      if (task.status !== 'running' && task.status !== 'retrying') continue;
      task.status = 'interrupted';
      for (const attempt of task.attempt_log)
        if (attempt.outcome === 'running') attempt.outcome = 'interrupted';
    }
    record.notes.push({
      at,
      task_id: null,
      message: `process ${record.pid} on ${host} ended without closing the plan; marked interrupted`,
    });
    await writeJsonAtomic(plan.path, record);
    marked.push(plan);
  }
  return marked;
}

/**
 * The plans whose text mentions `"running"` (a running plan's status is that literal; a finished
 * plan rarely mentions it), parsed and checked; the others are not parsed at all.
 */
async function runningPlans(planDir: string): Promise<StoredPlan[]> {
  let names: string[];
  try {
    names = await readdir(planDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new GtmError('IO', 'cannot list the plans folder', { where: planDir, cause: err });
  }
  const out: StoredPlan[] = [];
  for (const name of names.filter((n) => PLAN_FILE.test(n))) {
    const path = join(planDir, name);
    try {
      const text = await readFile(path, 'utf8');
      if (!text.includes('"running"')) continue;
      out.push({ path, record: validatePlanRecord(JSON.parse(text), path) });
    } catch {
      // unreadable plans are left alone, as listPlans leaves them out
    }
  }
  return out;
}
