import { existsSync } from 'node:fs';
import path from 'node:path';
import { GtmError, usageError } from '../../errors/index.ts';
import type { StoredPlan } from '../../orchestrator/index.ts';
import type { CliCommand, CliContext } from '../command.ts';

/** A file named like a plan that could not be read or is not a valid plan: left out of the list. */
interface Unreadable {
  path: string;
  error: unknown;
}

const problemOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The plans of the store with the files that could not be read beside them. */
async function readStore(
  dir: string,
  filter: { command?: string; scope?: string },
): Promise<{ all: StoredPlan[]; unreadable: Unreadable[] }> {
  const unreadable: Unreadable[] = [];
  const { scope, ...rest } = filter;
  const all = (
    await (
      await orchestrator()
    ).listPlans(dir, { ...rest, onUnreadable: (p, error) => unreadable.push({ path: p, error }) })
  ).filter((p) => scope === undefined || scopeMatches(p.record.scope, scope));
  return { all, unreadable };
}

/**
 * `--scope` keeps a scope and its windows: a run's scope is its campaign or programme and its
 * window (`ai-launch-tour:30d`), so `--scope ai-launch-tour` keeps the campaign's runs of every
 * window and `--scope ai-launch-tour:30d` those of one.
 */
export function scopeMatches(scope: string | undefined, wanted: string): boolean {
  return scope === wanted || (scope !== undefined && scope.startsWith(`${wanted}:`));
}

/**
 * The one stderr line about plan files left out: how many, the first one and why, what to do.
 */
function warnUnreadable(ctx: CliContext, dir: string, unreadable: Unreadable[]): void {
  if (unreadable.length === 0) return;
  const [first] = unreadable;
  const n = unreadable.length;
  ctx.out.warn(
    `${dir}: ${n} plan file${n === 1 ? '' : 's'} could not be read and ${n === 1 ? 'is' : 'are'} not listed ` +
      `(${path.basename(first.path)}${n > 1 ? ' and others' : ''}: ${problemOf(first.error)}) — ` +
      `move ${n === 1 ? 'it' : 'them'} out of the plans folder; gtm plans show FILE says what is wrong with each`,
  );
}

/** The orchestrator, loaded when a plans subcommand runs (not for help). */
const orchestrator = () => import('../../orchestrator/index.ts');

async function planDir(ctx: CliContext): Promise<string> {
  const cfg = path.resolve(ctx.cwd, ctx.global.config ?? 'gtm.yaml');
  if (existsSync(cfg)) {
    const { loadWorkspace } = await import('../../workspace/index.ts');
    const ws = loadWorkspace({ cwd: ctx.cwd, configPath: ctx.global.config });
    return path.resolve(ws.baseDir, ws.output.plans_dir);
  }
  return path.resolve(ctx.cwd, '.claude/plans');
}

/** The warning about unreadable plan files when a reference counts plans (`latest`, `latest~N`). */
function warnSkipped(ctx: CliContext, dir: string, unreadable: Unreadable[], refs: string[]): void {
  if (refs.some((r) => LATEST.test(r))) warnUnreadable(ctx, dir, unreadable);
}

const LATEST = /^latest(?:~(\d+))?$/;

/**
 * A plan by file path, plan id, `latest`, or `latest~N` (N runs before the latest). A plan id or
 * file name of a stored file that cannot be read gives that file's own error (INPUT), as its path
 * does; `latest~N` counts the readable plans only (`warnSkipped` says when some were skipped).
 */
async function findPlan(
  ctx: CliContext,
  ref: string,
  { all, unreadable }: { all: StoredPlan[]; unreadable: Unreadable[] },
): Promise<StoredPlan> {
  const direct = path.resolve(ctx.cwd, ref);
  if (ref.endsWith('.json') && existsSync(direct))
    return { path: direct, record: await (await orchestrator()).readPlan(direct) };
  const m = LATEST.exec(ref);
  if (m) {
    const hit = all[Number(m[1] ?? 0)];
    if (!hit)
      throw usageError(
        `there is no plan "${ref}" (${all.length} plans stored)`,
        ref,
        'gtm plans list shows them',
      );
    return hit;
  }
  const named = (file: string) => path.basename(file) === ref || path.basename(file) === `${ref}.json`;
  const hit = all.find((p) => p.record.plan_id === ref || named(p.path));
  const bad = hit ? undefined : unreadable.find((u) => named(u.path));
  if (bad) {
    if (bad.error instanceof GtmError) throw bad.error;
    throw new GtmError('INPUT', `cannot read the plan file: ${problemOf(bad.error)}`, {
      where: bad.path,
      hint: 'move it out of the plans folder',
    });
  }
  if (!hit)
    throw usageError(
      `no plan "${ref}"`,
      ref,
      'use a plan id from `gtm plans list`, a file path, or latest / latest~1',
    );
  return hit;
}

