import { existsSync } from 'node:fs';
import path from 'node:path';
import { usageError } from '../../errors/index.ts';
import type { StoredPlan } from '../../orchestrator/index.ts';
import type { CliCommand, CliContext } from '../command.ts';

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

/** A plan by file path, plan id, `latest`, or `latest~N` (N runs before the latest). */
async function findPlan(ctx: CliContext, ref: string, all: StoredPlan[]): Promise<StoredPlan> {
  const direct = path.resolve(ctx.cwd, ref);
  if (ref.endsWith('.json') && existsSync(direct))
    return { path: direct, record: await (await orchestrator()).readPlan(direct) };
  const m = /^latest(?:~(\d+))?$/.exec(ref);
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
  const hit = all.find(
    (p) =>
      p.record.plan_id === ref || path.basename(p.path) === ref || path.basename(p.path) === `${ref}.json`,
  );
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
    description: 'only plans of this scope (e.g. campaign id)',
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
        const { listPlans, formatPlanList } = await orchestrator();
        const { dir, ...filter } = await filtersOf(ctx, args.flags);
        const all = await listPlans(dir, filter);
        ctx.out.result(
          all.map((p) => ({
            plan_id: p.record.plan_id,
            path: p.path,
            command: p.record.command,
            scope: p.record.scope,
            status: p.record.status,
            started_at: p.record.started_at,
            ended_at: p.record.ended_at,
          })),
          () =>
            all.length
              ? formatPlanList(all.map((p) => p.record))
              : filter.command || filter.scope
                ? `No plans match${filter.command ? ` --command ${filter.command}` : ''}${filter.scope ? ` --scope ${filter.scope}` : ''}: \`gtm plans list\` shows them all.`
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
        const all = await (await orchestrator()).listPlans(dir, filter);
        const p = await findPlan(ctx, args.positionals[0] ?? 'latest', all);
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
        const all = await (await orchestrator()).listPlans(dir, filter);
        const a = await findPlan(ctx, args.positionals[0] ?? 'latest~1', all);
        const b = await findPlan(ctx, args.positionals[1] ?? 'latest', all);
        const { diffPlans, formatPlanDiff } = await orchestrator();
        const diff = diffPlans(a.record, b.record);
        ctx.out.result(diff, () => formatPlanDiff(diff));
        return 0;
      },
    },
  ],
};
