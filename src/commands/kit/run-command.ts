import { existsSync } from 'node:fs';
import { mkdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { NormalizeResult } from '../../data/index.ts';
import { GtmError } from '../../errors/index.ts';
import {
  executePlan,
  resolveOwner,
  type PlanRecord,
  type RunEvent,
  type StageDef,
} from '../../orchestrator/index.ts';
import { refuseLinkedFolders } from '../../report/linked-folders.ts';
import { makeRoot } from '../../report/write-report-files.ts';
import { CONFIG_FILE, defaultWorkspace, loadWorkspace, type WorkspaceConfig } from '../../workspace/index.ts';
import { asOfDay } from '../shared/window/index.ts';
import type { AnyKitStage, CommandDef, KitRun } from './command-def.ts';
import type { FlagArgsOf, FlagDecls } from './flag-spec.ts';
import { lazyEngine, type LazyEngine } from './open-engine.ts';
import { exactSumOverflowError } from './exact-sum-overflow.ts';
import { kitSettings, withoutUrlSecrets } from './plan-settings.ts';
import { refuseFileInTheWay } from './output-folders.ts';
import { reportStage, type ReportOutput } from './report-stage.ts';
import { resolveFlagObject } from './resolve-flag-object.ts';
import { snapshotPlan } from './snapshot.ts';
import { refuseNoSources } from './workspace-sources.ts';
import { rejectRateProblem, sourceStages } from './source-stages.ts';
import { withCancellation } from '../../data/cancellation.ts';

/** How a command runs, besides its flags. Everything is optional. */
export interface RunCommandOptions {
  /** Folder to find gtm.yaml in (default: the current directory). */
  cwd?: string;
  /** gtm.yaml path, relative to `cwd`. */
  config?: string;
  /** A workspace already loaded (skips `cwd`/`config`). */
  workspace?: WorkspaceConfig;
  /** "Now" of the run: YYYY-MM-DD or an ISO time; default today (UTC). */
  asOf?: string;
  /** Clock for run ids and plan timestamps. */
  now?: () => Date;
  /** For `env:VAR` urls; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Progress of the plan (stages, retries, alerts). */
  onEvent?: (e: RunEvent) => void;
  /** Aborting interrupts the run: the running statement stops and no new stage starts. */
  signal?: AbortSignal;
  /** dashboard.png: true = always (error without Chromium), false = never; default `output.snapshot`. */
  snapshot?: boolean;
}

/** What a run of a command gives back. */
export interface CommandRun<R> {
  result: R;
  record: PlanRecord;
  /** Absolute path of the plan JSON. */
  planPath: string;
  /** Absolute path of the report folder. */
  reportsDir: string;
  /** Report files written, relative to the workspace folder. */
  files: string[];
  /** Found in a complete run (e.g. too many rejected rows): everything was written; exit non-zero. */
  problems: GtmError[];
  warnings: string[];
}

/** The workspace of a run: given, loaded from gtm.yaml, or the defaults for commands that allow it. */
function workspaceFor(def: { workspace: 'required' | 'optional' }, opts: RunCommandOptions): WorkspaceConfig {
  if (opts.workspace) return opts.workspace;
  const cwd = opts.cwd ?? process.cwd();
  if (def.workspace === 'optional' && !opts.config && !existsSync(path.resolve(cwd, CONFIG_FILE)))
    return defaultWorkspace(cwd);
  return loadWorkspace({ cwd, configPath: opts.config, env: opts.env as NodeJS.ProcessEnv | undefined });
}

/** The command's escalation ladder: `escalation.<command>` in gtm.yaml, else the command's default. */
function ladderOf(def: { name: string; ladder: readonly string[] }, ws: WorkspaceConfig): string[] {
  return ws.escalation[def.name] ?? [...def.ladder];
}

/** A run's report folder, and the folders above it that were created for it (outermost first). */
interface ClaimedFolder {
  runId: string;
  reportsDir: string;
  created: string[];
}

/**
 * The run id of a run started at `at` and its report folder, created here, before anything runs:
 * the timestamp, or, when that folder exists (a run of this process or of another one started in
 * the same millisecond holds it, or a finished run wrote it), the timestamp with the first free
 * suffix (`20261207T123447089Z-1`, as plan files of the same millisecond are named). Each name is
 * taken by a plain mkdir, which only one caller can win whichever process it is in: a check for
 * the name followed by a create later (when the report was written) let two processes take one
 * folder and the later report overwrite the earlier one's files.
 *
 * @throws GtmError `IO` (exit 8) when the folder cannot be created.
 */
async function claimReportsDir(root: string, at: Date): Promise<ClaimedFolder> {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  const failed = (cause: unknown, where: string) =>
    new GtmError('IO', `cannot create the report folder: ${(cause as Error).message}`, {
      where,
      hint: 'check that output.reports_dir in gtm.yaml is a folder gtm may write to',
      cause,
    });
  const created: string[] = [];
  const makeParents = async () => {
    try {
      created.push(...(await makeRoot(root)));
    } catch (cause) {
      throw failed(cause, root);
    }
  };
  await makeParents();
  for (let n = 0, retries = 0; n < 10_000; n++) {
    const runId = n > 0 ? `${stamp}-${n}` : stamp;
    const reportsDir = path.resolve(root, runId);
    try {
      await mkdir(reportsDir);
      return { runId, reportsDir, created };
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      // the parent gone: another run that stopped early removed the folders it had created
      if (code === 'ENOENT' && retries++ < 3) {
        await makeParents();
        n--;
        continue;
      }
      if (code !== 'EEXIST') throw failed(cause, reportsDir);
    }
  }
  throw new GtmError('IO', 'could not find a free report folder name', {
    where: root,
    hint: 'too many runs started in the same millisecond; check the clock passed as `now`',
  });
}

/**
 * Removes the report folder of a run that wrote nothing into it (it stopped before its report),
 * and the folders created for it that are still empty (`reports/<command>`): a refused run leaves
 * nothing behind. rmdir removes only empty folders, so nothing written is ever removed.
 */
async function releaseReportsDir(claimed: ClaimedFolder): Promise<void> {
  for (const dir of [...claimed.created, claimed.reportsDir].reverse()) {
    const removed = await rmdir(dir).then(
      () => true,
      () => false,
    );
    if (!removed) return;
  }
}

function createRun<I>(
  def: { name: string; ladder: readonly string[]; emptyReported?: readonly string[] },
  ws: WorkspaceConfig,
  inputs: I,
  asOf: string,
  opts: RunCommandOptions,
  engine: LazyEngine,
  snapshot: KitRun<I>['snapshot'],
  warnings: string[],
  claimed: ClaimedFolder,
): KitRun<I> {
  const now = opts.now ?? (() => new Date());
  const { runId, reportsDir } = claimed;
  const day = asOfDay(asOf);
  return {
    command: def.name,
    inputs,
    ws,
    baseDir: ws.baseDir,
    runId,
    reportsDir,
    asOf,
    asOfDay: day,
    now,
    env: opts.env ?? process.env,
    engine: () => engine.get(),
    owner(role) {
      // a role the roster does not have at all goes to the ladder's first role, as the stages' owners do
      const r = resolveOwner(ws.roster, role, day, ladderOf(def, ws)[0]);
      return { role, person: r.person, fallback_used: r.fallbackUsed ?? null };
    },
    rel: (p) => path.relative(ws.baseDir, p) || p,
    snapshot,
    warn: (message) => void warnings.push(message),
    emptyReported: def.emptyReported,
  };
}

/** A command's typed stage as the orchestrator runs it: its needs picked from the outputs. */
function toStageDef<O>(s: AnyKitStage<O>, run: KitRun<unknown>, entities: readonly string[]): StageDef {
  const pick = (outputs: Record<string, unknown>) =>
    Object.fromEntries(s.needs.map((n: string) => [n, outputs[n]])) as never;
  return {
    id: s.id,
    name: s.name,
    owner: s.owner,
    purpose: s.purpose,
    outputVar: s.id,
    dependsOn: [...s.needs],
    kind: s.kind,
    maxRetries: s.maxRetries,
    input: s.input,
    condition: s.condition ? (outputs) => s.condition!(pick(outputs)) : undefined,
    // an exact sum past 38 digits: the amount and its row, not the engine's bare overflow message
    run: (ctx) =>
      s.run(ctx, pick(ctx.outputs)).catch(async (err: unknown) => {
        throw await exactSumOverflowError(err, run, entities);
      }),
  };
}

/**
 * Keeps only direct edges: a stage that reads the output of an ancestor of another of its inputs
 * depends on that other input alone, so the plan shows the workflow, not every data read.
 */
export function reduceDependencies(stages: StageDef[]): StageDef[] {
  const byId = new Map(stages.map((s) => [s.id, s]));
  const ancestors = new Map<string, Set<string>>();
  const of = (id: string): Set<string> => {
    const known = ancestors.get(id);
    if (known) return known;
    const set = new Set<string>();
    ancestors.set(id, set);
    for (const d of byId.get(id)?.dependsOn ?? []) {
      set.add(d);
      for (const a of of(d)) set.add(a);
    }
    return set;
  };
  return stages.map((s) => ({
    ...s,
    dependsOn: s.dependsOn.filter((d) => !s.dependsOn.some((other) => other !== d && of(other).has(d))),
  }));
}

/**
 * The plan the orchestrator executes: the kit's source stages (gather, normalize), the command's own
 * stages, and the report stage, with the command's plan fields and the workspace's ladder and roster.
 */
function planSpec<D extends FlagDecls, I, O, R>(
  def: CommandDef<D, I, O, R>,
  run: KitRun<I>,
  inputs: I,
  ws: WorkspaceConfig,
  pictures: boolean,
): Parameters<typeof executePlan>[0] {
  const plan = def.plan(run);
  const stages = [
    ...(def.entities?.length
      ? sourceStages(
          run as KitRun<unknown>,
          def.entities,
          typeof def.narrow === 'function' ? def.narrow(inputs) : def.narrow,
        )
      : []),
    ...plan.stages.map((s) => toStageDef(s, run as KitRun<unknown>, def.entities ?? [])),
  ];
  stages.push(
    reportStage(
      def,
      run,
      stages.map((s) => s.outputVar),
    ),
  );
  return {
    command: def.name,
    scope: plan.scope,
    objective: plan.objective,
    complexity: plan.complexity,
    strategy: plan.strategy,
    // no URL's user or password in the plan file, wherever a resolved input or setting holds one
    inputs: withoutUrlSecrets({ ...(inputs as object) }),
    settings: withoutUrlSecrets({ ...kitSettings(ws, def.entities ?? []), ...plan.settings }),
    stages: reduceDependencies(stages),
    successCriteria: plan.successCriteria,
    deliverables: pictures
      ? [...plan.deliverables, 'dashboard.png', 'dashboard-narrow.png']
      : plan.deliverables,
    errorHandling: {
      retryStrategy: plan.retryStrategy,
      maxRetries: 2,
      fallbackPlan: plan.fallbackPlan,
      escalationLadder: ladderOf(def, ws),
    },
    roster: ws.roster,
    asOf: run.asOfDay,
  };
}

/**
 * Runs a command as an audited plan: resolves its flags and inputs, opens the workspace and (on
 * first use) the engine, gathers and normalizes the entities it reads, runs its stages, writes the
 * report once after every other stage, and closes the plan.
 *
 * @example
 * const run = await runCommand(trackSource, { campaign: 'AI Launch Tour', window: '30d' }, { cwd: 'gtm-demo' });
 * run.result.totals.pipeline;
 */
export async function runCommand<D extends FlagDecls, I, O, R>(
  def: CommandDef<D, I, O, R>,
  args: FlagArgsOf<D> | Readonly<Record<string, unknown>>,
  opts: RunCommandOptions = {},
): Promise<CommandRun<R>> {
  const now = opts.now ?? (() => new Date());
  const flags = resolveFlagObject(def.flags, args as Record<string, unknown>);
  const ws = workspaceFor(def, opts);
  const asOf = opts.asOf ?? now().toISOString().slice(0, 10);
  asOfDay(asOf);
  const inputs = def.resolve(flags, { ws, asOf, cwd: opts.cwd ?? ws.baseDir });
  if (def.entities && def.workspace === 'required') refuseNoSources(def.name, def.entities, ws);
  const engine = lazyEngine(ws, def, opts.env);
  const warnings: string[] = [];
  const snapshot = await snapshotPlan(ws, opts.snapshot);
  const startedAt = now();
  const planDir = path.resolve(ws.baseDir, ws.output.plans_dir);
  const reportsRoot = path.resolve(ws.baseDir, ws.output.reports_dir, def.name);
  let execution;
  let run: KitRun<I>;
  let claimed: ClaimedFolder | undefined;
  try {
    // before anything runs: a linked `reports` or `.claude/plans` would send the files elsewhere
    refuseLinkedFolders(ws.baseDir, planDir, 'the plan JSON');
    refuseLinkedFolders(ws.baseDir, reportsRoot, 'the report');
    // and a file where an output folder must be: found only when the report was written, otherwise
    refuseFileInTheWay(ws, 'plans_dir', planDir);
    refuseFileInTheWay(ws, 'reports_dir', reportsRoot);
    claimed = await claimReportsDir(reportsRoot, startedAt);
    const kitRun = createRun(def, ws, inputs, asOf, { ...opts, now }, engine, snapshot, warnings, claimed);
    run = kitRun;
    const execute = () =>
      executePlan(planSpec(def, kitRun, inputs, ws, snapshot.available), {
        planDir,
        now,
        runId: kitRun.runId,
        onEvent: opts.onEvent,
        signal: opts.signal,
      });
    // aborting stops the running stage's statement too (the engine opens inside the scope): the
    // stage ends interrupted, not failed or retried, and no later stage starts
    execution = await (opts.signal ? withCancellation(opts.signal, execute) : execute());
  } finally {
    // a run that stopped before its report leaves no empty folder (rmdir: nothing written is removed)
    if (claimed) await releaseReportsDir(claimed);
    await engine.close();
  }
  const outputs = execution.outputs as O & { normalize?: NormalizeResult };
  const report = execution.outputs.report as ReportOutput<R>;
  const problems = [
    ...(outputs.normalize ? [rejectRateProblem(run as KitRun<unknown>, outputs.normalize)] : []),
    ...(def.problems?.(report.result, outputs) ?? []),
  ].filter((p): p is GtmError => p !== null);
  return {
    result: report.result,
    record: execution.record,
    planPath: execution.path,
    reportsDir: run.reportsDir,
    files: report.files,
    problems,
    warnings: [...warnings, ...(def.warnings?.(report.result) ?? [])],
  };
}
