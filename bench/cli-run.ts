// One run of the bundled CLI as a user runs it (`node bin/gtm.js <command> … --json` in the
// workspace, a fresh process): wall time from spawn to exit (process start, module loading and
// the prebuilt validators included), CPU and peak RSS of the process (bench/rusage-preload.mjs),
// and the duration of each task from the plan the run wrote. The build is brought up to date
// first (`scripts/build.mjs --if-stale`, as `npm ci` does), so the figures are the current code's.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface CliRun {
  wall_ms: number;
  cpu_ms: number;
  peak_rss_mb: number;
  /** Duration of each task of the plan (ms), by task id. */
  stages: Record<string, number | null>;
  /** The run's `--json` output. */
  result: Record<string, unknown>;
}

let built = false;

/** Runs `gtm <args> --json` in `cwd` and measures it; throws with the CLI's stderr when it fails. */
export function runCli(cwd: string, args: readonly string[]): CliRun {
  if (!built) {
    execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--if-stale'], { stdio: 'ignore' });
    built = true;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'gtm-bench-'));
  const rusage = path.join(dir, 'rusage.json');
  try {
    const t = performance.now();
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        path.join(root, 'bench/rusage-preload.mjs'),
        path.join(root, 'bin/gtm.js'),
        ...args,
        '--json',
      ],
      { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, GTM_BENCH_RUSAGE: rusage } },
    );
    const wall = performance.now() - t;
    if (r.status !== 0)
      throw new Error(`gtm ${args.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
    const u = JSON.parse(readFileSync(rusage, 'utf8')) as {
      user_ms: number;
      system_ms: number;
      max_rss_kb: number;
    };
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    const plan = JSON.parse(readFileSync(path.join(cwd, String(result.plan_path)), 'utf8')) as {
      stages: { tasks: { task_id: string; started_at?: string; ended_at?: string }[] }[];
    };
    const stages = Object.fromEntries(
      plan.stages.flatMap((s) =>
        s.tasks.map((x) => [
          x.task_id,
          x.started_at && x.ended_at ? Date.parse(x.ended_at) - Date.parse(x.started_at) : null,
        ]),
      ),
    );
    return {
      wall_ms: wall,
      cpu_ms: u.user_ms + u.system_ms,
      peak_rss_mb: u.max_rss_kb / 1024,
      stages,
      result,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The line a benchmark prints for a CLI run. */
export function cliLine(args: readonly string[], r: CliRun, target: string): string {
  return (
    `  as a user runs it, \`gtm ${args.join(' ')}\` (bundled CLI, a fresh process, start-up included): ` +
    `wall ${(r.wall_ms / 1000).toFixed(2)} s (${target}), CPU ${(r.cpu_ms / 1000).toFixed(2)} s, peak RSS ${Math.round(r.peak_rss_mb)} MB`
  );
}
