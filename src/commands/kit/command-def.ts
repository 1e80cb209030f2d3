import type { Engine, NarrowSpec, NormalizeResult } from '../../data/index.ts';
import type { GtmError } from '../../errors/index.ts';
import type {
  AlertRecord,
  EscalationRecord,
  FallbackUsed,
  PlanSettings,
  PlanSpec,
  StageContext,
} from '../../orchestrator/index.ts';
import type { Dashboard, ReportFile } from '../../report/index.ts';
import type { WorkspaceConfig } from '../../workspace/index.ts';
import type { FlagDecls, FlagValuesOf } from './flag-spec.ts';

/** A role resolved to a person at as-of, with the fallback taken when the person is unavailable. */
export interface OwnerRef {
  role: string;
  person: string | null;
  fallback_used: FallbackUsed | null;
}

/** What every stage, the plan and the result of one run can read. Built by the kit. */
export interface KitRun<I> {
  command: string;
  inputs: I;
  ws: WorkspaceConfig;
  /** Workspace folder; relative paths resolve against it. */
  baseDir: string;
  runId: string;
  /** `reports/<command>/<run-id>`, absolute. */
  reportsDir: string;
  /** As given (date or ISO time). */
  asOf: string;
  /** The calendar day of as-of (YYYY-MM-DD): owners' availability is checked on it. */
  asOfDay: string;
  now(): Date;
  env: Record<string, string | undefined>;
  /** The run's engine, opened on first use and closed by the kit when the run ends. */
  engine(): Promise<Engine>;
  owner(role: string): OwnerRef;
  /** A path relative to the workspace folder, for results and messages. */
  rel(p: string): string;
  /** Whether the report stage renders dashboard.png, and with which Chromium. */
  snapshot: {
    mode: 'auto' | 'always' | 'never';
    chromium: string;
    available: boolean;
    /** What a snapshot lacks on this machine, when `available` is false in a mode other than `never`. */
    missing?: 'chromium' | 'playwright-core';
  };
  /** A warning the CLI prints after the run (one line, with what to do). */
  warn(message: string): void;
  /** `CommandDef.emptyReported`: entities whose sources without rows the command reports itself. */
  emptyReported?: readonly string[];
}

/**
 * One stage of a command: `needs` names the stages whose outputs it reads (typed from the
 * command's output map `O`), and it returns its own output `O[K]`.
 */
export interface KitStage<
  O,
  K extends keyof O & string = keyof O & string,
  N extends keyof O & string = never,
> {
  id: K;
  name: string;
  /** Roster role. */
  owner: string;
  purpose: string;
  needs: readonly N[];
  kind?: 'task' | 'merge-gate';
  maxRetries?: number;
  /** Skips the stage (status skipped) when false; its output is then undefined. */
  condition?: (got: Pick<O, N>) => boolean;
  input?: unknown;
  run(ctx: StageContext, got: Pick<O, N>): Promise<O[K]>;
}

/** A stage of any id, as a plan lists them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each stage keeps its own precise type through `stage()`
export type AnyKitStage<O> = KitStage<O, keyof O & string, any>;

/**
 * Declares a typed stage of a command whose outputs are `O`.
 * @example
 * const s = stageOf<Outputs>();
 * s({ id: 'insights', name: 'Insights', owner: 'analyst', purpose: '…', needs: ['attribute'],
 *     run: async (ctx, { attribute }) => computeInsights(attribute) });
 */
export const stageOf =
  <O>() =>
  <K extends keyof O & string, N extends keyof O & string = never>(s: KitStage<O, K, N>): AnyKitStage<O> =>
    s as AnyKitStage<O>;

/** The plan of one run, as a command declares it; the kit adds sources, owners and the report. */
export interface CommandPlan<O> {
  /** Runs with the same command and scope form a history (alert streaks, change log). */
  scope: string;
  objective: string;
  complexity: PlanSpec['complexity'];
  strategy: PlanSpec['strategy'];
  settings: PlanSettings;
  stages: AnyKitStage<O>[];
  successCriteria: string[];
  deliverables: string[];
  retryStrategy: string;
  fallbackPlan: string;
}