/**
 * The `--command` and `--scope` filters. A command name matching no plan is not an error: the
 * store may hold plans of commands this version no longer has, and an empty list says so.
 */
async function filtersOf(ctx: CliContext, flags: Record<string, unknown>) {
  return {
    dir: await planDir(ctx),
    command: flags.command as string | undefined,
    scope: flags.scope as string | undefined,
  };
}

const filters = [
  {
    name: 'command',
    type: 'string' as const,
    placeholder: 'NAME',
    description: 'only plans of this command',
  },
  {
    name: 'scope',
    type: 'string' as const,
    placeholder: 'SCOPE',
    description:
      'only plans of this scope: a campaign or programme (every window) or one window of it (ai-launch-tour:30d)',
  },
];

export const plansCommand: CliCommand = {
  name: 'plans',
  summary: 'List, show and diff the audit plans in .claude/plans',
  usage: 'gtm plans list | show PLAN | diff [OLD] [NEW]',
  flags: [],
  subcommands: [
    {
      name: 'list',
      summary: 'List stored plans, newest first',
      usage: 'gtm plans list [--command NAME] [--scope SCOPE]',
      flags: filters,
      async run(args, ctx) {
        const { formatPlanList } = await orchestrator();
        const { dir, ...filter } = await filtersOf(ctx, args.flags);
        const { all, unreadable } = await readStore(dir, filter);
        warnUnreadable(ctx, dir, unreadable);
        ctx.out.result(
          {
            plans: all.map((p) => ({
              plan_id: p.record.plan_id,
              path: p.path,
              command: p.record.command,
              scope: p.record.scope,
              status: p.record.status,
              started_at: p.record.started_at,
              ended_at: p.record.ended_at,
            })),
            unreadable: unreadable.map((u) => ({ path: u.path, problem: problemOf(u.error) })),
          },
          () =>
            all.length
              ? formatPlanList(all.map((p) => p.record))
              : filter.command || filter.scope
                ? `No plans match${filter.command ? ` --command ${filter.command}` : ''}${filter.scope ? ` --scope ${filter.scope}` : ''}: \`gtm plans list\` shows them all.`
                : unreadable.length
                  ? 'No readable plans (see the warning above).'
                  : 'No plans yet: run a command such as `gtm track-source` first.',
        );
        return 0;
      },
    },
    {
      name: 'show',
      summary: 'Show one plan: stages, owners, attempts, alerts, escalations, change log',
      usage: 'gtm plans show PLAN   (id, file, latest or latest~N)',
      flags: filters,
      positionals: [{ name: 'plan', description: 'plan id, file path, latest or latest~N', required: false }],
      async run(args, ctx) {
        const { dir, ...filter } = await filtersOf(ctx, args.flags);
        const store = await readStore(dir, filter);
        const ref = args.positionals[0] ?? 'latest';
        warnSkipped(ctx, dir, store.unreadable, [ref]);
        const p = await findPlan(ctx, ref, store);
        const { formatPlan } = await orchestrator();
        ctx.out.result(p.record, () => formatPlan(p.record));
        return 0;
      },
    },
    {
      name: 'diff',
      summary: 'Compare two plans: settings, inputs, data fingerprints, row counts, alerts, stages',
      usage: 'gtm plans diff [OLD] [NEW]   (default: latest~1 latest)',
      flags: filters,
      positionals: [
        { name: 'old', description: 'older plan (default latest~1)' },
        { name: 'new', description: 'newer plan (default latest)' },
      ],
      async run(args, ctx) {
        const { dir, ...filter } = await filtersOf(ctx, args.flags);
        const store = await readStore(dir, filter);
        const refs = [args.positionals[0] ?? 'latest~1', args.positionals[1] ?? 'latest'];
        warnSkipped(ctx, dir, store.unreadable, refs);
        const a = await findPlan(ctx, refs[0], store);
        const b = await findPlan(ctx, refs[1], store);
        const { diffPlans, formatPlanDiff } = await orchestrator();
        const diff = diffPlans(a.record, b.record);
        ctx.out.result(diff, () => formatPlanDiff(diff));
        return 0;
      },
    },
  ],
};
