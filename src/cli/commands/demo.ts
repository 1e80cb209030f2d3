import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { usageError } from '../../errors/index.ts';
import type { CliCommand, CliContext, ParsedArgs } from '../command.ts';
import { parseArgs, tokenize } from '../parse-args.ts';

/**
 * The demo's size: 3,000 accounts (about 16,500 people, 30,000 web events, hundreds of
 * opportunities) keep `npx gtm demo` on a fresh clone under five seconds on a 2-core machine, with
 * every planted effect still clear; `--accounts` makes it larger.
 */
export const DEMO_DEFAULT_ACCOUNTS = 3000;

/** The specification's usage line of each command, run verbatim inside the demo workspace. */
export const DEMO_USAGE_LINES: Record<string, string> = {
  'track-source': `/partner-co-marketing-orchestration:track-source --campaign "AI Launch Tour" --window 30d --detail full`,
  'define-events': `/analytics-pipeline-orchestration:define-events --use_case "pipeline velocity" --sources "product,crm" --tools "Segment,dbt"`,
  'optimize-referrals': `/referral-program-orchestration:optimize-referrals --window 30d --detail full --dimensions "channel,partner-tier"`,
  'monitor-loyalty': `/loyalty-lifecycle-orchestration:monitor-loyalty --window 30d --detail full --dimensions "tier,region"`,
  'monitor-personalization': `/personalization-engine:monitor-personalization --initiative "PLG Onboarding" --window 14d --detail full`,
};
export const DEMO_USAGE_LINE = DEMO_USAGE_LINES['track-source'];

/**
 * Refuses a demo folder that is a file, or lies under a file (`gtm demo initA/gtm.yaml`), before
 * anything is written: the nearest part of the path that exists must be a folder.
 */
function checkDemoDir(dir: string): void {
  for (let at = dir; ; at = path.dirname(at)) {
    let isDir: boolean;
    try {
      isDir = statSync(at).isDirectory();
    } catch {
      if (path.dirname(at) === at) return;
      continue;
    }
    if (isDir) return;
    throw usageError(
      at === dir ? 'is a file, not a folder' : `cannot hold a folder: ${at} is a file`,
      dir,
      'pass a new folder: gtm demo ./my-demo',
    );
  }
}

/** The newest report folder of a command in the workspace, or null. */
function latestReport(dir: string, command: string): string | null {
  const root = path.join(dir, 'reports', command);
  if (!existsSync(root)) return null;
  const runs = readdirSync(root).sort();
  return runs.length ? path.join(root, runs[runs.length - 1]) : null;
}

/**
 * How the user runs gtm from the demo folder: `gtm` when installed, `npx gtm` inside the clone, else
 * the bin's path. A `gtm` in a `node_modules/.bin` folder is not an installed one: `npx gtm` puts
 * such a folder (npm's `_npx` cache, or the project's own) on the PATH of the process it starts, and
 * that folder is gone from the user's shell, where `gtm run …` would be "command not found".
 */
export function gtmInvocation(
  dir: string,
  env: { PATH?: string } = process.env,
  bin: string = fileURLToPath(new URL('../../../bin/gtm.js', import.meta.url)),
): { run: string; installed: boolean } {
  const pkgRoot = path.dirname(path.dirname(bin));
  const onPath = (env.PATH ?? '')
    .split(path.delimiter)
    .some(
      (d) =>
        d &&
        !/(^|[\\/])node_modules[\\/]\.bin[\\/]?$/.test(d) &&
        existsSync(path.join(d, process.platform === 'win32' ? 'gtm.cmd' : 'gtm')),
    );
  if (onPath) return { run: 'gtm', installed: true };
  const inside = !path.relative(pkgRoot, path.resolve(dir)).startsWith('..');
  return { run: inside ? 'npx gtm' : `node ${JSON.stringify(bin).slice(1, -1)}`, installed: false };
}

/** What to do next, with paths from where the user ran `gtm demo`. */
function nextSteps(cwd: string, dir: string, command: string, commands: readonly string[]): string {
  const rel = path.relative(cwd, dir) || '.';
  const report = latestReport(dir, command);
  const open = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'start' : 'xdg-open';
  const gtm = gtmInvocation(dir);
  const lines = ['', 'Next steps:'];
  if (report) lines.push(`  ${open} ${path.join(path.relative(cwd, report) || '.', 'dashboard.html')}`);
  if (rel !== '.') lines.push(`  cd ${rel.includes(' ') ? JSON.stringify(rel) : rel}`);
  for (const [name, line] of Object.entries(DEMO_USAGE_LINES))
    if (commands.includes(name)) lines.push(`  ${gtm.run} run '${line}'`);
  lines.push(`  ${gtm.run} plans list            (the audit trail of every run)`);
  if (!gtm.installed)
    lines.push(
      '',
      'To have `gtm` everywhere, run `npm install -g .` in the gtm clone once (or install the published',
      'package: npm install -g gtm-analytics).',
    );
  return lines.join('\n');
}