/** What the report stage knows once every other stage has finished. */
export interface Closing {
  plan_path: string;
  alerts: AlertRecord[];
  escalations: EscalationRecord[];
}

/** The report: built once, after every other stage, with the plan path, alerts and escalations. */
export interface ReportDef<I, O, R> {
  /** Stages it follows (usually the last one). */
  after: readonly (keyof O & string)[];
  owner: string;
  purpose: string;
  build(run: KitRun<I>, outputs: O, closing: Closing): R;
  /** The dashboard model: `dashboard.html`, and `summary.md` (short with `--detail summary`). */
  dashboard(result: R, outputs: O): Dashboard;
  detail?(result: R): 'summary' | 'full';
  /** Tables and command-specific files besides result.json, summary.md and dashboard.html. */
  files?(result: R, outputs: O, run: KitRun<I>): ReportFile[] | Promise<ReportFile[]>;
}

/**
 * What the CLI, help and agent tools need to know of a command without loading it: name, plugin,
 * summary, flags and examples. Kept in the command's `inputs.ts`, which imports nothing heavy.
 */
export interface CommandManifest<D extends FlagDecls = FlagDecls> {
  name: string;
  /** The agent plugin that publishes the command (`/plugin:command` usage lines). */
  plugin: string;
  summary: string;
  flags: D;
  examples: readonly string[];
}

/**
 * A command of gtm, declared once: flags, inputs, entities read, plan, report and terminal view.
 * `runCommand` runs it; the CLI, the library and the MCP server all go through it.
 */
export interface CommandDef<D extends FlagDecls, I, O, R> extends CommandManifest<D> {
  /** `optional`: runs with defaults in a folder without gtm.yaml. */
  workspace: 'required' | 'optional';
  /** Entities whose sources are gathered and normalized (stage `normalize` outputs them). */
  entities?: readonly string[];
  /**
   * Narrow tables the command reads instead of the canonical views of some of its entities
   * (entity → `NarrowSpec`: the accepted rows, only the columns asked for, text as codes or
   * hashes), written by normalize (docs/architecture.md, "At scale"). A function gets the inputs.
   */
  narrow?: Readonly<Record<string, NarrowSpec>> | ((inputs: I) => Readonly<Record<string, NarrowSpec>>);
  /**
   * Entities whose sources without a single row the command reports in its own words (a warning
   * or an error naming the source): the kit's "source …: … has no data rows" warning skips them.
   */
  emptyReported?: readonly string[];
  /**
   * True when every query of the command has a ClickHouse form and its parity test passes
   * (result.json equal to DuckDB's on the two-shard cluster): only then does the run open
   * `engine: { kind: clickhouse }` (otherwise it stops with a configuration error).
   */
  clickhouse?: boolean;
  /** Default escalation ladder (roles); `escalation.<command>` in gtm.yaml overrides it. */
  ladder: readonly string[];
  /** Flags → typed inputs, with the checks that need the workspace (a campaign exists, …). */
  resolve(flags: FlagValuesOf<D>, ctx: { ws: WorkspaceConfig; asOf: string; cwd: string }): I;
  plan(run: KitRun<I>): CommandPlan<O>;
  report: ReportDef<I, O, R>;
  /** The terminal view of a result. */
  format(result: R): string;
  /** Lines the CLI prints as warnings after the run. */
  warnings?(result: R): string[];
  /** Problems found in a complete run (reported after everything is written; non-zero exit). */
  problems?(result: R, outputs: O): GtmError[];
}

/** Stage outputs the kit provides to commands that read entities. */
export interface SourceOutputs {
  normalize: NormalizeResult;
}

/** Any command definition (for registries and the CLI). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds commands of different types
export type AnyCommandDef = CommandDef<any, any, any, any>;