/**
 * Starts Chromium for the run's dashboard.png while the workspace is written, when the demo was
 * asked for the pictures (`--snapshot`, or `GTM_SNAPSHOT=always`). Returns the function that closes
 * it if the run did not use it.
 */
async function prelaunchSnapshot(run: boolean): Promise<() => Promise<void>> {
  const none = () => Promise.resolve();
  if (!run) return none;
  const { hasChromium, prelaunchChromium } = await import('../../report/snapshot-png.ts');
  return (await hasChromium()) ? prelaunchChromium() : none;
}

/**
 * Whether the demo's run takes dashboard.png: only when asked (`--snapshot`, or
 * `GTM_SNAPSHOT=always`). Chromium costs about half of the demo's time (launch, page load, two
 * full-page pictures), and the HTML dashboard is the report; the workspace's gtm.yaml keeps
 * `snapshot: auto`, so later runs in it take the pictures when Chromium is found.
 */
export function demoSnapshot(flag: boolean | undefined): boolean {
  return flag ?? process.env.GTM_SNAPSHOT === 'always';
}

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Write a demo workspace (seeded, realistic data) and run track-source on it',
  usage:
    'gtm demo [DIR] [--command track-source|define-events|…] [--seed N] [--accounts N] [--as-of DATE] [--no-run] [--force]',
  positionals: [
    {
      name: 'dir',
      description:
        "folder to create (default ./gtm-demo); a command's name, such as monitor-loyalty, runs that command's demo in it",
    },
  ],
  flags: [
    {
      name: 'seed',
      type: 'integer',
      min: 0,
      max: 2 ** 31 - 1,
      example: '11',
      placeholder: 'N',
      description: 'random seed; same seed and as-of give the same numbers',
      default: 7,
    },
    {
      name: 'run',
      type: 'boolean',
      description: 'run the usage line after writing (default true; --no-run to skip)',
      default: true,
    },
    { name: 'force', type: 'boolean', description: 'regenerate a demo workspace whose gtm.yaml was edited' },
    {
      name: 'snapshot',
      type: 'boolean',
      description:
        'also take dashboard.png through Chromium (off by default in the demo, for speed; later runs in the workspace follow its gtm.yaml: when Chromium is found)',
    },
    {
      name: 'accounts',
      type: 'integer',
      placeholder: 'N',
      min: 10,
      max: 200000,
      example: '6000',
      description:
        'number of accounts to generate (the default keeps the first run under five seconds; 6000 gives about 33,000 people)',
      default: DEMO_DEFAULT_ACCOUNTS,
    },
    {
      name: 'command',
      type: 'string',
      choices: Object.keys(DEMO_USAGE_LINES),
      description: "which command's usage line to run in the demo",
      default: 'track-source',
    },
  ],
  examples: [
    'gtm demo',
    'gtm demo ./ailt --seed 11 --as-of 2026-11-15',
    'gtm demo monitor-loyalty',
    `cd gtm-demo && gtm run '${DEMO_USAGE_LINE}'`,
  ],
  async run(parsed, ctx) {
    const args = demoArgs(parsed);
    const dir = path.resolve(ctx.cwd, args.positionals[0] ?? 'gtm-demo');
    const asOf = ctx.global.asOf ?? new Date().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf))
      throw usageError(`must be a date YYYY-MM-DD for the demo, got "${asOf}"`, '--as-of');
    checkDemoDir(dir);
    const seed = Number(args.flags.seed);
    const snapshot = demoSnapshot(args.flags.snapshot as boolean | undefined);
    const release = await prelaunchSnapshot(Boolean(args.flags.run) && snapshot);
    try {
      return await demoRun(args, ctx, dir, asOf, seed, snapshot);
    } finally {
      await release();
    }
  },
};

/**
 * `gtm demo monitor-loyalty` names a command as its folder: the user means that command's demo
 * (it wrote ./monitor-loyalty and ran track-source there). A folder named after a command runs
 * that command's usage line unless `--command` names another one than the default.
 */
function demoArgs(args: ParsedArgs): ParsedArgs {
  const first = args.positionals[0];
  const named = first !== undefined && Object.hasOwn(DEMO_USAGE_LINES, first) && first !== 'track-source';
  if (!named || args.flags.command !== 'track-source') return args;
  return { ...args, flags: { ...args.flags, command: first } };
}

async function demoRun(
  args: ParsedArgs,
  ctx: CliContext,
  dir: string,
  asOf: string,
  seed: number,
  snapshot: boolean,
): Promise<number> {
  ctx.out.progress(`writing demo workspace to ${dir}`);
  const name = String(args.flags.command);
  const { startDemo } = await import('../../demo/index.ts');
  // a worker thread generates and writes the data; this thread meanwhile loads what the run needs
  const [writing] = await Promise.all([
    startDemo(dir, {
      seed,
      asOf,
      accounts: Number(args.flags.accounts),
      force: Boolean(args.flags.force),
    }),
    args.flags.run ? preload(name) : undefined,
  ]);
  const { files, truth } = writing;
  if (!ctx.global.json)
    ctx.out.text(
      `Demo workspace: ${path.relative(ctx.cwd, dir) || '.'} (${files.length} files, ${truth.people} people, ${truth.accounts} accounts, seed ${seed}, as of ${asOf})`,
    );
  // track-source reads only gtm.yaml and its own data, written first: it runs while the other
  // commands' data is still being generated and written; every other command waits for all of it
  if (!args.flags.run || name !== 'track-source') await writing.done;
  if (!args.flags.run) return 0;
  let code: number;
  try {
    code = await runInDemo(ctx, dir, asOf, name, snapshot);
  } catch (e) {
    await writing.done.catch(() => undefined); // the run's error is the one to report
    throw e;
  }
  await writing.done; // the workspace is complete before the demo ends
  if (!ctx.global.json)
    ctx.out.text(
      nextSteps(
        ctx.cwd,
        dir,
        name,
        (await import('../registry.ts')).COMMANDS.filter((c) => c.run).map((c) => c.name),
      ),
    );
  return code;
}

/**
 * Loads the modules the demo's run needs (the commands, the command kit, the command's own modules
 * and DuckDB) while the worker writes the data. A failure here is left to the run to report.
 */
async function preload(name: string): Promise<void> {
  const loads: Promise<unknown>[] = [import('../registry.ts'), import('../../commands/kit/run-command.ts')];
  if (name === 'track-source') loads.push(import('../../commands/track-source/index.ts'));
  loads.push(import('../../data/duckdb-engine.ts'));
  await Promise.all(loads.map((p) => p.catch(() => undefined)));
}

/** Runs the usage line of a command in the demo workspace. */
async function runInDemo(
  ctx: CliContext,
  dir: string,
  asOf: string,
  name: string,
  snapshot: boolean,
): Promise<number> {
  const line = DEMO_USAGE_LINES[name];
  const { COMMANDS } = await import('../registry.ts');
  const cmd = COMMANDS.find((c) => c.name === name && c.run);
  if (!cmd)
    throw usageError(
      `${name} is not available in this version`,
      '--command',
      `use one of: ${COMMANDS.filter((c) => DEMO_USAGE_LINES[c.name])
        .map((c) => c.name)
        .join(', ')}`,
    );
  // the run prints its reports' paths relative to the workspace; say so when the user stands elsewhere
  const rel = path.relative(ctx.cwd, dir);
  const where = rel
    ? ` (in ${rel.includes(' ') ? JSON.stringify(rel) : rel}: the paths it prints are inside that folder)`
    : '';
  if (!ctx.global.json) ctx.out.text(`Running: gtm run '${line}'${where}\n`);
  const tokens = tokenize(line);
  const parsed = parseArgs(tokens.slice(1), [...cmd.flags]);
  // the demo's choice is the run's own --snapshot / --no-snapshot
  parsed.flags.snapshot = snapshot;
  return cmd.run!(parsed, {
    ...ctx,
    // the demo's tables are small: one DuckDB thread does them with less CPU, and leaves the other
    // core to the worker still writing the rest of the workspace (unless the user chose otherwise)
    env: { ...ctx.env, GTM_DUCKDB_THREADS: ctx.env.GTM_DUCKDB_THREADS ?? '1' },
    cwd: dir,
    global: { ...ctx.global, asOf, config: undefined },
  });
}
